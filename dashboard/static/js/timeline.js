// A timeline of periods (days, ISO weeks from their Monday, months from their first day): the
// periods the API answered, with every period between them that paid nothing, so that a chart's
// axis shows gaps as gaps. Shared by the dashboard's time chart and the embedded one.

const day = 86400000;

function utc(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
}

function iso(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start of the period after the one starting on start ("2020-05-04"), as "YYYY-MM-DD". */
export function nextPeriod(start, bucket) {
  const t = utc(start);
  if (bucket === "MONTH") {
    const d = new Date(t);
    return iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
  return iso(t + (bucket === "WEEK" ? 7 : 1) * day);
}

/**
 * Every period from the first item's to the last's, in time order: [{start, item}] where item is
 * the one starting then (null for a period with nothing paid). items need a start ("YYYY-MM-DD");
 * their order does not matter. Items without a start are left out.
 */
export function fillPeriods(items, bucket, startOf = (x) => x.start) {
  const byStart = new Map();
  for (const x of items) {
    const s = startOf(x);
    if (s && !Number.isNaN(utc(s))) byStart.set(s.slice(0, 10), x);
  }
  const starts = [...byStart.keys()].sort();
  if (!starts.length) return [];
  const out = [];
  const last = starts[starts.length - 1];
  // Guard against a malformed start that would never reach the last one.
  for (let s = starts[0], n = 0; s <= last && n < 5000; s = nextPeriod(s, bucket), n++) {
    out.push({ start: s, item: byStart.get(s) ?? null });
  }
  // A start the stepping does not land on (not a Monday for weeks, not the 1st for months) keeps its place.
  const seen = new Set(out.map((p) => p.start));
  for (const s of starts) if (!seen.has(s)) out.push({ start: s, item: byStart.get(s) });
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** Whether the periods span more than one calendar year (then an axis label needs the year). */
export function spansYears(periods) {
  if (!periods.length) return false;
  return periods[0].start.slice(0, 4) !== periods[periods.length - 1].start.slice(0, 4);
}

/** An axis label: "04/05", or "04/05/20" when the timeline spans years. */
export function axisDay(start, withYear) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(start || "");
  if (!m) return "—";
  return withYear ? `${m[3]}/${m[2]}/${m[1].slice(2)}` : `${m[3]}/${m[2]}`;
}

/** The period starting on start as the API would name it: {start, end, label} ("2020-W20" for weeks). */
export function periodOf(start, bucket) {
  const end = iso(utc(nextPeriod(start, bucket)) - day);
  if (bucket !== "WEEK") return { start, end, label: bucket === "MONTH" ? start.slice(0, 7) : start };
  // The ISO week's year is the year of its Thursday.
  const thursday = new Date(utc(start) + ((4 - (new Date(utc(start)).getUTCDay() || 7)) * day));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / day / 7);
  return { start, end, label: `${year}-W${String(week).padStart(2, "0")}` };
}
