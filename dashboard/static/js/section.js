// A card of the dashboard: a heading, a chart backed by its table, and export links.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * chartSection returns {section, chart}: chart is the element to draw into once the section is
 * in the page. With tableVisible the table is always shown; else a button shows it (it is always
 * there for screen readers).
 */
export function chartSection({ id, title, chartLabel, chartClass = "", table, exports = null, controls = null, tableVisible = false }) {
  const chart = h("div", { class: `chart ${chartClass}`, role: "img", "aria-label": t("chartHint", { title: chartLabel }), id: `${id}-chart` });
  // A table shown only to screen readers is no Tab stop: a keyboard user would land on a 1 px box
  // with no visible focus. Shown, it takes the focus so that it can scroll sideways.
  const wrap = h("div", {
    id: `${id}-table`,
    class: tableVisible ? "table-wrap" : "table-wrap sr-only",
    tabindex: tableVisible ? "0" : null,
    role: "region",
    "aria-label": table.querySelector("caption")?.textContent || title,
  }, table);
  let toggle = null;
  if (!tableVisible) {
    toggle = h("button", {
      type: "button",
      class: "link-button no-print",
      "aria-expanded": "false",
      "aria-controls": `${id}-table`,
      on: {
        click: () => {
          const open = wrap.classList.toggle("sr-only") === false;
          if (open) wrap.setAttribute("tabindex", "0");
          else wrap.removeAttribute("tabindex");
          toggle.setAttribute("aria-expanded", String(open));
          toggle.setAttribute("aria-label", t(open ? "hideTableLabel" : "showTableLabel", { chart: title }));
          toggle.textContent = open ? t("hideTable") : t("showTable");
        },
      },
      "aria-label": t("showTableLabel", { chart: title }),
    }, t("showTable"));
  }
  const section = h(
    "section",
    { class: `card card-${id}`, id, "aria-labelledby": `${id}-title` },
    h("div", { class: "card-head" }, h("h2", { id: `${id}-title` }, title), controls, exports),
    chart,
    toggle,
    wrap,
  );
  return { section, chart };
}

/**
 * Links that download a table through the API's export, as CSV and as XLSX, and with embedChart
 * a button that opens the embed dialog on that chart.
 */
export function exportLinks(tableName, urlOf, embedChart = null) {
  return h(
    "div",
    { class: "exports no-print" },
    h("a", { class: "button-small", href: urlOf("csv"), download: "", dataset: { export: "csv" }, "aria-label": t("exportLabel", { button: t("exportCSV"), table: tableName }) }, t("exportCSV")),
    h("a", { class: "button-small", href: urlOf("xlsx"), download: "", dataset: { export: "xlsx" }, "aria-label": t("exportLabel", { button: t("exportXLSX"), table: tableName }) }, t("exportXLSX")),
    embedChart
      ? h("button", { type: "button", class: "button-small", dataset: { embed: embedChart }, "aria-label": t("embedButtonLabel", { chart: tableName }) }, t("embedButton"))
      : null,
  );
}
