// The wards the page knows by code: those in any answer so far, and every ward with payment lines
// once WardOptions has loaded (after the first charts, to keep it off the first load's path).

const known = new Map();
let complete = false;

/** Remembers wards ({code, name, nameEn}) from an answer. */
export function learnWards(wards, { all = false } = {}) {
  for (const w of wards) if (w?.code) known.set(w.code, w);
  if (all) complete = true;
}

/** The known wards, by code. */
export function knownWards() {
  return [...known.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The ward of the code, if known. */
export function wardByCode(code) {
  return known.get(code) || null;
}

const provinces = new Map();

/** Remembers provinces ({code, name, nameEn}) from an answer (the map's, at national scope). */
export function learnProvinces(list) {
  for (const p of list) if (p?.code) provinces.set(p.code, p);
}

/** The name of the province of the code in the language, or the code when it is not known yet. */
export function provinceName(code, language) {
  const p = provinces.get(code);
  if (!p) return code;
  return (language === "en" ? p.nameEn : p.name) || p.name || code;
}

/** Whether every ward with payment lines is known. */
export function wardsComplete() {
  return complete;
}
