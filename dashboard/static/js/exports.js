// Links to the API's export of a table as CSV or XLSX: the same arguments as the stats query.

import { filterOf } from "./state.js";
import { lang } from "./i18n.js";

/** The URL of /export/stats.<format> for the state's filter grouped by the dimensions. */
export function exportURL(format, state, program, groupBy, order = null) {
  const p = new URLSearchParams();
  p.set("groupBy", groupBy.join(","));
  if (order) {
    p.set("orderBy", order.field);
    p.set("direction", order.direction);
  }
  const filter = filterOf(state, program);
  for (const [key, value] of Object.entries(filter)) {
    p.set(key, Array.isArray(value) ? value.join(",") : value);
  }
  p.set("lang", lang());
  return `export/stats.${format}?${p.toString().replaceAll("%2C", ",")}`;
}
