// The audit page, for admins: who changed what and when, newest first, filtered by ward, user,
// action and dates (in the URL), a page at a time; each event opens to its state before and after.

import { query } from "../api.js";
import { wardFilterChoices } from "../choices.js";
import { h, replace } from "../dom.js";
import { formatDate, formatDateTime, formatNumber, parseDate } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { pageTitle } from "../pages.js";
import { refusal } from "../workflow.js";

const pageSize = 50;

/** The actions hotro records, for the filter (the API takes any action name). */
export const AUDIT_ACTIONS = [
  "import.commit", "disbursement.create",
  "workflow.post", "workflow.appraise", "workflow.approve", "workflow.pay", "workflow.return", "workflow.cancel",
  "disbursement.post", "disbursement.appraise", "disbursement.approve", "disbursement.pay", "disbursement.return", "disbursement.cancel",
  "auth.login", "auth.login_failed", "auth.login_refused", "auth.logout",
  "user.create", "user.password", "token.create", "token.revoke", "seed.demo", "seed.national",
  "personal.read", "personal.search", "reconciliation.read", "spotcheck.draw", "spotcheck.draw_refused", "spotcheck.visit",
  "feedback.submit", "feedback.reply", "feedback.close",
];

/** Builds the audit page into main; resolves once the first page of events is shown. */
export async function auditPage(main, ctx) {
  const { state, user } = ctx;
  const l = lang();
  pageTitle(main, "audit");
  const ward = state.wards[0] || "";
  const wards = await wardFilterChoices(user, ward);
  if (!ctx.isCurrent()) return;

  const wardSelect = h("select", { id: "a-ward", name: "ward" },
    h("option", { value: "" }, t("all")),
    wards.map((w) => h("option", { value: w.code, selected: w.code === ward }, `${nameOf(w, l)} (${w.code})`)));
  const actorInput = h("input", { id: "a-actor", name: "actor", type: "text", autocomplete: "off", spellcheck: "false", value: state.actor, list: "a-actors", size: "16" });
  const actors = h("datalist", { id: "a-actors" });
  const actions = [...AUDIT_ACTIONS];
  if (state.action && !actions.includes(state.action)) actions.push(state.action);
  const actionSelect = h("select", { id: "a-action", name: "action" },
    h("option", { value: "" }, t("all")),
    actions.map((a) => h("option", { value: a, selected: a === state.action }, `${actionLabel(a)} (${a})`)));
  const dateInput = (id, value) => h("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", size: "10", placeholder: t("datePlaceholder"),
    value: value ? formatDate(value) : "", "aria-describedby": `${id}-error` });
  const fromInput = dateInput("a-from", state.from);
  const toInput = dateInput("a-to", state.to);
  const field = (id, label, control, extra = null) =>
    h("div", { class: "field" }, h("label", { for: id }, label), control, extra);
  const dateError = (id) => h("span", { class: "field-error", id: `${id}-error`, role: "alert" });

  const form = h("form", { class: "filters-inline no-print", id: "audit-filters", role: "search", "aria-label": t("filters"), novalidate: true,
    on: {
      submit: (e) => {
        e.preventDefault();
        const dates = {};
        for (const [key, input] of [["from", fromInput], ["to", toInput]]) {
          const text = input.value.trim();
          const iso = text ? parseDate(text) : "";
          if (iso === null) {
            input.setAttribute("aria-invalid", "true");
            document.getElementById(`${input.id}-error`).textContent = t("dateInvalid");
            input.focus();
            return;
          }
          dates[key] = iso;
        }
        ctx.navigate({ wards: wardSelect.value ? [wardSelect.value] : [], actor: actorInput.value.trim(), action: actionSelect.value, ...dates },
          { keepFocus: "#a-apply" });
      },
    } },
  field("a-ward", t("wards"), wardSelect),
  field("a-actor", t("auditActor"), actorInput, actors),
  field("a-action", t("auditAction"), actionSelect),
  field("a-from", t("dateFrom"), fromInput, dateError("a-from")),
  field("a-to", t("dateTo"), toInput, dateError("a-to")),
  h("div", { class: "form-actions" },
    h("button", { type: "submit", class: "button", id: "a-apply" }, t("applyFilters")),
    h("a", { class: "button-small", id: "a-clear", href: ctx.hrefFor({ wards: [], actor: "", action: "", from: "", to: "" }), dataset: { nav: "" } }, t("clearFilters"))));

  const summary = h("p", { class: "note", id: "audit-count", "aria-live": "polite" });
  const csvButton = h("button", { type: "button", class: "button-small", id: "audit-csv", hidden: true }, t("auditCSV"));
  const list = h("ol", { class: "audit-list", id: "audit-list" });
  const more = h("button", { type: "button", class: "button-small", id: "audit-more", hidden: true }, t("loadMore"));
  const failure = h("div", { id: "audit-failed" });
  main.append(
    h("p", { class: "intro" }, t("auditIntro")),
    form,
    h("div", { class: "card-head" }, summary, csvButton),
    failure,
    list,
    more,
  );

  const filter = {};
  if (ward) filter.wards = [ward];
  if (state.actor) filter.actors = [state.actor];
  if (state.action) filter.actions = [state.action];
  if (state.from) filter.from = state.from;
  if (state.to) filter.to = state.to;
  const events = [];
  let after = null;
  let total = 0;

  const load = async () => {
    more.disabled = true;
    list.setAttribute("aria-busy", "true");
    try {
      const data = await query("AuditEvents", { filter, first: pageSize, after });
      if (!ctx.isCurrent()) return;
      const conn = data.auditEvents;
      const start = events.length;
      events.push(...conn.edges.map((e) => e.node));
      after = conn.pageInfo.endCursor;
      total = conn.totalCount;
      list.append(...events.slice(start).map(eventItem));
      replace(actors, [...new Set(events.map((e) => e.actor))].sort().map((a) => h("option", { value: a })));
      replace(summary, events.length ? t("auditShown", { shown: formatNumber(events.length, l), total: formatNumber(total, l) }) : t("auditEmpty"));
      more.hidden = !conn.pageInfo.hasNextPage;
      csvButton.hidden = events.length === 0;
      // The first event of a new page takes the focus, so keyboard users go on from where they were.
      if (start > 0) list.children[start]?.querySelector("summary")?.focus();
    } catch (err) {
      if (!ctx.isCurrent()) return;
      replace(failure, h("div", { class: "notice notice-refused", role: "alert", dataset: { code: err.code || err.kind } }, refusal(err)));
    } finally {
      more.disabled = false;
      list.setAttribute("aria-busy", "false");
    }
  };
  more.addEventListener("click", load);
  csvButton.addEventListener("click", () => downloadCSV(events));
  await load();
}

