// The map's figures: the per-ward rows the overview already has, and, at national scope, the
// per-province rows asked only when the map needs them.

import { query } from "./api.js";
import { nameOf } from "./i18n.js";
import { filterOf } from "./state.js";
import { learnProvinces } from "./wards.js";

/** The overview's per-ward rows as the map draws them. */
export function mapWardRows(rows) {
  // Per inhabitant: the API's division of the row by the ward's population of the year asked (null
  // without figures, and for a withheld cell), with the figures divided by (year, source).
  return rows.filter((r) => r.ward).map((r) => ({
    code: r.ward.code, name: nameOf(r.ward), suppressed: !!r.totals.suppressed, ...r.totals,
    amountPaidPerCapita: r.amountPaidPerCapita ?? null, peopleSupportedPer1000: r.peopleSupportedPer1000 ?? null,
    figures: r.wardFigures ?? null,
  }));
}

/** The figures per province under the page's filter (public ones for visitors). */
export async function mapProvinces(ctx) {
  const name = ctx.visitor ? "PublicMapProvinces" : "MapProvinces";
  const data = await query(name, { filter: filterOf(ctx.state, ctx.program) });
  learnProvinces(data.byProvince.rows.map((r) => r.province));
  return data.byProvince.rows.filter((r) => r.province).map((r) => ({
    code: r.province.code, name: nameOf(r.province), suppressed: !!r.totals.suppressed, ...r.totals,
  }));
}
