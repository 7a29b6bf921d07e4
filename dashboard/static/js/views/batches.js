// The lists page: imported lists, newest first, with their lines by status, and the steps of the
// approval chain the signed-in role may take on each (confirmed in a dialog that says how many
// lines and how much money will move). A list whose lines are at different steps offers the steps
// of each group of lines, and every list opens to its lines (listdetail.js). Filters (ward, group,
// the list opened) live in the URL.

import { query } from "../api.js";
import { batchFacts, mayPrintPosting, statusTable, stepCounts } from "../batch.js";
import { wardFilterChoices } from "../choices.js";
import { h, replace, statusLine } from "../dom.js";
import { formatNumber } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { mayOpen, pageTitle } from "../pages.js";
import { fromFor, movable, nextFor, openStepDialog, refusal, stepDoneNotice, stepsFor } from "../workflow.js";
import { listDetailPage } from "./listdetail.js";

const pageSize = 50;
const FORWARD = ["POST", "APPRAISE", "APPROVE", "PAY"];

/** Builds the lists page into main; resolves once the lists are shown (or the refusal). */
export async function listsPage(main, ctx) {
  const { state, meta, user } = ctx;
  if (state.batch) return listDetailPage(main, ctx);
  const l = lang();
  pageTitle(main, "lists");
  const ward = state.wards[0] || "";
  const group = state.groups[0] || "";
  const wards = await wardFilterChoices(user, ward);
  if (!ctx.isCurrent()) return;

  const wardSelect = h("select", { id: "l-ward", name: "ward",
    on: { change: () => ctx.navigate({ wards: wardSelect.value ? [wardSelect.value] : [] }, { keepFocus: "#l-ward" }) } },
  h("option", { value: "" }, user.role === "ward_officer" ? t("allMyWards") : t("all")),
  wards.map((w) => h("option", { value: w.code, selected: w.code === ward }, `${nameOf(w, l)} (${w.code})`)));
  const groupSelect = h("select", { id: "l-group", name: "group",
    on: { change: () => ctx.navigate({ groups: groupSelect.value ? [groupSelect.value] : [] }, { keepFocus: "#l-group" }) } },
  h("option", { value: "" }, t("all")),
  meta.programs.map((p) => h("optgroup", { label: nameOf(p, l) },
    p.groups.map((g) => h("option", { value: g.code, selected: g.code === group }, nameOf(g, l))))));

  const message = h("div", { id: "lists-message", class: "lists-message", role: "status", "aria-live": "polite" });
  // The lists are not a live region (a change would read them all out): one sentence says what is shown.
  const body = h("div", { id: "lists-body" });
  const shown = statusLine("lists-status");
  main.append(
    h("p", { class: "intro" }, t("listsIntro"), " ", roleLine(user)),
    h("form", { class: "filters-inline no-print", id: "lists-filters", role: "search", "aria-label": t("filters"), on: { submit: (e) => e.preventDefault() } },
      h("div", { class: "field" }, h("label", { for: "l-ward" }, t("wards")), wardSelect),
      h("div", { class: "field" }, h("label", { for: "l-group" }, t("groups")), groupSelect),
      mayOpen(user, "import") ? h("a", { class: "button-small", id: "lists-import", href: ctx.hrefFor({ page: "import", ward, group, upload: "" }), dataset: { nav: "" } }, t("nav_import")) : null),
    message,
    shown,
    body,
  );

  let first = pageSize;
  const load = async () => {
    body.setAttribute("aria-busy", "true");
    try {
      const data = await query("ImportBatches", { wards: ward ? [ward] : null, groups: group ? [group] : null, first });
      if (!ctx.isCurrent()) return;
      show(data.importBatches, data.workflowRules);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      replace(body, h("div", { class: "notice notice-refused", id: "lists-failed", role: "alert", dataset: { code: err.code || err.kind } }, refusal(err)));
    } finally {
      body.setAttribute("aria-busy", "false");
    }
  };

  const show = (batches, rules) => {
    if (!batches.length) {
      shown.textContent = ward || group ? t("listsEmptyFiltered") : t("listsEmpty");
      replace(body, h("p", { class: "notice", id: "lists-empty" }, ward || group ? t("listsEmptyFiltered") : t("listsEmpty"), " ",
        mayOpen(user, "import") ? h("a", { href: ctx.hrefFor({ page: "import", ward, group, upload: "" }), dataset: { nav: "" } }, t("nav_import")) : null));
      return;
    }
    shown.textContent = t("listsCount", { n: formatNumber(batches.length, l) });
    replace(body,
      h("p", { class: "note", id: "lists-count" }, t("listsCount", { n: formatNumber(batches.length, l) })),
      h("ul", { class: "batches" }, batches.map((b) => batchItem(b, rules))),
      batches.length >= first
        ? h("button", { type: "button", class: "button-small", id: "lists-more", on: { click: async () => {
          // The first list that "Xem thêm" brought takes the focus (the button is redrawn).
          const from = first;
          first += pageSize;
          await load();
          const item = body.querySelectorAll("ul.batches > li")[from];
          (item?.querySelector("h2") || document.getElementById("lists-more"))?.focus();
        } } }, t("loadMore"))
        : null);
  };

  const done = (b) => async (result) => {
    ctx.dataChanged();
    replace(message, stepDoneNotice(result, b.id));
    await load();
    document.getElementById(`batch-${b.id}-title`)?.focus();
  };
  const refused = (err) => {
    if (err.code === "CONFLICT" || err.code === "NOT_FOUND") load(); // the list changed: show it as it is now
  };

  // A list at several steps: each group of lines (one status) takes the forward steps the role may
  // take from it, as a filter on the list and the status.
  const groupButtons = (b, rules, active) => active.flatMap((s) => FORWARD
    .filter((step) => fromFor(rules, step, user.role).includes(s.status))
    .map((step) => h("button", {
      type: "button", class: `button-small step-${step.toLowerCase()}`,
      dataset: { step, batch: b.id, status: s.status },
      on: {
        click: (e) => openStepDialog({
          batch: b, step, to: rules.find((r) => r.step === step).to, from: [s.status], lines: s.lines, amount: s.amount,
          opener: e.currentTarget, selection: { filter: { batches: [b.id], statuses: [s.status] } },
          title: t(`laStep_${step}`, { n: formatNumber(s.lines, l) }),
          onDone: done(b), onRefused: refused,
        }),
      },
    }, t(`laStep_${step}`, { n: formatNumber(s.lines, l) }))));

  const batchItem = (b, rules) => {
    const steps = stepsFor(rules, user.role, b);
    const { lines, amount, active } = movable(b);
    const mixed = active.length > 1;
    const buttons = mixed ? groupButtons(b, rules, active) : steps.map((step) => h("button", {
      type: "button", class: `button-small step-${step.toLowerCase()}${step === "RETURN" || step === "CANCEL" ? " danger" : ""}`,
      dataset: { step, batch: b.id }, "aria-label": t("stepButtonLabel", { step: word("step", step), n: formatNumber(lines, l), id: b.id }),
      on: {
        click: (e) => openStepDialog({
          batch: b, step, to: rules.find((r) => r.step === step).to,
          from: active.map((s) => s.status).filter((s) => fromFor(rules, step, user.role).includes(s)), lines, amount,
          opener: e.currentTarget,
          onDone: done(b),
          onRefused: refused,
        }),
      },
    }, t(`stepButton_${step}`)));
    // Without a forward step of their own, the reader learns who takes the next one.
    const next = mixed || steps.some((s) => FORWARD.includes(s)) ? null : nextFor(rules, b);
    const open = h("a", { class: "button-small batch-open", id: `batch-${b.id}-open`, href: ctx.hrefFor({ batch: b.id, statuses: [] }), dataset: { nav: "" } },
      t("ldOpen", { n: formatNumber(b.statuses.reduce((n, s) => n + s.lines, 0), l) }));
    const posting = mayPrintPosting(user, b.ward.code)
      ? h("a", { href: b.postingUrl.replace(/^\//, ""), class: "posting-link" }, t("postingList"))
      : null;
    return h("li", { class: "batch card", id: `batch-${b.id}`, dataset: { batch: b.id }, "aria-labelledby": `batch-${b.id}-title` },
      h("h2", { id: `batch-${b.id}-title`, tabindex: "-1" }, nameOf(b.group, l), h("span", { class: "batch-ward" }, ` — ${nameOf(b.ward, l)}`)),
      h("p", { class: "batch-facts" }, batchFacts(b)),
      mixed ? h("p", { class: "batch-steps", id: `batch-${b.id}-steps` }, stepCounts(b)) : null,
      statusTable(b),
      h("div", { class: "batch-actions" },
        buttons.length ? buttons : null,
        next ? h("p", { class: "note batch-next" }, nextText(next)) : null,
        mixed && !buttons.length ? h("p", { class: "note batch-next" }, t("batchMixedOpen")) : null,
        open,
        posting),
    );
  };

  await load();
}

/** What the role may do here, in one sentence. */
function roleLine(user) {
  return t(`listsRole_${user.role}`);
}

function nextText(next) {
  if (next.kind === "done") return t("batchDone");
  return t("batchWaits", { step: word("step", next.step), roles: next.roles.map((r) => t(`role_${r}`)).join(", ") });
}
