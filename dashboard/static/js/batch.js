// An imported list as the import and lists pages show it: its lines by status, with the amounts.

import { h } from "./dom.js";
import { formatDateTime, formatNumber, formatVND } from "./format.js";
import { lang, t, word } from "./i18n.js";
import { STATUSES } from "./state.js";
import { FINAL_LEFT_OUT } from "./workflow.js";

/** A small table of a list's lines by status (chain order) with the total of those still in play. */
export function statusTable(batch) {
  const l = lang();
  const rows = [...batch.statuses].sort((a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status));
  const active = rows.filter((s) => !FINAL_LEFT_OUT.includes(s.status));
  return h("table", { class: "data status-table", dataset: { batch: batch.id } },
    h("caption", { class: "sr-only" }, t("batchStatusesCaption", { id: batch.id })),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("colStatus")),
      h("th", { scope: "col", class: "num" }, t("colLines")),
      h("th", { scope: "col", class: "num" }, t("colAmount")))),
    h("tbody", {}, rows.map((s) => h("tr", { dataset: { status: s.status } },
      h("th", { scope: "row" }, h("span", { class: `chip chip-${s.status.toLowerCase()}` }, word("status", s.status))),
      h("td", { class: "num" }, formatNumber(s.lines, l)),
      h("td", { class: "num" }, formatVND(s.amount, l))))),
    rows.length > 1 ? h("tfoot", {}, h("tr", {},
      h("th", { scope: "row" }, t("batchInPlay")),
      h("td", { class: "num" }, formatNumber(active.reduce((n, s) => n + s.lines, 0), l)),
      h("td", { class: "num" }, formatVND(active.reduce((n, s) => n + s.amount, 0), l)))) : null,
  );
}

/** "Lô 12 · tệp ds.xlsx · 3 dòng · nhập bởi canbo.quantrieu, 27/11/2026 08:08". */
export function batchFacts(batch) {
  const l = lang();
  return t("batchFacts", {
    id: batch.id, file: batch.fileName, rows: formatNumber(batch.rows, l), by: batch.createdBy, at: formatDateTime(batch.createdAt),
  });
}

/** Whether the user may open a ward's printable posting list (its officers and admins). */
export function mayPrintPosting(user, wardCode) {
  return user?.role === "admin" || (user?.role === "ward_officer" && (user.wards || []).includes(wardCode));
}

/**
 * A list's lines by the step they wait for, in chain order: "12 dòng chờ chi trả · 3 dòng chờ thẩm
 * định · 2 dòng đã chi trả".
 */
export function stepCounts(batch) {
  const l = lang();
  return [...batch.statuses].filter((s) => s.lines > 0)
    .sort((a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status))
    .map((s) => t(`waiting_${s.status}`, { n: formatNumber(s.lines, l) }))
    .join(" · ");
}
