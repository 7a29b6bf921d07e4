// What the public figures can answer. Visitors read only the release tables (unit × group,
// unit × fund, unit × month and group × week over the whole area), one value per filter, grouped by
// one dimension at a time; the API refuses anything else. This mirrors that rule so that the page
// asks only for the panels the tables hold and says why the others are empty.

/** The dimensions a state's filter fixes: U unit, G group, F fund, M month, W week. */
function filterDims(state) {
  const dims = new Set();
  if (state.page === "ward" || state.wards.length || state.provinces?.length) dims.add("U");
  if (state.groups.length) dims.add("G");
  if (state.funds.length) dims.add("F");
  const period = wholePeriod(state.from, state.to);
  if (period) dims.add(period);
  return dims;
}

/** "M" when from..to is a whole month, "W" when a whole ISO week (Monday to Sunday), else null. */
export function wholePeriod(from, to) {
  if (!from || !to) return null;
  const a = new Date(`${from}T00:00:00Z`);
  const b = new Date(`${to}T00:00:00Z`);
  const lastOfMonth = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + 1, 0));
  if (a.getUTCDate() === 1 && b.getTime() === lastOfMonth.getTime()) return "M";
  if (a.getUTCDay() === 1 && (b - a) / 86400000 === 6) return "W";
  return null;
}

/** Whether one release table holds cells with these dimensions. */
export function answerable(dims) {
  const d = [...dims];
  if (d.length <= 1) return true;
  if (d.length > 2) return false;
  if (dims.has("U")) return !dims.has("W");
  return dims.has("G") && dims.has("W");
}

/**
 * The public overview's variables for a state: the time bucket (weeks or months: no days for
 * visitors) and which panels to ask for.
 */
export function publicVariables(state) {
  const dims = filterDims(state);
  const bucket = publicBucket(state, dims);
  const withDim = (x) => answerable(new Set([...dims, x]));
  return {
    bucket,
    withWards: withDim("U"),
    withGroups: withDim("G"),
    withFunds: withDim("F"),
    withTime: withDim(bucket === "MONTH" ? "M" : "W"),
  };
}

/** The bucket a visitor sees: the state's when the tables hold it (week, month), else the other. */
export function publicBucket(state, dims = filterDims(state)) {
  const wanted = state.bucket === "MONTH" ? "MONTH" : "WEEK";
  const other = wanted === "MONTH" ? "WEEK" : "MONTH";
  const fits = (b) => answerable(new Set([...dims, b === "MONTH" ? "M" : "W"]));
  return fits(wanted) || !fits(other) ? wanted : other;
}

/** Whether the filter itself is one the public figures answer (else the API says why). */
export function filterAnswerable(state) {
  return !state.statuses.length && state.groups.length <= 1 && state.funds.length <= 1 && state.wards.length + (state.provinces?.length || 0) <= 1 &&
    (!state.from && !state.to || wholePeriod(state.from, state.to) !== null) && answerable(filterDims(state));
}
