// The map: where the money went. The city's wards as a tile map (equal squares in their places on a
// grid, static/geo/thai-nguyen-city-wards.json), or as a true choropleth when an admin has loaded the
// city's own boundaries (hotro geo import, /geo/boundaries.json); at national scope, the provinces
// (static/geo/provinces-2020.json, geoBoundaries). Drawn as SVG, with no map server and no library;
// the layout and the boundaries are fetched only when the panel is drawn. The table is its twin.

import { h } from "./dom.js";
import { formatDecimal, formatNumber, formatVND, formatVNDAxis, formatVNDCompact } from "./format.js";
import { lang, nameOf, t } from "./i18n.js";
import { NO_FIGURES_FILL, WITHHELD_FILL, fillOf, noFiguresPattern, noFiguresSwatch, svg, textOn, tileName } from "./mapscale.js";
import { MAP_MEASURES } from "./state.js";
import { chartSection } from "./section.js";
import { dataTable } from "./table.js";

/** The measures per inhabitant: a ward's figure divided by its reference population of one year. */
const PER_CAPITA = ["amountPaidPerCapita", "peopleSupportedPer1000"];
export const MEASURES = MAP_MEASURES;

const cache = new Map();
/** Fetches a JSON file once per page (the layout, the provinces, the imported boundaries). */
function fetchJSON(url) {
  if (!cache.has(url)) {
    cache.set(url, fetch(url, { credentials: "same-origin" }).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json();
    }).catch((err) => {
      cache.delete(url);
      throw err;
    }));
  }
  return cache.get(url);
}

function formatMeasure(measure, value, l, compact = false) {
  if (value == null) return t("mapWithheld");
  // Per inhabitant: whole đồng per person; people per 1,000 inhabitants to one decimal.
  if (measure === "amountPaidPerCapita") return formatVND(Math.round(value), l);
  if (measure === "peopleSupportedPer1000") return formatDecimal(value, l, 1);
  if (measure !== "amountPaid") return formatNumber(value, l);
  if (compact === "tile") return formatVNDAxis(value, l);
  return compact ? formatVNDCompact(value, l) : formatVND(value, l);
}

/**
 * The legend: the scale from 0 to the largest value shown, in VND (or people, or per inhabitant),
 * "<5" in grey, and the hatching of wards without reference figures of the year.
 */
function legend(measure, max, { withheld, noFigures, year }, l) {
  const steps = [0, 0.25, 0.5, 0.75, 1];
  const step = (s) => (PER_CAPITA.includes(measure) ? s * max : Math.round(s * max));
  return h("div", { class: "map-legend", dataset: { mapLegend: measure } },
    h("span", { class: "map-legend-title" }, t(`mapMeasure_${measure}`)),
    h("span", { class: "map-legend-scale" },
      steps.map((s) => h("span", { class: "map-legend-step" }, svgSwatch(fillOf(step(s), max)), formatMeasure(measure, step(s), l, true)))),
    withheld ? h("span", { class: "map-legend-step" }, svgSwatch(WITHHELD_FILL), t("mapWithheld")) : null,
    noFigures ? h("span", { class: "map-legend-step", dataset: { legendNoFigures: "" } }, noFiguresSwatch(), t("mapNoFigures", { year })) : null);
}

function svgSwatch(fill) {
  return svg("svg", { width: 14, height: 14, "aria-hidden": "true", class: "map-swatch" }, svg("rect", { width: 14, height: 14, fill, stroke: "#8a8f98" }));
}

/** Projects [lon, lat] rings into an SVG path within width × height, north up. */
function projector(features, width, height) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const each = (geom, fn) => {
    const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.type === "MultiPolygon" ? geom.coordinates : [];
    for (const p of polys) for (const ring of p) fn(ring);
  };
  for (const f of features) each(f.geometry, (ring) => {
    for (const [x, y] of ring) {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
  });
  const kx = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
  const scale = Math.min(width / ((maxX - minX) * kx || 1), height / ((maxY - minY) || 1));
  const w = (maxX - minX) * kx * scale;
  const ht = (maxY - minY) * scale;
  return {
    width: w, height: ht,
    path(geom) {
      let d = "";
      each(geom, (ring) => {
        d += ring.map(([x, y], i) => `${i ? "L" : "M"}${((x - minX) * kx * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`).join("") + "Z";
      });
      return d;
    },
  };
}

