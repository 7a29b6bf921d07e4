// The sign-in page: user name and password, errors said in words, then back where the user was.

import { signIn } from "../auth.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";

/** Builds the sign-in form into main; onSignedIn() runs after a successful sign-in. */
export function signInPage(main, { onSignedIn, backHref }) {
  const error = h("p", { class: "form-error", id: "signin-error", role: "alert" });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, "aria-describedby": "signin-error" });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true, "aria-describedby": "signin-error" });
  const submit = h("button", { type: "submit", class: "button" }, t("signInSubmit"));
  const form = h(
    "form",
    {
      class: "signin", novalidate: true,
      on: {
        submit: async (e) => {
          e.preventDefault();
          error.textContent = "";
          if (!username.value.trim() || !password.value) {
            error.textContent = t("signInRequired");
            (username.value.trim() ? password : username).focus();
            return;
          }
          submit.disabled = true;
          submit.textContent = t("signingIn");
          const result = await signIn(username.value.trim(), password.value);
          submit.disabled = false;
          submit.textContent = t("signInSubmit");
          if (result.ok) {
            password.value = "";
            onSignedIn();
            return;
          }
          const reasons = { wrong: "signInFailed", tooMany: "signInTooMany", unavailable: "signInUnavailable", network: "errorNetwork" };
          error.textContent = reasons[result.reason] ? t(reasons[result.reason]) : result.message || t("errorServer");
          password.select();
          password.focus();
        },
      },
    },
    h("div", { class: "field" }, h("label", { for: "username" }, t("username")), username),
    h("div", { class: "field" }, h("label", { for: "password" }, t("password")), password),
    error,
    submit,
  );
  main.append(
    h("nav", { class: "crumbs", "aria-label": "breadcrumb" }, h("a", { class: "back", href: backHref, dataset: { nav: "" } }, t("backToOverview"))),
    h("h1", { id: "page-title", tabindex: "-1" }, t("signInTitle")),
    h("p", {}, t("signInIntro")),
    form,
  );
  document.title = `${t("appTitle")} — ${t("signInTitle")}`;
}
