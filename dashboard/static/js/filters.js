// The filter bar: programme, groups, funds, wards, statuses and the paid-date range. It changes
// the URL only; the page redraws from the URL.

import { h, replace } from "./dom.js";
import { formatDate, parseDate } from "./format.js";
import { lang, nameOf, shortNameOf, t, word } from "./i18n.js";
import { STATUSES } from "./state.js";
import { knownWards, provinceName } from "./wards.js";

/**
 * renderFilters fills form for the state. navigate(change) applies a change. The options come
 * from meta (programmes with groups and funds, wards with data).
 */
export function renderFilters(form, { state, meta, program, navigate }) {
  const l = lang();
  const { groups, funds } = programParts(meta, program);
  const open = [...form.querySelectorAll("details[open]")].map((d) => d.dataset.field);
  const ctx = { state, navigate, open };
  rendered.set(form, ctx);

  const programSelect = h(
    "select",
    { id: "f-program", name: "program", on: { change: (e) => navigate({ program: e.target.value, groups: [], funds: [] }, { keepFocus: "#f-program" }) } },
    h("option", { value: "", selected: !program }, t("allPrograms")),
    meta.programs.map((p) => h("option", { value: p.code, selected: p.code === program }, nameOf(p, l))),
  );

  const dateField = (field, label) => {
    const id = `f-${field}`;
    const errorId = `${id}-error`;
    const input = h("input", {
      id, type: "text", inputmode: "numeric", placeholder: t("datePlaceholder"), autocomplete: "off",
      value: state[field] ? formatDate(state[field]) : "", "aria-describedby": errorId, size: "10",
      on: {
        change: (e) => {
          const text = e.target.value.trim();
          const iso = text === "" ? "" : parseDate(text);
          if (iso === null) {
            e.target.setAttribute("aria-invalid", "true");
            document.getElementById(errorId).textContent = t("dateInvalid");
            return;
          }
          // A change fires as the field loses focus: when the user clicked another field (the
          // other date), focus goes there once the click is done, not back to this one.
          const form = e.target.form || e.target.closest("form");
          setTimeout(() => navigate({ [field]: iso }, { keepFocus: focusAfterChange(form) }), 0);
        },
      },
    });
    return h("div", { class: "field" }, h("label", { for: id }, label), input, h("span", { id: errorId, class: "field-error", role: "alert" }));
  };

  const active = ["groups", "funds", "wards", "statuses"].reduce((n, k) => n + state[k].length, 0) + (state.from ? 1 : 0) + (state.to ? 1 : 0) + (program ? 1 : 0);
  const toggle = h("button", {
    type: "button", class: "button-small filters-toggle", id: "f-toggle", "aria-expanded": String(form.classList.contains("open")), "aria-controls": "filter-fields",
    on: {
      click: () => {
        const open = form.classList.toggle("open");
        toggle.setAttribute("aria-expanded", String(open));
      },
    },
  }, active ? `${t("filters")} (${active})` : t("filters"));
  // The search landmark is named in the page's language; it has no heading of its own, which would
  // come before the page's h1.
  form.setAttribute("aria-label", t("filters"));
  replace(
    form,
    toggle,
    h("div", { id: "filter-fields", class: "filter-fields" }, fields()),
  );

  function fields() {
    return [
    h("div", { class: "field" }, h("label", { for: "f-program" }, t("program")), programSelect),
    multi("groups", t("groups"), groups.map((g) => ({ value: g.code, label: nameOf(g, l), short: shortNameOf(g, l) })), ctx),
    multi("funds", t("funds"), funds.map((f) => ({ value: f.code, label: nameOf(f, l) })), ctx),
    multi("wards", t("wards"), wardOptions(), ctx),
    multi("statuses", t("statuses"), STATUSES.map((s) => ({ value: s, label: word("status", s) })), ctx),
    dateField("from", t("paidFrom")),
    dateField("to", t("paidTo")),
    h("button", {
      type: "button", class: "button-small", id: "f-clear",
      on: { click: () => navigate({ groups: [], funds: [], provinces: [], wards: [], statuses: [], from: "", to: "" }, { keepFocus: "#f-clear" }) },
    }, t("clearFilters")),
    ];
  }
}

/**
 * Where focus should be after a change re-renders the form: the field the user moved to (by its
 * id) or the changed field when focus stayed on it; nothing when the user went outside the form.
 */