/**
 * The map panel. rows: the per-ward rows (with code, name and the measures, suppressed for a
 * withheld cell); provinces: an async function giving the per-province rows when the data spans
 * more than the city. Click on a ward opens its page; the table's names are links (Enter).
 */
export function mapPanel({ rows, ctx, provinces = null }) {
  const l = lang();
  // The years of the wards' reference population: per inhabitant is offered when there are some,
  // of the year in the URL or the latest loaded.
  const years = ctx.meta?.wardFigureYears ?? [];
  const year = Number(ctx.state?.fyear) || years[0] || null;
  const offered = MEASURES.filter((m) => !PER_CAPITA.includes(m) || years.length);
  let measure = offered.includes(ctx.state?.mapm) ? ctx.state.mapm : "amountPaid";
  let drawn = null; // {units, kind}
  const chartHolder = h("div", { class: "map-holder" });
  const legendHolder = h("div", { class: "map-legend-holder" });
  const attribution = h("p", { class: "note map-attribution" });
  const figuresNote = h("p", { class: "note map-figures", dataset: { mapFigures: "" }, hidden: true });
  const tableHolder = h("div", {});
  const select = h("select", {
    id: "map-measure", dataset: { mapMeasure: "" },
    on: { change: () => { measure = select.value; ctx.replaceState?.({ mapm: measure }); paint(); } },
  }, offered.map((m) => h("option", { value: m, selected: m === measure }, t(`mapMeasure_${m}`))));
  // Another year asks the figures again (the API divides by that year's population).
  const yearSelect = years.length > 1 ? h("select", {
    id: "map-year", dataset: { mapYear: "" },
    on: { change: () => ctx.navigate({ fyear: yearSelect.value === String(years[0]) ? "" : yearSelect.value, mapm: measure }, { keepFocus: "#map-year" }) },
  }, years.map((y) => h("option", { value: String(y), selected: y === year }, String(y)))) : null;
  const controls = h("div", { class: "map-controls no-print" },
    h("label", { class: "map-control" }, t("mapMeasure"), " ", select),
    yearSelect ? h("label", { class: "map-control" }, t("mapFiguresYear"), " ", yearSelect) : null,
    h("button", { type: "button", class: "button-small", dataset: { embed: "map" }, "aria-label": t("embedButtonLabel", { chart: t("mapTitle") }) }, t("embedButton")));
  const table = h("table", {}, h("caption", {}, t("mapCaption")));
  tableHolder.append(table);
  const { section, chart } = chartSection({ id: "map", title: t("mapTitle"), chartLabel: t("mapChart"), chartClass: "chart-map", table: tableHolder, controls });
  chart.append(chartHolder, legendHolder);
  chart.after(attribution);
  attribution.after(figuresNote);

  function unitHref(u) {
    return u.kind === "ward" ? ctx.hrefFor({ page: "ward", ward: u.code }) : ctx.hrefFor({ provinces: [u.code] });
  }
  function open(u) {
    // A ward opens its page; a province becomes the page's filter (its communes, its figures).
    if (u.kind === "ward") ctx.navigate({ page: "ward", ward: u.code });
    else ctx.navigate({ provinces: [u.code] });
  }

  /**
   * What a unit shows for the measure: "value", "withheld" (a cell the caller may not see, per
   * inhabitant too), "nofigures" (no reference population of the year: never drawn as zero) or
   * "nopayments" (no row under the filter).
   */
  function stateOf(u) {
    if (!u.hasRow) return "nopayments";
    if (u.suppressed && u[measure] == null) return "withheld";
    if (PER_CAPITA.includes(measure) && (u[measure] == null || u.figures?.year !== year)) return "nofigures";
    return "value";
  }

  function paint() {
    if (!drawn) return;
    const { units } = drawn;
    const perCapita = PER_CAPITA.includes(measure);
    const states = new Map(units.map((u) => [u, stateOf(u)]));
    const valueOf = (u) => (states.get(u) === "value" ? u[measure] : null);
    const max = Math.max(0, ...units.map((u) => valueOf(u) ?? 0));
    for (const u of units) {
      const state = states.get(u);
      const fill = state === "withheld" ? WITHHELD_FILL : state === "nofigures" ? NO_FIGURES_FILL : fillOf(valueOf(u) ?? 0, max);
      for (const shape of u.shapes) shape.setAttribute("fill", fill);
      u.shapes[0].dataset.value = valueOf(u) ?? "";
      u.shapes[0].dataset.state = state;
      const text = state === "nofigures" ? t("mapNoFiguresShort") : formatMeasure(measure, valueOf(u), l);
      if (u.label) {
        const ink = state === "nofigures" ? "#1a1a1a" : textOn(fill);
        u.label.setAttribute("fill", ink);
        u.valueLabel.setAttribute("fill", ink);
        u.valueLabel.textContent = state === "nopayments" || state === "nofigures" ? "—" : formatMeasure(measure, valueOf(u), l, "tile");
      }
      // A ward without a row has no payments under the filter: not withheld, nothing to show.
      u.title.textContent = `${u.name}: ${state === "nopayments" ? t("mapNoPayments") : state === "nofigures" ? t("mapNoFigures", { year }) : text}`;
    }
    const noFigures = perCapita && units.some((u) => states.get(u) === "nofigures");
    legendHolder.replaceChildren(legend(measure, max, { withheld: units.some((u) => states.get(u) === "withheld"), noFigures, year }, l));
    figuresNote.hidden = !perCapita;
    figuresNote.replaceChildren(...(perCapita ? describeFigures(units.filter((u) => states.get(u) === "value").map((u) => u.figures)) : []));
    const columns = [
      { key: "name", label: drawn.kind === "ward" ? t("colWard") : t("mapColProvince"), sortable: false, value: (r) => r.name,
        render: (r) => h("a", { href: unitHref(r), dataset: { nav: "", [r.kind === "ward" ? "ward" : "province"]: r.code } }, r.name) },
      { key: measure, label: t(`mapMeasure_${measure}`), numeric: true, value: valueOf,
        render: (r) => (states.get(r) === "nofigures" ? t("mapNoFiguresShort") : formatMeasure(measure, valueOf(r), l)) },
    ];
    if (perCapita) {
      columns.push({ key: "population", label: t("mapColPopulation", { year }), numeric: true,
        value: (r) => (r.figures?.year === year ? r.figures.population : null),
        render: (r) => (r.figures?.year === year ? formatNumber(r.figures.population, l) : t("mapNoFiguresShort")) });
    }
    const next = dataTable({ caption: t("mapCaption"), columns, rows: units.filter((u) => u.hasRow), sort: { key: measure, dir: "desc" }, className: "map-table" });
    next.dataset.mapTable = measure;
    tableHolder.replaceChildren(next);
  }

  /** The year and source(s) of the population divided by, and whether they are illustrative. */
  function describeFigures(figures) {
    const sources = [...new Set(figures.map((f) => f.source))];
    const illustrative = figures.some((f) => f.illustrative);
    if (!sources.length) return [t("mapFiguresNone", { year })];
    return [illustrative ? h("strong", { dataset: { illustrative: "" } }, t("mapFiguresIllustrative"), " ") : null,
      t("mapFiguresSource", { year, source: sources.join("; ") })].filter(Boolean);
  }

  function unitOf(row, kind) {
    return { ...row, kind, hasRow: true, shapes: [] };
  }

  async function drawTiles(wardRows) {
    const layout = await fetchJSON("geo/thai-nguyen-city-wards.json");
    const byCode = new Map(wardRows.map((r) => [r.code, r]));
    const cell = 60, gap = 3;
    const units = layout.tiles.map((tile) => {
      const r = byCode.get(tile.code);
      return r ? unitOf(r, "ward") : { code: tile.code, name: nameOf({ name: tile.name }, l), kind: "ward", hasRow: false, shapes: [], suppressed: false };
    });
    const root = svg("svg", { viewBox: `0 0 ${layout.cols * cell} ${layout.rows * cell}`, class: "map-svg map-tiles", role: "presentation" }, noFiguresPattern());
    layout.tiles.forEach((tile, i) => {
      const u = units[i];
      const x = tile.col * cell, y = tile.row * cell;
      const rect = svg("rect", { x: x + gap / 2, y: y + gap / 2, width: cell - gap, height: cell - gap, rx: 3, stroke: "#ffffff", "stroke-width": 1, class: "map-unit", "data-code": u.code });
      u.title = svg("title");
      u.label = svg("text", { x: x + cell / 2, y: y + cell / 2 - 4, "text-anchor": "middle", class: "map-tile-name" }, tileName(u.name));
      u.valueLabel = svg("text", { x: x + cell / 2, y: y + cell / 2 + 12, "text-anchor": "middle", class: "map-tile-value" });
      u.shapes.push(rect);
      root.append(svg("g", { class: u.hasRow ? "map-link" : null, on: u.hasRow ? { click: () => open(u) } : {} }, rect, u.title, u.label, u.valueLabel));
    });
    chartHolder.replaceChildren(root);
    attribution.textContent = t("mapTileNote");
    return { units, kind: "ward" };
  }

  async function drawShapes(features, unitRows, kind, attributionText) {
    const byCode = new Map(unitRows.map((r) => [r.code, r]));
    const width = 600, height = kind === "province" ? 900 : 600;
    const proj = projector(features, width, height);
    const root = svg("svg", { viewBox: `0 0 ${proj.width.toFixed(0)} ${proj.height.toFixed(0)}`, class: `map-svg map-${kind}`, role: "presentation" }, noFiguresPattern());
    const units = [];
    for (const f of features) {
      const code = f.properties.code;
      const r = byCode.get(code);
      const u = r ? unitOf(r, kind) : { code, name: f.properties.name, kind, hasRow: false, shapes: [], suppressed: false };
      const path = svg("path", { d: proj.path(f.geometry), stroke: "#ffffff", "stroke-width": 0.6, class: "map-unit", "data-code": code });
      u.title = svg("title");
      u.shapes.push(path);
      root.append(svg("g", { class: u.hasRow ? "map-link" : null, on: u.hasRow ? { click: () => open(u) } : {} }, path, u.title));
      units.push(u);
    }
    chartHolder.replaceChildren(root);
    attribution.textContent = attributionText;
    return { units, kind };
  }

  async function draw() {
    const layout = await fetchJSON("geo/thai-nguyen-city-wards.json");
    const inCity = new Set(layout.tiles.map((x) => x.code));
    if (rows.length && rows.every((r) => inCity.has(r.code)) || !provinces) {
      const boundaries = await fetchJSON("geo/boundaries.json").catch(() => null);
      if (boundaries && boundaries.features?.length) {
        drawn = await drawShapes(boundaries.features, rows, "ward", t("mapBoundaryAttribution", { source: boundaries.attribution }));
      } else {
        drawn = await drawTiles(rows);
      }
    } else {
      const [geo, provinceRows] = await Promise.all([fetchJSON("geo/provinces-2020.json"), provinces()]);
      drawn = await drawShapes(geo.features, provinceRows, "province", t("mapProvinceAttribution"));
    }
    chart.dataset.mapKind = drawn.kind;
    if (drawn.kind !== "ward") {
      // Reference population is per ward: the provinces are coloured by the other measures.
      for (const o of [...select.options]) if (PER_CAPITA.includes(o.value)) o.remove();
      if (PER_CAPITA.includes(measure)) measure = select.value = "amountPaid";
      yearSelect?.closest("label").remove();
    }
    paint();
  }

  // The map never holds up or breaks the page: if its files or figures cannot be had, it says so.
  const drawSafely = () => draw().catch((err) => {
    chartHolder.replaceChildren(h("p", { class: "note", role: "status" }, t("mapUnavailable"), " ", err.message || ""));
    chart.dataset.mapKind = "none";
  });
  return { section, draw: drawSafely };
}
