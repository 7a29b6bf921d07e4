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

/** Whether every ward with payment lines is known. */
export function wardsComplete() {
  return complete;
}
