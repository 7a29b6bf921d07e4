// The payment rounds (đợt chi trả) above the KPI cards: one line per round with the amount paid,
// the people supported and the pipeline listed → approved → paid, as a compact table.

import { h } from "./dom.js";
import { formatDate, formatNumber, formatPercent, formatVND, formatVNDCompact } from "./format.js";
import { lang, nameOf, t } from "./i18n.js";

/**
 * roundLines(rows, hrefFor): the table of the Rounds answer's rows (first round first), or null if
 * none. A round's name links to the page filtered to its groups.
 */
export function roundLines(rows, hrefFor) {
  if (!rows || rows.length === 0) return null;
  const l = lang();
  const sorted = [...rows].sort((a, b) => (a.round?.seq ?? Infinity) - (b.round?.seq ?? Infinity));
  const lines = sorted.map(({ round, totals: x }) => {
    const share = (v) => (x.amountListed > 0 ? Math.min(1, v / x.amountListed) : 0);
    const approved = share(x.amountApproved);
    const paid = share(x.amountPaid);
    const pct = (v) => formatPercent(v, l);
    return h("tr", {
      dataset: {
        round: round ? round.code : "",
        paid: String(x.amountPaid), people: String(x.peopleSupported),
        listed: String(x.amountListed), approved: String(x.amountApproved),
      },
    },
    h("th", { scope: "row", class: "round-name" },
      round ? h("a", { href: hrefFor({ groups: round.groups.map((g) => g.code) }), dataset: { nav: "" } }, nameOf(round)) : t("roundNone"),
      round?.paidTo ? h("span", { class: "round-date" }, t("roundDeadline", { date: formatDate(round.paidTo) })) : null),
    h("td", { class: "num round-paid", title: formatVND(x.amountPaid, l), "data-label": t("roundPaid") }, formatVNDCompact(x.amountPaid, l)),
    h("td", { class: "num round-people", "data-label": t("roundPeople") }, formatNumber(x.peopleSupported, l)),
    h("td", { class: "round-progress", "data-label": t("roundProgress") },
      bar(approved, paid, t("roundBarLabel", { approved: pct(approved), paid: pct(paid) })),
      h("span", { class: "round-progress-note" },
        t("roundProgressNote", {
          listed: formatVNDCompact(x.amountListed, l), approved: formatVNDCompact(x.amountApproved, l), paid: formatVNDCompact(x.amountPaid, l),
        }),
        " (", t("roundPaidShare", { share: pct(paid) }), ")")));
  });
  return h("section", { class: "rounds", id: "rounds", "aria-labelledby": "rounds-title" },
    h("h2", { id: "rounds-title" }, t("roundsTitle")),
    h("table", { class: "rounds-table" },
      h("caption", { class: "sr-only" }, t("roundsCaption")),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("roundColumn")),
        h("th", { scope: "col", class: "num" }, t("roundPaid")),
        h("th", { scope: "col", class: "num" }, t("roundPeople")),
        h("th", { scope: "col" }, t("roundProgress")))),
      h("tbody", {}, lines)));
}

/** A bar of the listed amount, filled to the approved share and, darker, to the paid share. */
function bar(approved, paid, label) {
  const el = h("span", { class: "round-bar", role: "img", "aria-label": label },
    h("span", { class: "round-bar-approved" }), h("span", { class: "round-bar-paid" }));
  // Through the CSS object model: the page's policy allows no style attributes.
  el.style.setProperty("--approved", `${(approved * 100).toFixed(1)}%`);
  el.style.setProperty("--paid", `${(paid * 100).toFixed(1)}%`);
  return el;
}