function focusAfterChange(form) {
  const now = document.activeElement;
  return now && now.id && form?.contains(now) ? `#${CSS.escape(now.id)}` : null;
}

const rendered = new WeakMap(); // form -> what it was last rendered for

function wardOptions() {
  return knownWards().map((w) => ({ value: w.code, label: nameOf(w, lang()) }));
}

/**
 * Rebuilds only the ward filter of a rendered form, once more wards are known: the rest of the
 * form, and what the user is typing in it, stays as it is.
 */
export function refreshWardFilter(form) {
  const ctx = rendered.get(form);
  const old = form.querySelector('details[data-field="wards"]');
  if (!ctx || !old) return;
  const focused = old.contains(document.activeElement) ? document.activeElement.id : "";
  old.replaceWith(multi("wards", t("wards"), wardOptions(), { ...ctx, open: old.open ? ["wards"] : [] }));
  if (focused) document.getElementById(focused)?.focus();
}

/** A list of checkboxes under a summary of what is chosen; each change navigates. */
function multi(field, label, options, { state, navigate, open }) {
  const chosen = state[field];
  const one = chosen.length === 1 ? options.find((o) => o.value === chosen[0]) : null;
  const summary = chosen.length === 0 ? t("all")
    : chosen.length === 1 ? one?.short || one?.label || chosen[0]
    : t("selectedCount", { n: chosen.length });
  const toggle = (value, on) => {
    const next = on ? [...chosen, value] : chosen.filter((v) => v !== value);
    const order = options.map((o) => o.value);
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    navigate({ [field]: next }, { keepFocus: `#f-${field}-${cssSafe(value)}` });
  };
  return h(
    "details",
    { class: "multi", dataset: { field }, open: open.includes(field), on: { keydown: closeOnEscape } },
    h("summary", { id: `f-${field}` }, h("span", { class: "multi-label" }, label), h("span", { class: "multi-value", title: one?.label || null }, summary)),
    h(
      "fieldset",
      {},
      h("legend", { class: "sr-only" }, label),
      options.map((o) =>
        h("label", { class: "check" },
          h("input", { type: "checkbox", id: `f-${field}-${cssSafe(o.value)}`, value: o.value, checked: chosen.includes(o.value),
            on: { change: (e) => toggle(o.value, e.target.checked) } }),
          o.label)),
    ),
  );
}

/** The programme of the code (null for all programmes) with its groups and funds, or every programme's. */
export function programParts(meta, program) {
  const prog = program ? meta.programs.find((p) => p.code === program) || null : null;
  const scope = prog ? [prog] : meta.programs;
  return { prog, groups: scope.flatMap((p) => p.groups), funds: scope.flatMap((p) => p.funds) };
}

function cssSafe(value) {
  return value.replace(/[^A-Za-z0-9_-]/g, "_");
}

function closeOnEscape(e) {
  if (e.key !== "Escape") return;
  const details = e.currentTarget;
  if (details.open) {
    details.open = false;
    details.querySelector("summary").focus();
    e.stopPropagation();
  }
}

/** A sentence naming the filters in force, for the page's context line and for print. */
export function describeFilters(state, meta, program) {
  const l = lang();
  const { groups, funds } = programParts(meta, program);
  const names = (codes, things) => codes.map((c) => { const x = things.find((y) => y.code === c); return x ? shortNameOf(x, l) : c; }).join(", ");
  const wards = knownWards();
  const items = [`${t("program")}: ${program || t("noFilter")}`];
  if (state.groups.length) items.push(`${t("groups")}: ${names(state.groups, groups)}`);
  if (state.funds.length) items.push(`${t("funds")}: ${names(state.funds, funds)}`);
  if (state.provinces?.length) items.push(`${t("mapColProvince")}: ${state.provinces.map((c) => provinceName(c, l)).join(", ")}`);
  if (state.wards.length) items.push(`${t("wards")}: ${names(state.wards, wards)}`);
  if (state.statuses.length) items.push(`${t("statuses")}: ${state.statuses.map((s) => word("status", s)).join(", ")}`);
  if (state.from) items.push(`${t("paidFrom")} ${formatDate(state.from)}`);
  if (state.to) items.push(`${t("paidTo")} ${formatDate(state.to)}`);
  return t("filterSummary", { items: items.join("; ") });
}
