// The dashboard's panels, shared by the overview and the ward page: each turns API rows into a
// chart, its table and its export links.

import { fundBars, groupBars, pipelineBars, timeSeries, wardBars } from "./charts.js";
import { h } from "./dom.js";
import { exportURL } from "./exports.js";
import { formatDate, formatDayMonth, formatNumber, formatPercent, formatVND } from "./format.js";
import { lang, nameOf, shortNameOf, t } from "./i18n.js";
import { chartSection, exportLinks } from "./section.js";
import { fundUseSummary } from "./funduse.js";
import { dataTable } from "./table.js";
import { axisDay, fillPeriods, periodOf, spansYears } from "./timeline.js";

function sum(rows, key) {
  return rows.reduce((s, r) => s + (r[key] || 0), 0);
}

/**
 * A column of a measure. A withheld cell (the public figures hide cells counting fewer than
 * minCount people, and the cells that would give them away) reads "ẩn" (withheld).
 */
function numberColumn(key, label, money = false) {
  const render = (r) => {
    if (r.suppressed && r[key] == null) return t("withheld");
    return money ? formatVND(r[key], lang()) : formatNumber(r[key], lang());
  };
  return { key, label, numeric: true, sortable: true, value: (r) => r[key], render };
}

/** The footer row: the API's total over the whole filter (withheld cells included). */
function totalRow(ctx, extra = {}) {
  return { name: t("total"), ...ctx.data.total.total, ...extra };
}

/** A note under a table that has withheld cells. */
function withheldNote(rows, ctx) {
  if (!rows.some((r) => r.suppressed)) return null;
  return h("p", { class: "note" }, t("withheldNote", { n: ctx.data.total.minCount ?? 5 }));
}

/**
 * The most wards the overview shows (by amount paid): every ward of a city or a province; at a
 * nation's 10,614 the table says it holds the first ones only. The page asks for one more
 * (the Overview queries' wardRows), to know whether there were more.
 */
export const WARD_ROWS = 1000;

/** The most bars the per-ward chart draws (the largest amounts); the table has every row asked. */
export const WARD_BARS = 60;

/** A note under the wards table when there were more than WARD_ROWS wards. */
function wardsCutNote(cut) {
  if (!cut) return null;
  return h("p", { class: "note", dataset: { wardsCut: String(WARD_ROWS) } }, t("wardsCut", { n: formatNumber(WARD_ROWS, lang()) }));
}

/** The per-ward bar chart and the table of every ward; a ward's name or bar opens its page. */
export function wardPanel({ rows, ctx }) {
  const l = lang();
  const cut = rows.length > WARD_ROWS;
  const data = rows.slice(0, WARD_ROWS).map((r) => ({ code: r.ward.code, name: nameOf(r.ward, l), label: nameOf(r.ward, l), ...r.totals }));
  const totals = totalRow(ctx);
  const columns = [
    {
      key: "name", label: t("colWard"), sortable: true, value: (r) => r.name,
      render: (r) => (r.code ? h("a", { href: ctx.hrefFor({ page: "ward", ward: r.code }), dataset: { nav: "", ward: r.code } }, r.name) : r.name),
    },
    numberColumn("amountPaid", t("colAmountPaid"), true),
    { key: "share", label: t("colShare"), numeric: true, value: (r) => r.amountPaid,
      render: (r) => formatPercent(totals.amountPaid && r.amountPaid != null ? r.amountPaid / totals.amountPaid : null, l) },
    numberColumn("peopleSupported", t("colPeople")),
    numberColumn("beneficiaries", t("colRecipients")),
    numberColumn("disbursements", t("colLines")),
  ];
  // Residents' reports beside the money they are about.
  if (ctx.feedback) columns.splice(2, 0, feedbackColumn(ctx.feedback));
  const table = dataTable({
    caption: t("byWardCaption"), columns, rows: data, totals, note: [withheldNote(data, ctx), wardsCutNote(cut)],
    sort: { key: ctx.state.sort === "name" || columns.some((c) => c.key === ctx.state.sort) ? ctx.state.sort : "amountPaid", dir: ctx.state.dir },
    onSort: (key, dir) => ctx.navigate({ sort: key, dir }, { keepFocus: `[data-sort-key="${key}"]` }),
    className: "wards",
  });
  // Beyond WARD_BARS wards (a province, a nation) the chart draws the largest amounts only.
  const sortedForChart = [...data].sort((a, b) => (b.amountPaid ?? -1) - (a.amountPaid ?? -1)).slice(0, WARD_BARS);
  const chartLabel = data.length > WARD_BARS ? t("byWardChartTop", { n: formatNumber(WARD_BARS, l) }) : t("byWardChart");
  const { section, chart } = chartSection({
    id: "wards", title: t("byWard"), chartLabel, chartClass: "chart-tall", table, tableVisible: true,
    exports: exportLinks(t("byWard"), (f) => exportURL(f, ctx.state, ctx.program, ["WARD"], { field: "AMOUNT_PAID", direction: "DESC" }), "wards"),
  });
  chart.style.setProperty("--bars", String(Math.max(sortedForChart.length, 3)));
  return {
    section,
    draw: (drawChart) => drawChart(chart, wardBars(sortedForChart), (p) => {
      const code = p.data?.code;
      if (code) ctx.navigate({ page: "ward", ward: code });
    }),
  };
}

