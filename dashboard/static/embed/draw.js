// The embedded charts drawn with the vendored ECharts: bars by ward or by group, the time series
// and the pipeline, in the embed's theme. Loaded only by the pages that draw one.

import { formatNumber, formatVNDAxis, shortUnitName } from "../js/format.js";
import { axisDay, fillPeriods, periodOf, spansYears } from "../js/timeline.js";

const colors = {
  light: { text: "#1a1a1a", muted: "#4a5260", grid: "#d0d5dc", bar: "#1f5fa8", line: "#b0262b", listed: "#8aa9cf", approved: "#4f81bd" },
  dark: { text: "#e8eaed", muted: "#aab2bd", grid: "#3a414b", bar: "#6ea8ff", line: "#ff8a80", listed: "#4d5f78", approved: "#7f9fcc" },
};

// The page's own font stack (canvas text does not inherit CSS).
const fontFamily = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';

// Below this width (in CSS pixels of the frame) labels shorten and bar values hide.
const narrowWidth = 500;

/**
 * drawChart draws the chart data into box and keeps it fitted to the box's width. It resolves once
 * the chart has been drawn. opts: {lang, theme, t, figure(value, measure, minCount), label(point)}.
 */
export function drawChart(echarts, box, data, opts) {
  const chart = echarts.init(box, null, { renderer: "canvas" });
  let narrow = box.clientWidth < narrowWidth;
  const option = () => ({
    animation: false,
    backgroundColor: "transparent",
    textStyle: { fontFamily, color: colors[opts.theme].text },
    ...build(data, { ...opts, narrow, width: box.clientWidth, c: colors[opts.theme] }),
  });
  const drawn = new Promise((resolve) => chart.on("finished", resolve));
  chart.setOption(option());
  let width = box.clientWidth;
  new ResizeObserver(() => {
    if (box.clientWidth === width) return;
    width = box.clientWidth;
    narrow = width < narrowWidth;
    chart.resize();
    chart.setOption(option(), { notMerge: true }); // labels fit the new width
  }).observe(box);
  return drawn;
}

function build(data, o) {
  switch (data.chart) {
    case "timeseries":
      return timeSeries(data, o);
    case "pipeline":
      return pipeline(data, o);
    default:
      return bars(data, o);
  }
}

function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/** On a phone, "Phường Quang Trung" is written "P. Quang Trung", as on Vietnamese signs. */

/** How many characters of a bar's name fit: a third of the width or so, at most max. */
function labelLength(o, max) {
  return o.narrow ? 18 : Math.max(18, Math.min(max, Math.round(o.width / 20)));
}

function axisFormat(measure, lang) {
  return (v) => (measure === "amountPaid" || measure === "amountListed" ? formatVNDAxis(v, lang) : formatNumber(v, lang));
}

function valueAxis(o, format, extra = {}) {
  return {
    type: "value",
    splitNumber: o.narrow ? 3 : 5,
    axisLabel: { hideOverlap: true, formatter: format, color: o.c.muted },
    splitLine: { lineStyle: { color: o.c.grid } },
    ...extra,
  };
}

function categoryAxis(o, labels, max) {
  return {
    type: "category",
    inverse: true,
    data: labels,
    axisLabel: { color: o.c.text, formatter: (v) => truncate(o.narrow ? shortUnitName(v) : v, max) },
    axisLine: { lineStyle: { color: o.c.grid } },
    axisTick: { show: false },
  };
}

/**
 * A bar's datum: a withheld cell has no bar and reads "<5" where its bar would start (its value
 * is never drawn as 0).
 */
function datum(value, minCount, o) {
  if (value == null) {
    return { value: 0, withheld: true, itemStyle: { color: "transparent" },
      label: { show: true, position: "right", formatter: `<${minCount}`, color: o.c.muted } };
  }
  return { value };
}

function tooltip(o, text) {
  return { trigger: "axis", renderMode: "richText", confine: true, axisPointer: { type: "shadow" }, formatter: text };
}

