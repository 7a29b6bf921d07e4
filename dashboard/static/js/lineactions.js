// Selecting payment lines and taking a step on them: a checkbox per line (a column for dataTable),
// and a bar that says how many lines and how much money are chosen, offers "all N lines that match"
// once every shown line is chosen, and has a button per step the signed-in role may take on some of
// them. Lines whose status a step does not leave from are not sent with it.

import { h, replace } from "./dom.js";
import { formatNumber, formatVND } from "./format.js";
import { lang, t } from "./i18n.js";
import { STEPS, fromFor } from "./workflow.js";

/**
 * lineActions returns {column, bar, setLines(lines), clear()} for line nodes ({id, status, amount}).
 * labelOf(line) names a line for its checkbox; matching() describes every line matching the page's
 * filter ({total, statuses: [{status, lines, amount}], filter}) or returns null; onStep({step, to,
 * from, lines, amount, skipped, selection, lastStepOn, opener}) takes the step, selection being
 * {ids} or {filter} as TransitionInput has them, lastStepOn the latest step date of the chosen lines
 * (undefined for all that match, whose lines are not all loaded).
 */
export function lineActions({ rules, role, labelOf, matching = () => null, onStep }) {
  const l = lang();
  let lines = [];
  const chosen = new Set();
  let allMatching = false;
  const boxes = new Map();
  const all = h("input", { type: "checkbox", id: "la-shown", "aria-label": t("laChooseShown"),
    on: { change: () => { for (const n of lines) toggle(n.id, all.checked); allMatching = false; draw(); } } });
  const bar = h("div", { class: "line-actions", id: "line-actions", role: "group", "aria-label": t("laBar") });
  const status = h("p", { class: "line-actions-count", id: "la-count", role: "status", "aria-live": "polite" });

  const toggle = (id, on) => {
    if (on) chosen.add(id);
    else chosen.delete(id);
    const box = boxes.get(id);
    if (box) box.checked = on;
  };
  const column = {
    key: "choose", label: all, value: (n) => (chosen.has(n.id) ? 1 : 0),
    render: (n) => {
      const box = h("input", { type: "checkbox", class: "line-check", dataset: { line: n.id, status: n.status },
        "aria-label": t("laChoose", { line: labelOf(n) }),
        on: { change: () => { toggle(n.id, box.checked); allMatching = false; draw(); } } });
      box.checked = chosen.has(n.id);
      boxes.set(n.id, box);
      return box;
    },
  };

  /** What each step would move: the chosen lines (or all matching) in a status it leaves from. */
  const plans = () => {
    const m = allMatching ? matching() : null;
    return STEPS.map((step) => {
      const from = fromFor(rules, step, role);
      if (!from.length) return null;
      const rule = rules.find((r) => r.step === step);
      if (m) {
        const moving = m.statuses.filter((s) => from.includes(s.status) && s.lines > 0);
        const n = moving.reduce((x, s) => x + s.lines, 0);
        if (!n) return null;
        const wanted = m.filter.statuses?.length ? m.filter.statuses.filter((s) => from.includes(s)) : from;
        return { step, to: rule.to, from: moving.map((s) => s.status), lines: n, amount: moving.reduce((x, s) => x + s.amount, 0),
          skipped: m.total - n, selection: { filter: { ...m.filter, statuses: wanted } } };
      }
      const picked = lines.filter((x) => chosen.has(x.id));
      const moving = picked.filter((x) => from.includes(x.status));
      if (!moving.length) return null;
      return { step, to: rule.to, from: [...new Set(moving.map((x) => x.status))], lines: moving.length,
        amount: moving.reduce((x, n) => x + n.amount, 0), skipped: picked.length - moving.length,
        selection: { ids: moving.map((x) => x.id) }, lastStepOn: latestStep(moving) };
    }).filter(Boolean);
  };

  const draw = () => {
    const picked = lines.filter((x) => chosen.has(x.id));
    all.checked = lines.length > 0 && picked.length === lines.length;
    all.indeterminate = picked.length > 0 && picked.length < lines.length;
    const m = matching();
    let count;
    if (allMatching && m) {
      count = t("laAllChosen", { n: formatNumber(m.total, l), amount: formatVND(m.statuses.reduce((x, s) => x + s.amount, 0), l) });
    } else if (picked.length) {
      count = t("laChosen", { n: formatNumber(picked.length, l), amount: formatVND(picked.reduce((x, n) => x + n.amount, 0), l) });
    } else {
      count = t("laNone");
    }
    replace(status, count);
    const offerAll = !allMatching && m && all.checked && m.total > lines.length;
    replace(bar,
      status,
      offerAll ? h("button", { type: "button", class: "button-small", id: "la-all-matching",
        on: { click: () => { allMatching = true; draw(); } } }, t("laChooseAll", { n: formatNumber(m.total, l) })) : null,
      plans().map((p) => h("button", {
        type: "button", class: `button-small step-${p.step.toLowerCase()}${p.step === "RETURN" || p.step === "CANCEL" ? " danger" : ""}`,
        dataset: { step: p.step, lines: String(p.lines) },
        on: { click: (e) => onStep({ ...p, opener: e.currentTarget }) },
      }, t(`laStep_${p.step}`, { n: formatNumber(p.lines, l) }))),
      picked.length || allMatching ? h("button", { type: "button", class: "button-small", id: "la-clear",
        on: { click: () => { clear(); draw(); } } }, t("laClear")) : null,
    );
  };
  const clear = () => {
    for (const id of [...chosen]) toggle(id, false);
    allMatching = false;
  };
  draw();
  return {
    column,
    bar,
    /** The lines shown now (after loading more, the chosen ones stay chosen). */
    setLines(next) {
      lines = next;
      draw();
    },
    clear() {
      clear();
      draw();
    },
  };
}

/** The latest date of a step taken on the lines (posting, appraisal, decision, payment), or null. */
export function latestStep(lines) {
  let latest = null;
  for (const n of lines) {
    for (const on of [n.postedOn, n.appraisedOn, n.approvedOn, n.paidOn]) {
      if (on && (!latest || on > latest)) latest = on;
    }
  }
  return latest;
}