/**
 * The signed-in wards table's column of residents' reports: received, then open, overdue and the
 * closed ones that changed a line (feedbackStats; a ward without reports reads 0).
 */
function feedbackColumn(stats) {
  const of = (r) => stats.get(r.code) || { received: 0, open: 0, overdue: 0, closed: 0, changed: 0 };
  return {
    key: "feedback", label: t("colFeedback"), numeric: true, sortable: true, value: (r) => (r.code ? of(r).received : null),
    render: (r) => {
      if (!r.code) return formatNumber([...stats.values()].reduce((n, s) => n + s.received, 0), lang());
      const s = of(r);
      return h("span", { class: "feedback-cell", dataset: { received: String(s.received), open: String(s.open), overdue: String(s.overdue), closed: String(s.closed), changed: String(s.changed) } },
        formatNumber(s.received, lang()),
        s.received ? h("span", { class: `feedback-detail${s.overdue ? " feedback-detail-overdue" : ""}` }, t("feedbackCell", s)) : null);
    },
  };
}

/** Amounts and people per beneficiary group. */
export function groupPanel({ rows, ctx }) {
  const l = lang();
  const data = rows.map((r) => ({ code: r.group.code, name: nameOf(r.group, l), label: shortNameOf(r.group, l), ...r.totals }));
  const columns = [
    { key: "name", label: t("colGroup"), value: (r) => r.name },
    numberColumn("amountPaid", t("colAmountPaid"), true),
    numberColumn("peopleSupported", t("colPeople")),
    numberColumn("beneficiaries", t("colRecipients")),
    numberColumn("disbursements", t("colLines")),
  ];
  const table = dataTable({ caption: t("byGroupCaption"), columns, rows: data, totals: totalRow(ctx), note: withheldNote(data, ctx) });
  const { section, chart } = chartSection({
    id: "groups", title: t("byGroup"), chartLabel: t("byGroupChart"), table,
    exports: exportLinks(t("byGroup"), (f) => exportURL(f, ctx.state, ctx.program, ["GROUP"]), "groups"),
  });
  return { section, draw: (drawChart) => drawChart(chart, groupBars(data)) };
}

function weekLabel(label) {
  const m = /^(\d{4})-W(\d{2})$/.exec(label || "");
  return m ? t("weekLabel", { week: Number(m[2]), year: m[1] }) : label;
}

function periodName(bucket, period) {
  switch (bucket) {
    case "WEEK":
      return `${weekLabel(period.label)} (${formatDayMonth(period.start)}–${formatDate(period.end)})`;
    case "MONTH":
      return t("monthLabel", { month: Number(period.start.slice(5, 7)), year: period.start.slice(0, 4) });
  }
  return formatDate(period.start);
}

/**
 * A panel the public figures do not hold for the filter: its title and why, instead of a chart
 * (the release tables cross units with one of group, fund or month, and groups with weeks).
 */
export function unavailablePanel(id, title) {
  const section = h(
    "section",
    { class: `card card-${id} card-unavailable`, id, "aria-labelledby": `${id}-title` },
    h("div", { class: "card-head" }, h("h2", { id: `${id}-title` }, title)),
    h("p", { class: "note" }, t("notInPublicTables")),
  );
  return { section, draw: () => {} };
}

/**
 * The time chart's points: every period from the first to the last in time order (a period with
 * nothing paid is a gap on the axis), withheld periods in their place, the running total flat
 * across both. Axis labels carry the year when the range spans two years.
 */