/** Horizontal bars of one measure: by ward (largest first, withheld last) or by group. */
function bars(data, o) {
  const measure = data.measure;
  const format = axisFormat(measure, o.lang);
  const labels = data.points.map(o.label);
  return {
    grid: { left: 8, right: o.narrow ? 32 : 84, top: 8, bottom: 8, containLabel: true },
    tooltip: tooltip(o, (items) => {
      const p = data.points[items[0].dataIndex];
      return `${o.label(p)}\n${o.figure(p.value, measure, data.minCount)}`;
    }),
    xAxis: valueAxis(o, format),
    yAxis: categoryAxis(o, labels, labelLength(o, data.chart === "groups" ? 64 : 28)),
    series: [{
      type: "bar",
      name: data.title,
      data: data.points.map((p) => datum(p.value, data.minCount, o)),
      itemStyle: { color: o.c.bar },
      barMaxWidth: 28,
      label: { show: !o.narrow, position: "right", color: o.c.text, formatter: (p) => format(p.value) },
    }],
  };
}

/**
 * Paid (or people) per day, week or month as bars, and the running total as a line, on a timeline:
 * every period from the first to the last in time order, a period with nothing paid left empty, a
 * withheld one reading "<5" in its place, the running total flat across both.
 */
function timeSeries(data, o) {
  const measure = data.measure;
  const format = axisFormat(measure, o.lang);
  const mark = `<${data.minCount}`;
  const periods = fillPeriods(data.points, data.bucket);
  const withYear = spansYears(periods);
  let running = 0;
  const points = periods.map(({ start, item }) => {
    if (item?.cumulative != null) running = item.cumulative;
    const p = item ?? { ...periodOf(start, data.bucket), value: null, suppressed: false, empty: true };
    return { ...p, running };
  });
  const short = (p) => (data.bucket === "MONTH" ? o.label(p) : axisDay(p.start, withYear));
  const shown = (p) => (p.empty ? o.t("nothingPaid") : o.figure(p.value, measure, data.minCount));
  return {
    grid: { left: 8, right: 8, top: 24, bottom: 36, containLabel: true },
    legend: { bottom: 0, textStyle: { color: o.c.text }, data: [o.t(measure), o.t("cumulative")] },
    tooltip: tooltip(o, (items) => {
      const p = points[items[0].dataIndex];
      return `${o.label(p)}\n${o.t(measure)}: ${shown(p)}\n${o.t("cumulative")}: ${o.figure(p.running, measure, data.minCount)}`;
    }),
    xAxis: { type: "category", data: points.map(short), axisLabel: { hideOverlap: true, color: o.c.muted },
      axisTick: { alignWithLabel: true }, axisLine: { lineStyle: { color: o.c.grid } } },
    yAxis: [valueAxis(o, format), valueAxis(o, format, { splitLine: { show: false } })],
    series: [
      { type: "bar", name: o.t(measure), itemStyle: { color: o.c.bar }, barMaxWidth: 40,
        data: points.map((p) => (p.suppressed && p.value == null
          ? { value: 0, withheld: true, start: p.start, itemStyle: { color: "transparent" },
            label: { show: true, position: "top", distance: 14, formatter: mark, color: o.c.muted } }
          : { value: p.empty ? null : p.value, start: p.start })) },
      { type: "line", name: o.t("cumulative"), yAxisIndex: 1, data: points.map((p) => p.running),
        itemStyle: { color: o.c.line }, lineStyle: { width: 3 }, symbolSize: 6, showSymbol: points.length <= 40 },
    ],
  };
}

/** Listed, approved and paid per group (a signed link's chart). */
function pipeline(data, o) {
  const keys = [["amountListed", o.c.listed], ["amountApproved", o.c.approved], ["amountPaid", o.c.bar]];
  const format = axisFormat("amountPaid", o.lang);
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 36, containLabel: true },
    legend: { bottom: 0, textStyle: { color: o.c.text }, data: keys.map(([k]) => o.t(k)) },
    tooltip: tooltip(o, (items) => {
      const p = data.points[items[0].dataIndex];
      return [o.label(p), ...keys.map(([k]) => `${o.t(k)}: ${o.figure(p.values?.[k] ?? null, k, data.minCount)}`)].join("\n");
    }),
    xAxis: valueAxis(o, format),
    yAxis: categoryAxis(o, data.points.map(o.label), labelLength(o, 64)),
    series: keys.map(([k, color]) => ({
      type: "bar", name: o.t(k), itemStyle: { color },
      data: data.points.map((p) => datum(p.values?.[k] ?? null, data.minCount, o)),
    })),
  };
}
