// What the work pages' forms offer: the signed-in user's own record (a ward officer's wards, with
// their names) and, for the other roles, every ward with payment lines.

import { query } from "./api.js";
import { knownWards, learnWards, wardsComplete } from "./wards.js";

let mePromise = null;

/** The signed-in user as the API knows them ({username, displayName, role, wards}), asked once. */
export function me() {
  mePromise ??= query("Me").then(
    (data) => data.me,
    (err) => {
      mePromise = null;
      throw err;
    },
  );
  return mePromise;
}

/** Forgets the user: after signing in or out. */
export function forgetMe() {
  mePromise = null;
}

/** The wards the user may choose: a ward officer's own; for other roles every ward with lines. */
export async function wardChoices(user) {
  if (user?.role === "ward_officer") {
    const m = await me();
    learnWards(m?.wards || []);
    return m?.wards || [];
  }
  if (!wardsComplete()) await loadAllWards(Boolean(user));
  return knownWards();
}

/**
 * Learns every ward with payment lines: signed-in roles from stats (a leader need not wait on the
 * public figures' release being built), visitors from the public figures.
 */
export async function loadAllWards(signedIn) {
  const data = await query(signedIn ? "SignedInWardOptions" : "WardOptions");
  learnWards((data.stats ?? data.publicStats).rows.map((r) => r.ward), { all: true });
}

/**
 * The wards a page's ward filter offers: the user's choices (none if they cannot be had: the page
 * still loads) and the ward in the URL, so that a shared link shows what it filters by.
 */
export async function wardFilterChoices(user, ward) {
  let wards = [];
  try {
    wards = await wardChoices(user);
  } catch {
    // the filter then offers the ward in the URL only
  }
  if (ward && !wards.some((w) => w.code === ward)) wards = [...wards, { code: ward, name: ward, nameEn: ward }];
  return wards;
}