function timelinePoints(data, bucket) {
  const periods = fillPeriods(data, bucket);
  const withYear = spansYears(periods);
  let running = 0;
  return periods.map(({ start, item }) => {
    const period = item?.period ?? periodOf(start, bucket);
    if (item) running = item.cumulative;
    return {
      start,
      name: item ? item.name : periodName(bucket, period),
      axisLabel: bucket === "MONTH" ? periodName(bucket, period) : axisDay(start, withYear),
      amountPaid: item ? item.amountPaid : null,
      suppressed: item?.suppressed ?? false,
      empty: !item,
      cumulative: running,
    };
  });
}

/** A period's row in the time table: a withheld figure reads "<5" as on the chart. */
function periodColumn(key, label, mark, money = false) {
  const c = numberColumn(key, label, money);
  return { ...c, render: (r) => (r.suppressed && r[key] == null ? mark : c.render(r)) };
}

/** Paid per day, week or month, and cumulative; a switch between them. */
export function timePanel({ rows, ctx }) {
  const bucket = ctx.bucket;
  const minCount = ctx.data.total.minCount ?? 5;
  const mark = `<${minCount}`;
  let running = 0;
  let withheldSeen = false;
  // In time order whatever order the rows came in: a timeline never moves a period.
  const data = rows
    .filter((r) => r.period)
    .sort((a, b) => (a.period.start < b.period.start ? -1 : a.period.start > b.period.start ? 1 : 0))
    .map((r) => {
      running += r.totals.amountPaid ?? 0;
      withheldSeen ||= r.totals.suppressed;
      return {
        start: r.period.start,
        period: r.period,
        name: periodName(bucket, r.period),
        amountPaid: r.totals.amountPaid,
        peopleSupported: r.totals.peopleSupported,
        suppressed: r.totals.suppressed,
        cumulative: running,
        // The running total leaves out the withheld periods up to here.
        cumulativePartial: withheldSeen,
      };
    });
  const columns = [
    { key: "name", label: t("colPeriod"), value: (r) => r.name },
    periodColumn("amountPaid", t("colAmountPaid"), mark, true),
    periodColumn("peopleSupported", t("colPeople"), mark),
    numberColumn("cumulative", t("colCumulative"), true),
  ];
  const totals = totalRow(ctx, { cumulative: ctx.data.total.total.amountPaid });
  const bucketName = t(`bucket_${bucket}`);
  const partial = data.some((r) => r.cumulativePartial);
  const withheld = data.some((r) => r.suppressed);
  const table = dataTable({ caption: t("overTimeCaption", { bucket: bucketName }), columns, rows: data, totals,
    note: withheld ? h("p", { class: "note" }, t("timeWithheldNote", { n: minCount })) : null });
  const controls = h(
    "fieldset",
    { class: "segmented no-print" },
    h("legend", { class: "sr-only" }, t("bucket")),
    (ctx.visitor ? ["WEEK", "MONTH"] : ["DAY", "WEEK", "MONTH"]).map((b) =>
      h("label", { class: b === bucket ? "active" : null },
        h("input", { type: "radio", name: "bucket", value: b, checked: b === bucket, dataset: { bucket: b },
          on: { change: () => ctx.navigate({ bucket: b }, { keepFocus: `[data-bucket="${b}"]` }) } }),
        t(`bucket_${b}`))),
  );
  const { section, chart } = chartSection({
    id: "time", title: t("overTime"), chartLabel: t("overTimeChart", { bucket: bucketName }), table, controls,
    exports: exportLinks(t("overTime"), (f) => exportURL(f, ctx.state, ctx.program, [bucket]), "timeseries"),
  });
  // What the line leaves out, under the chart where everyone sees it (the table's note is folded).
  if (partial) chart.after(h("p", { class: "note", dataset: { cumulativeNote: "" } }, t("timeCumulativeNote", { n: minCount })));
  const points = timelinePoints(data, bucket);
  return { section, draw: (drawChart) => drawChart(chart, timeSeries(points, minCount)) };
}

/** Fund rows: each fund's allocation, and what was paid from it under the filter. */
export function fundRows(funds, byFund) {
  const paid = new Map(byFund.map((r) => [r.fund?.code, r.totals]));
  return funds.map((f) => {
    const p = paid.get(f.code);
    const amount = p ? p.amountPaid : 0;
    return {
      code: f.code, allocated: f.allocated, paid: amount, suppressed: p?.suppressed ?? false,
      remaining: amount == null || f.allocated == null ? null : f.allocated - amount,
      utilisation: amount == null || !f.allocated ? null : amount / f.allocated,
      fund: f,
    };
  });
}

