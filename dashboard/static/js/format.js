// Numbers, money, dates and percentages written the way readers of each language expect:
// Vietnamese groups thousands with "." and writes decimals with ","; dates are dd/mm/yyyy in both.

const NBSP = "\u00a0";

const compactUnits = {
  vi: [[1e12, "nghìn tỷ đồng"], [1e9, "tỷ đồng"], [1e6, "triệu đồng"], [1e3, "nghìn đồng"]],
  en: [[1e12, "trillion VND"], [1e9, "billion VND"], [1e6, "million VND"], [1e3, "thousand VND"]],
};

function separators(lang) {
  return lang === "en" ? { group: ",", decimal: "." } : { group: ".", decimal: "," };
}

function groupDigits(digits, sep) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** formatNumber(12888, "vi") is "12.888"; (12888, "en") is "12,888". Rounds to a whole number. */
export function formatNumber(n, lang) {
  if (n == null || Number.isNaN(n)) return "—";
  const rounded = Math.round(n);
  const sign = rounded < 0 ? "-" : "";
  return sign + groupDigits(String(Math.abs(rounded)), separators(lang).group);
}

/** A decimal with at most `digits` places, trailing zeros dropped: 16,9 / 17 / 0,5. */
export function formatDecimal(x, lang, digits = 1, keepZeros = false) {
  if (x == null || Number.isNaN(x)) return "—";
  const { group, decimal } = separators(lang);
  const fixed = Math.abs(x).toFixed(digits);
  let [whole, frac = ""] = fixed.split(".");
  if (!keepZeros) frac = frac.replace(/0+$/, "");
  const sign = x < 0 && Number(fixed) !== 0 ? "-" : "";
  return sign + groupDigits(whole, group) + (frac ? decimal + frac : "");
}

/** Full amount: formatVND(16912500000, "vi") is "16.912.500.000 ₫"; in English "16,912,500,000 VND". */
export function formatVND(amount, lang) {
  if (amount == null) return "—";
  return formatNumber(amount, lang) + NBSP + (lang === "en" ? "VND" : "₫");
}

/** Compact amount: formatVNDCompact(16912500000, "vi") is "16,9 tỷ đồng"; in English "16.9 billion VND". */
export function formatVNDCompact(amount, lang) {
  if (amount == null) return "—";
  const units = compactUnits[lang === "en" ? "en" : "vi"];
  const abs = Math.abs(amount);
  for (let i = 0; i < units.length; i++) {
    const [size, name] = units[i];
    if (abs < size) continue;
    let value = amount / size;
    // 999.96 million rounds to 1000.0 million: say 1 billion instead.
    if (i > 0 && Math.abs(Number(value.toFixed(1))) >= 1000) {
      value = amount / units[i - 1][0];
      return formatDecimal(value, lang) + NBSP + units[i - 1][1];
    }
    return formatDecimal(value, lang) + NBSP + name;
  }
  return formatNumber(amount, lang) + NBSP + (lang === "en" ? "VND" : "đồng");
}

/** Short amount for chart axes: "2 tỷ", "500 tr" / "2 bn", "500 m". */
export function formatVNDAxis(amount, lang) {
  const abs = Math.abs(amount);
  const short = lang === "en"
    ? [[1e12, "tn"], [1e9, "bn"], [1e6, "m"], [1e3, "k"]]
    : [[1e12, "nghìn tỷ"], [1e9, "tỷ"], [1e6, "tr"], [1e3, "nghìn"]];
  for (const [size, name] of short) {
    if (abs >= size) return formatDecimal(amount / size, lang) + NBSP + name;
  }
  return formatNumber(amount, lang);
}

/**
 * A ratio as a percentage with a fixed number of decimals, so shares side by side line up:
 * formatPercent(0.8242, "vi") is "82,4%", formatPercent(0.04, "vi") "4,0%" (not "4%" beside "4,5%").
 */
export function formatPercent(ratio, lang, digits = 1) {
  if (ratio == null || !Number.isFinite(ratio)) return "—";
  return formatDecimal(ratio * 100, lang, digits, true) + "%";
}

/** formatDate("2020-05-04") is "04/05/2020". */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "—";
}

/** A short day for chart axes: "04/05". */
export function formatDayMonth(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}` : "—";
}

/** parseDate("4/5/2020") is "2020-05-04"; a date that does not exist is null. */
export function parseDate(text) {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${m[3]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A moment in Vietnam's time: "27/11/2026 08:08". */
export function formatDateTime(value) {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return "—";
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(d)) parts[p.type] = p.value;
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** Today's date in Vietnam, "2026-11-27": what the API takes as a step's default date. */
export function todayISO(now = new Date()) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(now)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** A size in bytes for people: "1,2 MB", "850 KB", "312 B". */
export function formatBytes(bytes, lang) {
  if (bytes == null) return "—";
  if (bytes >= 1 << 20) return formatDecimal(bytes / (1 << 20), lang) + NBSP + "MB";
  if (bytes >= 1 << 10) return formatDecimal(bytes / (1 << 10), lang, 0) + NBSP + "KB";
  return formatNumber(bytes, lang) + NBSP + "B";
}

/** A ward's name as Vietnamese signs shorten it: "P. Quán Triều", "X. Phúc Hà", "TT. …". */
export function shortUnitName(name) {
  return name.replace(/^Phường /, "P. ").replace(/^Xã /, "X. ").replace(/^Thị trấn /, "TT. ");
}