function actionLabel(action) {
  const key = `action_${action.replace(/\./g, "_")}`;
  const label = t(key);
  return label === key ? action : label;
}

/** One event: a summary line that opens to its state before and after. */
function eventItem(e) {
  const l = lang();
  const before = parse(e.before);
  const after = parse(e.after);
  const changed = changedKeys(before.value, after.value);
  const pre = (label, side, id) => h("figure", { class: "audit-side" },
    h("figcaption", { id }, label),
    side.text == null ? h("p", { class: "note" }, t("auditNothing"))
    : side.value && typeof side.value === "object" && !Array.isArray(side.value)
      ? [stateList(side.value, changed),
        h("details", { class: "audit-raw" }, h("summary", {}, t("auditRaw")), h("pre", { tabindex: "0", "aria-labelledby": id }, side.text))]
      : h("pre", { tabindex: "0", "aria-labelledby": id }, side.text));
  return h("li", { class: "audit-event", dataset: { id: e.id, action: e.action } },
    h("details", {},
      h("summary", {},
        h("time", { datetime: e.at, class: "audit-at" }, formatDateTime(e.at)),
        h("span", { class: "audit-actor" }, e.actor),
        h("span", { class: "audit-action" }, actionLabel(e.action), " ", h("code", {}, e.action)),
        h("span", { class: "audit-entity", title: `${e.entity}${e.entityId ? ` ${e.entityId}` : ""}` }, entityLabel(e.entity, e.entityId)),
        h("span", { class: "audit-ward" }, e.ward ? nameOf(e.ward, l) : "")),
      h("div", { class: "audit-body" },
        changed.length ? h("p", { class: "note audit-changed" }, t("auditChanged", { keys: changed.map(stateKeyLabel).join(", ") })) : null,
        h("div", { class: "audit-diff" },
          pre(t("auditBefore"), before, `audit-${e.id}-before`),
          pre(t("auditAfter"), after, `audit-${e.id}-after`)))));
}

