// Data tables: a caption, sortable columns (buttons in the headers, aria-sort), a totals row; on a
// phone, a table built with cards: true reads as one card per row (each cell names its column).

import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * dataTable builds a <table>. columns: [{key, label, value(row), render(row)?, numeric?, sortable?}];
 * sort: {key, dir} with onSort(key, dir) to change it; totals: a row object for the footer or null.
 * Every cell carries its column's label (data-label); cards: true turns the rows into cards on
 * narrow screens (the stylesheet's "cards" rules), for tables of lines rather than of figures.
 */
export function dataTable({ caption, columns, rows, totals = null, sort = null, onSort = null, className = "", note = null, cards = false }) {
  let sorted = rows;
  if (sort) {
    const col = columns.find((c) => c.key === sort.key);
    if (col) {
      const sign = sort.dir === "asc" ? 1 : -1;
      sorted = [...rows].sort((a, b) => {
        const x = col.value(a);
        const y = col.value(b);
        const cmp = typeof x === "string" ? x.localeCompare(y, "vi") : (x ?? -Infinity) - (y ?? -Infinity);
        return cmp * sign;
      });
    }
  }
  const header = columns.map((col) => {
    const active = sort && sort.key === col.key;
    const ariaSort = active ? (sort.dir === "asc" ? "ascending" : "descending") : col.sortable && onSort ? "none" : null;
    let label = col.label;
    if (col.sortable && onSort) {
      const nextDir = active && sort.dir === "desc" ? "asc" : active ? "desc" : col.numeric ? "desc" : "asc";
      label = h(
        "button",
        {
          type: "button",
          class: "sort",
          title: t("sortBy", { column: col.label }),
          dataset: { sortKey: col.key },
          on: { click: () => onSort(col.key, nextDir) },
        },
        col.label,
        h("span", { class: "sort-mark", "aria-hidden": "true" }, active ? (sort.dir === "asc" ? "▲" : "▼") : "↕"),
      );
    }
    return h("th", { scope: "col", class: col.numeric ? "num" : null, "aria-sort": ariaSort }, label);
  });
  const cell = (col, row, i) => {
    const content = col.render ? col.render(row) : col.value(row);
    const attrs = { class: col.numeric ? "num" : null, dataset: { label: typeof col.label === "string" ? col.label : col.key, col: col.key } };
    return i === 0 ? h("th", { ...attrs, scope: "row" }, content) : h("td", attrs, content);
  };
  return h(
    "table",
    { class: `data ${className}${cards ? " cards" : ""}` },
    h("caption", {}, caption, note),
    h("thead", {}, h("tr", {}, header)),
    h("tbody", {}, sorted.map((row) => h("tr", {}, columns.map((col, i) => cell(col, row, i))))),
    totals ? h("tfoot", {}, h("tr", {}, columns.map((col, i) => cell(col, totals, i)))) : null,
  );
}
