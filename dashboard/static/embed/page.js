// One embedded chart: reads its parameters from its own URL, asks /embed/data for the public
// figures and shows them (bars by ward or by group, a time series, a KPI tile or the ward table),
// then tells the page that frames it how tall it is. Withheld cells read "<5", never 0.

import { formatDate, formatDateTime, formatNumber, formatVND, formatVNDAxis, formatVNDCompact, shortUnitName } from "../js/format.js";

const strings = {
  vi: {
    loading: "Đang tải…",
    error: "Không tải được biểu đồ.",
    errorNetwork: "Không kết nối được máy chủ hotro.",
    demo: "Dữ liệu minh hoạ (demo), không phải số liệu chi trả thật.",
    source: "Nguồn: UBND thành phố Thái Nguyên — số liệu tại {time}.",
    more: "Xem chi tiết",
    withheldNote: "“{mark}”: số liệu dưới {n} người (và ô có thể làm lộ chúng) được ẩn để bảo vệ thông tin cá nhân; tổng cộng vẫn tính đủ.",
    period: "Chi trả {range}",
    from: "từ {date}",
    to: "đến {date}",
    chartHint: "{title}. Số liệu ở bảng kèm theo.",
    total: "Tổng cộng",
    colWard: "Phường/xã",
    colGroup: "Nhóm đối tượng",
    colPeriod: "Thời gian",
    amountPaid: "Đã chi trả",
    peopleSupported: "Số người",
    beneficiaries: "Số đối tượng",
    amountListed: "Trong danh sách",
    amountApproved: "Đã phê duyệt",
    cumulative: "Luỹ kế",
    people: "người được hỗ trợ",
    recipients: "đối tượng nhận (người hoặc hộ)",
    week: "Tuần {week}/{year}",
    nothingPaid: "không chi trả",
    cumulativeNote: "Luỹ kế không tính các kỳ bị ẩn ({mark}).",
    kpiWards: "phường, xã có người được hỗ trợ",
    kpiWardsWithheld: "ngoài ra {n} phường, xã có số liệu được ẩn",
    kpiWithheld: "số liệu được ẩn",
    mapLegend: "Màu nhạt đến đậm: {low} đến {high}; ô xám: {withheld} (ẩn).",
    mapTiles: "Sơ đồ ô: mỗi phường, xã một ô vuông đặt theo vị trí tương đối, không phải ranh giới.",
    mapBoundaries: "Ranh giới phường, xã: {source}",
  },
  en: {
    loading: "Loading…",
    error: "The chart could not be loaded.",
    errorNetwork: "The hotro server could not be reached.",
    demo: "Demonstration data, not real payment figures.",
    source: "Source: Thái Nguyên City People's Committee — figures as of {time}.",
    more: "See details",
    withheldNote: "“{mark}”: figures under {n} people (and cells that would reveal them) are withheld to protect personal data; totals include them.",
    period: "Paid {range}",
    from: "from {date}",
    to: "to {date}",
    chartHint: "{title}. The figures are in the table that goes with it.",
    total: "Total",
    colWard: "Ward/commune",
    colGroup: "Group",
    colPeriod: "Period",
    amountPaid: "Amount paid",
    peopleSupported: "People",
    beneficiaries: "Recipients",
    amountListed: "Listed",
    amountApproved: "Approved",
    cumulative: "Cumulative",
    people: "people supported",
    recipients: "recipients (people or households)",
    week: "Week {week}/{year}",
    nothingPaid: "nothing paid",
    cumulativeNote: "The running total leaves out the withheld periods ({mark}).",
    kpiWards: "wards where people were supported",
    kpiWardsWithheld: "besides {n} wards whose figures are withheld",
    kpiWithheld: "withheld",
    mapLegend: "Light to dark: {low} to {high}; grey: {withheld} (withheld).",
    mapTiles: "Tile map: one square per ward, placed by relative position, not boundaries.",
    mapBoundaries: "Ward boundaries: {source}",
  },
};

const params = new URLSearchParams(location.search);
const chart = document.body.dataset.chart;
const lang = params.get("lang") === "en" ? "en" : "vi";
const theme = params.get("theme") === "dark" ? "dark" : "light";
const showTitle = params.get("title") !== "0";
const drawsWithLibrary = ["wards", "groups", "timeseries", "pipeline"].includes(chart);