/**
 * What an event is about, in words: "selection" "batch:279" is "Danh sách số 279"; an entity the
 * dashboard has no words for keeps its name and ID.
 */
export function entityLabel(entity, id) {
  if (entity === "selection") {
    const [kind, n] = String(id || "").split(":");
    if (kind === "batch" && n) return t("auditSelBatch", { id: n });
    if (kind === "line" && n) return t("auditSelLine", { id: n });
    if (kind === "lines" && n) return t("auditSelLines", { n: formatNumber(Number(n), lang()) });
    if (kind === "filter") return t("auditSelFilter");
  }
  const key = `auditEntity_${entity}`;
  const name = t(key);
  if (name === key) return `${entity}${id ? ` ${id}` : ""}`;
  return id ? `${name} ${id}` : name;
}

/** The words for a key of an event's state ("decisionNumber" is "Số quyết định"), or the key. */
export function stateKeyLabel(key) {
  const label = t(`auditKey_${key}`);
  return label === `auditKey_${key}` ? key : label;
}

/** An event's state as labelled values, the changed ones marked. */
function stateList(value, changed) {
  const l = lang();
  const show = (v, k) => v == null || v === "" ? "—"
    : typeof v === "number" ? (/Id$/.test(k) ? String(v) : formatNumber(v, l))
    : typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v)
    : typeof v === "boolean" ? t(v ? "auditYes" : "auditNo")
    : Array.isArray(v) ? v.map((x) => (typeof x === "object" ? JSON.stringify(x) : String(x))).join(", ")
    : typeof v === "object" ? JSON.stringify(v) : String(v);
  return h("dl", { class: "audit-state" },
    Object.entries(value).map(([k, v]) => [
      h("dt", { class: changed.includes(k) ? "changed" : null, title: k }, stateKeyLabel(k)),
      h("dd", {}, typeof v === "string" && v && k === "to" ? word("status", v)
        : typeof v === "string" && v && k === "channel" ? word("channel", v)
        : typeof v === "string" && v && k === "status" ? word("status", v)
        : typeof v === "string" && v && k === "role" ? t(`role_${v}`) : show(v, k))]));
}

/** JSON text pretty-printed (or as it came, when it is not JSON), with its value. */
function parse(text) {
  if (text == null || text === "") return { text: null, value: null };
  try {
    const value = JSON.parse(text);
    return { text: JSON.stringify(value, null, 2), value };
  } catch {
    return { text, value: null };
  }
}

/** The top-level keys whose values differ between two objects. */
function changedKeys(before, after) {
  if (!before || !after || typeof before !== "object" || typeof after !== "object") return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** Downloads the events on the page as CSV: UTF-8 with a BOM, CRLF, formulas defused. */
function downloadCSV(events) {
  const cell = (v) => {
    let s = v == null ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const rows = [["id", "at", "actor", "action", "entity", "entityId", "ward", "before", "after"],
    ...events.map((e) => [e.id, e.at, e.actor, e.action, e.entity, e.entityId, e.ward?.code ?? "", e.before, e.after])];
  const csv = "\ufeff" + rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = h("a", { href: url, download: `nhat-ky-${events[0]?.id ?? "trong"}-${events.at(-1)?.id ?? ""}.csv`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