/**
 * Allocated (at the scope in view), paid (under the filter) and remaining per fund. A fund with no
 * allocation to the scope reads "chưa phân bổ" and counts in the paid total only.
 */
export function fundPanel({ funds, ctx }) {
  const l = lang();
  const data = funds.map((f) => ({ ...f, name: nameOf(f.fund, l), label: nameOf(f.fund, l) }));
  const sum = fundUseSummary(data);
  const totals = {
    name: t("total"), allocated: sum.allocated, paid: sum.paid,
    remaining: sum.allocated == null ? null : sum.allocated - sum.paidOfAllocated, utilisation: sum.share,
  };
  const unallocated = (r) => (r.allocationHidden ? t("notAvailable") : t("fundNotAllocated"));
  const allocatedColumn = (key, label) => ({
    key, label, numeric: true, value: (r) => r[key],
    render: (r) => (r.allocated == null && !r.suppressed ? unallocated(r) : numberColumn(key, label, true).render(r)),
  });
  const columns = [
    { key: "name", label: t("colFund"), value: (r) => r.name },
    allocatedColumn("allocated", t("colAllocated")),
    numberColumn("paid", t("colPaid"), true),
    allocatedColumn("remaining", t("colRemaining")),
    { key: "utilisation", label: t("colUtilisation"), numeric: true, value: (r) => r.utilisation,
      render: (r) => (r.allocated == null && !r.suppressed ? unallocated(r) : formatPercent(r.utilisation, l)) },
  ];
  const table = dataTable({ caption: t("fundsCaption"), columns, rows: data, totals, note: withheldNote(data, ctx) });
  const { section, chart } = chartSection({
    id: "funds", title: t("fundsTitle"), chartLabel: t("fundsChart"), table,
    exports: exportLinks(t("fundsTitle"), (f) => exportURL(f, ctx.state, ctx.program, ["FUND"])),
  });
  // Whose allocation it is, under the chart where everyone sees it.
  const scope = fundScopeNote(data, l);
  if (scope) chart.after(scope);
  return { section, draw: (drawChart) => drawChart(chart, fundBars(data)) };
}

/** Whose allocation the table shows, and the decisions behind it (signed-in figures only). */
function fundScopeNote(rows, l) {
  const first = rows[0];
  if (!first || !first.level) return null;
  if (first.level === "AREA") return h("p", { class: "note", dataset: { fundScope: "AREA" } }, t("fundsScopeArea"));
  const units = first.units.map((u) => nameOf(u, l)).join(", ");
  const seen = new Set();
  const decisions = [];
  for (const r of rows) {
    for (const d of r.decisions || []) {
      const text = t("fundsDecision", { decision: d.decision, date: formatDate(d.decidedOn) });
      if (!seen.has(text)) decisions.push(text);
      seen.add(text);
    }
  }
  const text = decisions.length ? t("fundsScopeUnits", { units, decisions: decisions.join("; ") }) : t("fundsScopeNone", { units });
  return h("p", { class: "note", dataset: { fundScope: first.level } }, text);
}

/** Listed, approved and paid per group. */
export function pipelinePanel({ rows, ctx }) {
  const l = lang();
  const data = rows.map((r) => ({ code: r.group.code, name: nameOf(r.group, l), label: shortNameOf(r.group, l), ...r.totals }));
  const columns = [
    { key: "name", label: t("colGroup"), value: (r) => r.name },
    numberColumn("amountListed", t("colListed"), true),
    numberColumn("amountApproved", t("colApproved"), true),
    numberColumn("amountPaid", t("colPaid"), true),
    { key: "ratio", label: t("colShare"), numeric: true, value: (r) => r.amountPaid,
      render: (r) => formatPercent(r.amountListed && r.amountPaid != null ? r.amountPaid / r.amountListed : null, l) },
  ];
  const table = dataTable({ caption: t("pipelineCaption"), columns, rows: data, totals: totalRow(ctx), note: withheldNote(data, ctx) });
  const { section, chart } = chartSection({
    id: "pipeline", title: t("pipeline"), chartLabel: t("pipelineChart"), table,
    exports: exportLinks(t("pipeline"), (f) => exportURL(f, ctx.state, ctx.program, ["GROUP", "STATUS"])),
  });
  return { section, draw: (drawChart) => drawChart(chart, pipelineBars(data)) };
}