const el = {
  title: document.getElementById("title"),
  demo: document.getElementById("demo"),
  content: document.getElementById("content"),
  note: document.getElementById("note"),
  source: document.getElementById("source"),
};

/** t("source", {time}) is the string in the embed's language with its {placeholders} filled. */
function t(key, vars = {}) {
  const text = strings[lang][key] ?? strings.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** h("td", {class: "num"}, "12") builds an element from text and nodes only, without inline styles. */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const money = (measure) => ["amountPaid", "amountListed", "amountApproved"].includes(measure);

/** A figure as the reader expects it; a withheld one is "<5". */
function figure(value, measure, minCount) {
  if (value == null) return `<${minCount}`;
  return money(measure) ? formatVND(value, lang) : formatNumber(value, lang);
}

/** Where the chart library is: index.html and the embed pages preload it. */
function chartLibrary() {
  if (window.echarts) return Promise.resolve(window.echarts);
  const preload = document.querySelector('link[rel="preload"][as="script"]');
  return new Promise((resolve, reject) => {
    const script = h("script", { src: preload.getAttribute("href") });
    script.addEventListener("load", () => resolve(window.echarts));
    script.addEventListener("error", () => reject(new Error(script.src)));
    document.head.append(script);
  });
}

async function loadData() {
  let res;
  try {
    // The page's own parameters go to the data as they are (a signed link's signature covers them).
    res = await fetch(`data/${encodeURIComponent(chart)}${location.search}`, { credentials: "omit" });
  } catch {
    throw new Error(t("errorNetwork"));
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return { data: body, at: res.headers.get("Date") ? new Date(res.headers.get("Date")) : new Date() };
}

function weekLabel(label) {
  const m = /^(\d{4})-W(\d{2})$/.exec(label || "");
  return m ? t("week", { week: Number(m[2]), year: m[1] }) : label;
}

/** The label of a point: a ward, a group, or a day, week or month. */
function pointLabel(p, bucket) {
  if (!p.start) return p.label;
  if (bucket === "WEEK") return weekLabel(p.label);
  if (bucket === "MONTH") return p.start.slice(5, 7) + "/" + p.start.slice(0, 4);
  return formatDate(p.start);
}

/**
 * A ward's name, written "P. Quán Triều" on a phone as on Vietnamese signs (screen readers still
 * read "Phường Quán Triều").
 */
function unitName(name) {
  const short = shortUnitName(name);
  if (short === name) return name;
  return [h("span", { class: "long" }, name), h("span", { class: "short", "aria-hidden": "true" }, short)];
}

/** A table of the points, the chart's figures for screen readers and the ward table itself. */
function pointTable(data, columns, { visible = false, caption = data.title } = {}) {
  const firstColumn = chart === "groups" || chart === "pipeline" ? t("colGroup") : chart === "timeseries" ? t("colPeriod") : t("colWard");
  const cell = (p, measure) => {
    const value = measure === "cumulative" ? p.cumulative : p.values ? p.values[measure] : p.value;
    const withheld = p.suppressed && value == null;
    // The running total is of the chart's measure; a withheld period has none.
    const text = measure === "cumulative" ? (value == null ? "—" : figure(value, data.measure)) : figure(value, measure, data.minCount);
    return h("td", { class: withheld ? "num withheld" : "num", dataset: { measure, value: value ?? "" } }, text);
  };
  const rows = data.points.map((p) => h("tr", { dataset: { code: p.code || p.start || "" } },
    h("th", { scope: "row" }, visible ? unitName(pointLabel(p, data.bucket)) : pointLabel(p, data.bucket)), columns.map((m) => cell(p, m))));
  const total = h("tr", {}, h("th", { scope: "row" }, t("total")),
    columns.map((m) => h("td", { class: "num", dataset: { measure: m, value: data.total[m] ?? "" } }, figure(data.total[m], m, data.minCount))));
  const table = h("table", {},
    h("caption", { class: visible && showTitle ? "sr-only" : null }, caption), // the title says it already
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, firstColumn), columns.map((m) => h("th", { scope: "col", class: "num" }, t(m))))),
    h("tbody", {}, rows),
    chart === "timeseries" ? null : h("tfoot", {}, total));
  return h("div", { class: visible ? "table-wrap" : "sr-only", tabindex: visible ? "0" : null, role: visible ? "region" : null,
    "aria-label": visible ? caption : null }, table);
}

