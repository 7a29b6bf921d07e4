// The map embed: the city's wards as a tile map coloured by the chart's measure (the dashboard's
// scale, js/mapscale.js), or the city's own boundaries when an admin has loaded them. Public
// figures only; a withheld ward is grey and reads "<5". A ward opens the dashboard's ward page.

import { WITHHELD_FILL, fillOf, svg, textOn, tileName } from "../js/mapscale.js";

async function json(url) {
  const res = await fetch(url, { credentials: "omit" });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** Projects [lon, lat] rings into a path within size × size, north up. */
function projector(features, size) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const rings = (g) => (g.type === "Polygon" ? [g.coordinates] : g.coordinates).flat();
  for (const f of features) for (const ring of rings(f.geometry)) for (const [x, y] of ring) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const kx = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
  const scale = Math.min(size / ((maxX - minX) * kx || 1), size / ((maxY - minY) || 1));
  return {
    width: (maxX - minX) * kx * scale, height: (maxY - minY) * scale,
    path: (g) => rings(g).map((ring) => ring.map(([x, y], i) => `${i ? "L" : "M"}${((x - minX) * kx * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`).join("") + "Z").join(""),
  };
}

/**
 * drawMap draws data (the /embed/data/map answer) into box: tiles, or boundaries when loaded.
 * label(value) is the figure as the reader sees it; wardHref(code) the dashboard's ward page.
 */
export async function drawMap(box, data, { label, short, wardHref, attribution }) {
  const [layout, boundaries] = await Promise.all([
    json("assets/geo/thai-nguyen-city-wards.json"),
    json("../geo/boundaries.json").catch(() => null),
  ]);
  const byCode = new Map(data.points.map((p) => [p.code, p]));
  const max = Math.max(0, ...data.points.map((p) => p.value ?? 0));
  const fillFor = (p) => (!p ? fillOf(0, max) : p.suppressed && p.value == null ? WITHHELD_FILL : fillOf(p.value ?? 0, max));
  const link = (p, ...shapes) => (p
    ? svg("a", { href: wardHref(p.code), target: "_blank", rel: "noopener", class: "map-link" }, svg("title", {}, `${p.label}: ${label(p.value)}`), shapes)
    : svg("g", {}, shapes));
  let root;
  if (boundaries && boundaries.features?.length) {
    const proj = projector(boundaries.features, 600);
    root = svg("svg", { viewBox: `0 0 ${proj.width.toFixed(0)} ${proj.height.toFixed(0)}`, class: "map-svg", role: "presentation" });
    for (const f of boundaries.features) {
      const p = byCode.get(f.properties.code);
      root.append(link(p, svg("path", { d: proj.path(f.geometry), fill: fillFor(p), stroke: "#ffffff", "stroke-width": 0.6, class: "map-unit", "data-code": f.properties.code, "data-value": p?.value ?? "" })));
    }
    attribution(boundaries.attribution);
  } else {
    const cell = 60;
    root = svg("svg", { viewBox: `0 0 ${layout.cols * cell} ${layout.rows * cell}`, class: "map-svg", role: "presentation" });
    for (const tile of layout.tiles) {
      const p = byCode.get(tile.code);
      const fill = fillFor(p);
      const x = tile.col * cell, y = tile.row * cell;
      root.append(link(p,
        svg("rect", { x: x + 1.5, y: y + 1.5, width: cell - 3, height: cell - 3, rx: 3, fill, stroke: "#ffffff", class: "map-unit", "data-code": tile.code, "data-value": p?.value ?? "" }),
        svg("text", { x: x + cell / 2, y: y + cell / 2 - 4, "text-anchor": "middle", class: "map-tile-name", fill: textOn(fill) }, tileName(p?.label || tile.name)),
        p ? svg("text", { x: x + cell / 2, y: y + cell / 2 + 12, "text-anchor": "middle", class: "map-tile-value", fill: textOn(fill) }, short(p.value)) : null));
    }
    attribution(null);
  }
  box.replaceChildren(root);
  return max;
}
