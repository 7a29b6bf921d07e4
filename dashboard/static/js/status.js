// The page's state for people and for tests: loading, empty, error or ready, announced politely.

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

/**
 * Shows the state in the live region and marks <body data-state>. For "error", err is an ApiError
 * and retry a function.
 */
export function showStatus(region, state, { err = null, retry = null } = {}) {
  document.body.dataset.state = state;
  document.getElementById("main")?.setAttribute("aria-busy", state === "loading" ? "true" : "false");
  region.className = `status status-${state}`;
  switch (state) {
    case "loading":
      replace(region, h("p", { class: "spinner" }, t("loading")));
      break;
    case "empty":
      replace(region, h("p", { class: "status-title" }, t("empty")), h("p", {}, t("emptyHint")));
      break;
    case "error": {
      // A question the API refuses (a code that does not exist, a filter the public figures do not
      // answer): its message says what to change; trying again would not help.
      const input = err?.code === "BAD_USER_INPUT" || err?.code === "NOT_FOUND";
      const reason = input ? t("errorInput") : err?.kind === "network" ? t("errorNetwork") : err?.kind === "denied" ? t("errorDenied") : t("errorServer");
      replace(
        region,
        h("p", { class: "status-title" }, t("errorTitle")),
        h("p", {}, reason),
        err?.message ? h("p", { class: "status-detail" }, t("errorDetail", { message: err.message })) : null,
        retry && !input ? h("button", { type: "button", class: "button", on: { click: retry } }, t("retry")) : null,
      );
      break;
    }
    default:
      replace(region);
  }
}