/** The ward table: every ward with every measure, the chosen measure first, largest first. */
function wardTable(data) {
  const order = [data.measure, ...["amountPaid", "peopleSupported", "beneficiaries"].filter((m) => m !== data.measure)];
  const points = [...data.points].sort((a, b) => (b.values?.[data.measure] ?? -1) - (a.values?.[data.measure] ?? -1));
  return pointTable({ ...data, points }, order, { visible: true, caption: data.title });
}

function kpiTile(data) {
  const p = data.points[0] || { value: null, suppressed: false };
  const value = p.value;
  const isMoney = money(data.measure);
  const big = value == null ? `<${data.minCount}` : isMoney ? formatVNDCompact(value, lang) : formatNumber(value, lang);
  const note = value == null ? "" : isMoney ? formatVND(value, lang) : data.measure === "peopleSupported" ? t("people") : t("recipients");
  return h("div", { class: "kpi", dataset: { value: value ?? "", measure: data.measure } },
    showTitle ? h("p", { class: "kpi-label" }, data.title) : null,
    h("p", { class: "kpi-value" }, big),
    h("p", { class: "kpi-note" }, note));
}

/**
 * The KPI strip: paid, people and wards paid side by side, wrapping on a phone. A withheld figure
 * reads "<5"; the wards whose figures are withheld are counted apart.
 */
function kpiStrip(data) {
  const items = data.points.map((p) => {
    let big;
    let note;
    if (p.value == null) {
      big = `<${data.minCount}`;
      note = t("kpiWithheld");
    } else if (p.code === "amountPaid") {
      big = formatVNDCompact(p.value, lang);
      note = formatVND(p.value, lang);
    } else if (p.code === "peopleSupported") {
      big = formatNumber(p.value, lang);
      note = t("people");
    } else {
      big = formatNumber(p.value, lang);
      note = p.withheld ? t("kpiWardsWithheld", { n: formatNumber(p.withheld, lang) }) : t("kpiWards");
    }
    return h("li", { class: "kpi", dataset: { kpi: p.code, value: p.value ?? "" } },
      h("p", { class: "kpi-label" }, p.label),
      h("p", { class: p.value == null ? "kpi-value withheld" : "kpi-value" }, big),
      h("p", { class: "kpi-note" }, note));
  });
  return h("ul", { class: "kpi-strip", "aria-label": data.title }, items);
}

function periodLine() {
  const from = params.get("from");
  const to = params.get("to");
  if (!from && !to) return null;
  const range = [from ? t("from", { date: formatDate(from) }) : "", to ? t("to", { date: formatDate(to) }) : ""].filter(Boolean).join(" ");
  return h("p", { class: "period" }, t("period", { range }));
}

/** The dashboard's view of the same filter, for readers who want more. */
function dashboardLink() {
  const view = new URLSearchParams();
  for (const [from, to] of [["program", "program"], ["group", "groups"], ["ward", "wards"], ["from", "from"], ["to", "to"]]) {
    if (params.get(from)) view.set(to, params.get(from));
  }
  const search = view.toString().replaceAll("%2C", ",");
  return h("a", { href: new URL(`../${search ? "?" + search : ""}`, location.href).href, target: "_blank", rel: "noopener" }, t("more"));
}

// The height goes to the page that frames this one: to its script (embed.js) or to the dashboard's
// preview. It is no secret, so any parent may read it; embed.js checks that it comes from its frame.
let lastHeight = 0;
function postHeight() {
  if (window.parent === window) return;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === lastHeight) return;
  lastHeight = height;
  window.parent.postMessage({ type: "hotro:embed", height, title: document.title, state: document.body.dataset.state }, "*");
}

/**
 * The page that frames this one asks for the height when the frame's width changes: a frame out
 * of sight is not laid out or observed until it comes into view, but it can be measured. The
 * new width may reach this page a moment after the question.
 */
function answerMeasure(event) {
  if (event.source !== window.parent || event.data?.type !== "hotro:measure") return;
  const width = Number(event.data.width);
  let tries = 0;
  (function measure() {
    if (Number.isFinite(width) && Math.abs(window.innerWidth - width) > 1 && tries++ < 40) {
      setTimeout(measure, 25);
      return;
    }
    postHeight();
  })();
}

