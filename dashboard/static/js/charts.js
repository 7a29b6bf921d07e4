// Charts drawn with the vendored Apache ECharts (window.echarts, loaded by index.html). Every chart
// is a picture for sighted readers; its figures are in the table next to it.

import { formatNumber, formatVND, formatVNDAxis, shortUnitName } from "./format.js";
import { lang, t } from "./i18n.js";

export const palette = {
  paid: "#1f5fa8",
  people: "#c2570c",
  cumulative: "#b0262b",
  listed: "#8aa9cf",
  approved: "#4f81bd",
  allocated: "#8aa9cf",
  remaining: "#6b8e23",
  text: "#1a1a1a",
  grid: "#d0d5dc",
};

// The page's own font stack (canvas text does not inherit CSS).
const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';

let live = [];
let library = null;

/**
 * Loads the vendored ECharts (preloaded by index.html) once, after the page has asked for its
 * figures, so that parsing it overlaps the wait for the server.
 */
export function chartLibrary() {
  library ??= new Promise((resolve, reject) => {
    if (window.echarts) return resolve(window.echarts);
    const preload = document.querySelector('link[rel="preload"][as="script"]');
    const script = document.createElement("script");
    script.src = preload.getAttribute("href");
    script.addEventListener("load", () => resolve(window.echarts));
    script.addEventListener("error", () => {
      library = null;
      reject(new Error(script.src));
    });
    document.head.append(script);
  });
  return library;
}

/** Disposes of every chart drawn before (a new view is about to be drawn). */
export function disposeCharts() {
  for (const c of live) c.chart.dispose();
  live = [];
}

/**
 * Draws option into el; onClick(params) for clicks on data. Returns a promise that resolves once
 * the chart has finished rendering.
 */
export function drawChart(el, option, onClick = null) {
  const chart = window.echarts.init(el, null, { renderer: "canvas" });
  const finished = new Promise((resolve) => chart.on("finished", resolve));
  chart.setOption({ animation: false, textStyle: { fontFamily, color: palette.text }, ...option });
  if (onClick) chart.on("click", onClick);
  live.push({ el, chart });
  return finished;
}

/** Fits every chart to its container (after a resize, or for print). */
export function resizeCharts() {
  for (const c of live) c.chart.resize();
}

const tooltip = { trigger: "axis", renderMode: "richText", confine: true, axisPointer: { type: "shadow" } };
const money = (v) => formatVNDAxis(v, lang());

/**
 * An axis tooltip headed by each row's full name (rows[i].name) where the axis shows its short
 * label; format(value, seriesIndex) writes a value.
 */
function fullNameTooltip(rows, format) {
  return (params) => {
    const list = Array.isArray(params) ? params : [params];
    const row = rows[list[0]?.dataIndex];
    const lines = list.map((p) => `${p.seriesName}: ${format(p.value, p.seriesIndex)}`);
    return [row?.name || list[0]?.name || "", ...lines].join("\n");
  };
}

function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

function narrow() {
  return window.innerWidth < 600;
}

/** On a phone, "Phường Quang Trung" is written "P. Quang Trung", as on Vietnamese signs. */

/** A value axis that keeps its labels apart on a phone. */
function valueAxis(extra = {}) {
  return {
    type: "value",
    splitNumber: narrow() ? 3 : 5,
    splitLine: { lineStyle: { color: palette.grid } },
    ...extra,
    axisLabel: { hideOverlap: true, formatter: money, ...(extra.axisLabel || {}) },
  };
}

/** Horizontal bars, largest first: rows [{label, amountPaid, code}]. */
export function wardBars(rows) {
  const small = narrow();
  return {
    grid: { left: 8, right: small ? 24 : 96, top: 8, bottom: 24, containLabel: true },
    tooltip: { ...tooltip, valueFormatter: (v) => formatVND(v, lang()) },
    xAxis: valueAxis(),
    yAxis: {
      type: "category",
      inverse: true,
      data: rows.map((r) => r.label),
      axisLabel: { formatter: (v) => (small ? truncate(shortUnitName(v), 18) : truncate(v, 28)) },
    },
    series: [
      {
        type: "bar",
        name: t("colAmountPaid"),
        data: rows.map((r) => ({ value: r.amountPaid, code: r.code })),
        itemStyle: { color: palette.paid },
        cursor: "pointer",
        label: small ? { show: false } : { show: true, position: "right", formatter: (p) => money(p.value) },
      },
    ],
  };
}

