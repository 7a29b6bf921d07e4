// The map's colour scale and tile labels, shared by the dashboard's map panel (map.js) and the
// embed (embed/map.js): one scale, light to dark blue, darker for more; withheld cells are grey.

import { shortUnitName } from "./format.js";

/** The colour of a withheld cell: never coloured by a value the reader may not see. */
export const WITHHELD_FILL = "#d9d9d9";
/** A ward without reference figures of the year, per inhabitant: hatched, never drawn as zero. */
const NO_FIGURES_ID = "map-no-figures";
export const NO_FIGURES_FILL = `url(#${NO_FIGURES_ID})`;
const LIGHT = [222, 235, 247];
const DARK = [8, 48, 107];

/** The fill of a value on the scale 0..max (square-root, so that small wards still differ). */
export function fillOf(value, max) {
  if (value == null) return WITHHELD_FILL;
  const k = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  const c = LIGHT.map((l, i) => Math.round(l + (DARK[i] - l) * Math.sqrt(k)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Dark or light text, whichever reads on the fill. */
export function textOn(fill) {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(fill);
  if (!m) return "#1a1a1a";
  const lum = 0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3];
  return lum < 140 ? "#ffffff" : "#1a1a1a";
}

/** A ward's name short enough for a tile: "Phường Hoàng Văn Thụ" is "H.V. Thụ". */
export function tileName(name) {
  const bare = shortUnitName(name).replace(/^(P\.|X\.|TT\.) /, "");
  const words = bare.split(" ");
  if (bare.length <= 9 || words.length < 2) return bare;
  return words.slice(0, -1).map((w) => w[0] + ".").join("") + " " + words.at(-1);
}

const SVG = "http://www.w3.org/2000/svg";

/** svg("rect", {x: 1}, child) builds an SVG element (attributes only, no inline styles). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === "on") for (const [e, fn] of Object.entries(v)) el.addEventListener(e, fn);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** The hatching of wards without figures, to put once in the map's SVG (NO_FIGURES_FILL refers to it). */
export function noFiguresPattern() {
  return svg("defs", {}, svg("pattern", { id: NO_FIGURES_ID, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
    svg("rect", { width: 6, height: 6, fill: "#f4f4f4" }),
    svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#b4b9c1", "stroke-width": 1.5 })));
}

/** The legend's swatch of the hatching, drawn on its own (it does not depend on the map's SVG). */
export function noFiguresSwatch() {
  return svg("svg", { width: 14, height: 14, "aria-hidden": "true", class: "map-swatch" },
    svg("rect", { width: 14, height: 14, fill: "#f4f4f4", stroke: "#8a8f98" }),
    svg("path", { d: "M0,7L7,0M0,14L14,0M7,14L14,7", stroke: "#b4b9c1", "stroke-width": 1.5 }));
}