function fitFrame() {
  window.addEventListener("message", answerMeasure);
  let pending = false;
  new ResizeObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      postHeight();
    });
  }).observe(document.documentElement);
  window.addEventListener("load", postHeight);
}

function finish(state) {
  document.body.dataset.state = state;
  performance.mark(`hotro:embed-${state}`);
  lastHeight = 0; // the state travels with the height
  postHeight();
}

/** The map: tiles (or the city's boundaries) coloured by the measure, the ward table under it. */
async function drawMapEmbed(data) {
  // A group, not an image: each ward's tile is a link to its page.
  const box = h("div", { class: "map-box", role: "group", "aria-label": t("chartHint", { title: data.title }) });
  const legend = h("p", { class: "map-legend" });
  const credit = h("p", { class: "map-attribution" });
  el.content.replaceChildren(box, legend, credit, pointTable(data, [data.measure]));
  const { drawMap } = await import("./map.js");
  const max = await drawMap(box, data, {
    label: (v) => figure(v, data.measure, data.minCount),
    short: (v) => (v == null ? `<${data.minCount}` : money(data.measure) ? formatVNDAxis(v, lang) : formatNumber(v, lang)),
    wardHref: (code) => new URL(`../?ward=${encodeURIComponent(code)}`, location.href).href,
    attribution: (text) => { credit.textContent = text ? t("mapBoundaries", { source: text }) : t("mapTiles"); },
  });
  legend.textContent = t("mapLegend", { low: figure(0, data.measure), high: figure(max, data.measure), withheld: `<${data.minCount}` });
}

async function main() {
  fitFrame();
  const dataPromise = loadData();
  const drawing = drawsWithLibrary ? Promise.all([chartLibrary(), import("./draw.js")]) : null;
  drawing?.catch(() => {}); // reported below, once
  let data;
  let at;
  try {
    ({ data, at } = await dataPromise);
  } catch (err) {
    document.title = t("error");
    // The page keeps a heading for screen readers; the error below says the rest.
    el.title.textContent = t("error");
    el.title.classList.add("sr-only");
    el.content.replaceChildren(h("p", { class: "error", role: "alert" }, t("error"), " ", h("span", { class: "error-detail" }, err.message)));
    finish("error");
    return;
  }
  document.title = data.title;
  el.title.textContent = data.title;
  el.title.hidden = !showTitle;
  el.title.classList.toggle("sr-only", chart === "kpi"); // the tile says it; the page keeps its h1
  el.title.after(periodLine() || "");
  if (data.demo) {
    el.demo.textContent = t("demo");
    el.demo.hidden = false;
  }
  el.source.replaceChildren(t("source", { time: formatDateTime(at) }), " ", dashboardLink());
  if (data.points.some((p) => p.suppressed)) {
    el.note.textContent = t("withheldNote", { mark: `<${data.minCount}`, n: data.minCount });
    if (chart === "timeseries") el.note.append(" ", t("cumulativeNote", { mark: `<${data.minCount}` }));
    el.note.hidden = false;
  }
  try {
    if (chart === "kpi") {
      el.content.replaceChildren(kpiTile(data));
    } else if (chart === "kpis") {
      el.content.replaceChildren(kpiStrip(data));
    } else if (chart === "table") {
      el.content.replaceChildren(wardTable(data));
    } else if (chart === "map") {
      await drawMapEmbed(data);
    } else {
      const box = h("div", { class: chart === "timeseries" ? "chart" : "chart chart-bars", role: "img",
        "aria-label": t("chartHint", { title: data.title }) });
      box.style.setProperty("--bars", String(Math.max(data.points.length * (chart === "pipeline" ? 2 : 1), 3)));
      const columns = chart === "pipeline" ? ["amountListed", "amountApproved", "amountPaid"] : [data.measure];
      el.content.replaceChildren(box, pointTable(data, chart === "timeseries" ? [data.measure, "cumulative"] : columns));
      const [echarts, draw] = await drawing;
      await draw.drawChart(echarts, box, data, { lang, theme, t, figure, label: (p) => pointLabel(p, data.bucket) });
    }
  } catch (err) {
    console.error(err);
    el.content.replaceChildren(h("p", { class: "error", role: "alert" }, t("error")));
    finish("error");
    return;
  }
  finish("drawn");
}

main();