/** Amount (bars, bottom axis) and people (bars, top axis) per group. */
export function groupBars(rows) {
  const small = narrow();
  return {
    grid: { left: 8, right: 24, top: 48, bottom: 40, containLabel: true },
    legend: { bottom: 0, data: [t("colAmountPaid"), t("colPeople")] },
    tooltip: { ...tooltip, formatter: fullNameTooltip(rows, (v, i) => (i === 0 ? formatVND(v, lang()) : formatNumber(v, lang()))) },
    xAxis: [
      valueAxis({ position: "bottom" }),
      valueAxis({ position: "top", splitLine: { show: false }, axisLabel: { formatter: (v) => formatNumber(v, lang()) } }),
    ],
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.label), axisLabel: { formatter: (v) => truncate(v, small ? 18 : 34) } },
    series: [
      { type: "bar", name: t("colAmountPaid"), xAxisIndex: 0, data: rows.map((r) => r.amountPaid), itemStyle: { color: palette.paid },
        tooltip: { valueFormatter: (v) => formatVND(v, lang()) } },
      { type: "bar", name: t("colPeople"), xAxisIndex: 1, data: rows.map((r) => r.peopleSupported), itemStyle: { color: palette.people },
        tooltip: { valueFormatter: (v) => formatNumber(v, lang()) } },
    ],
  };
}

/**
 * Paid per period (bars) and cumulative (line, right axis) on a timeline: points hold every period
 * of the range in order (timeline.js), [{start, axisLabel, name, amountPaid, suppressed, empty,
 * cumulative}]. A period with nothing paid has no bar; a withheld one has no bar and reads
 * "<minCount" where its bar would stand, in its place.
 */
export function timeSeries(points, minCount = 5) {
  const mark = `<${minCount}`;
  const paidText = (p) => (p.suppressed && p.amountPaid == null ? mark : p.empty ? t("timeNothingPaid") : formatVND(p.amountPaid, lang()));
  return {
    grid: { left: 8, right: 8, top: 32, bottom: 40, containLabel: true },
    legend: { bottom: 0, data: [t("colAmountPaid"), t("colCumulative")] },
    tooltip: {
      ...tooltip,
      formatter: (items) => {
        const p = points[items[0].dataIndex];
        return `${p.name}\n${t("colAmountPaid")}: ${paidText(p)}\n${t("colCumulative")}: ${formatVND(p.cumulative, lang())}`;
      },
    },
    xAxis: { type: "category", data: points.map((p) => p.axisLabel), axisLabel: { hideOverlap: true }, axisTick: { alignWithLabel: true } },
    yAxis: [valueAxis(), valueAxis({ splitLine: { show: false } })],
    series: [
      {
        type: "bar", name: t("colAmountPaid"), itemStyle: { color: palette.paid }, barMaxWidth: 40,
        data: points.map((p) => (p.suppressed && p.amountPaid == null
          ? { value: 0, withheld: true, start: p.start, label: { show: true, position: "top", distance: 14, formatter: mark, color: palette.text } }
          : { value: p.empty ? null : p.amountPaid, start: p.start })),
      },
      { type: "line", name: t("colCumulative"), yAxisIndex: 1, data: points.map((p) => p.cumulative), itemStyle: { color: palette.cumulative },
        lineStyle: { width: 3 }, symbolSize: 6, showSymbol: points.length <= 40 },
    ],
  };
}

/** Allocated, paid and remaining per fund. rows [{label, allocated, paid, remaining}]. */
export function fundBars(rows) {
  return groupedBars(rows, [
    ["allocated", t("colAllocated"), palette.allocated],
    ["paid", t("colPaid"), palette.paid],
    ["remaining", t("colRemaining"), palette.remaining],
  ]);
}

/** Listed, approved and paid per group. rows [{label, amountListed, amountApproved, amountPaid}]. */
export function pipelineBars(rows) {
  return groupedBars(rows, [
    ["amountListed", t("colListed"), palette.listed],
    ["amountApproved", t("colApproved"), palette.approved],
    ["amountPaid", t("colPaid"), palette.paid],
  ]);
}

function groupedBars(rows, series) {
  const small = narrow();
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 40, containLabel: true },
    legend: { bottom: 0, data: series.map((s) => s[1]) },
    tooltip: { ...tooltip, formatter: fullNameTooltip(rows, (v) => formatVND(v, lang())) },
    xAxis: valueAxis(),
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r.label), axisLabel: { formatter: (v) => truncate(v, small ? 18 : 34) } },
    series: series.map(([key, name, color]) => ({ type: "bar", name, data: rows.map((r) => r[key]), itemStyle: { color } })),
  };
}
