// Who is signed in: the session cookie is HttpOnly, so the page asks /auth/me; state-changing
// requests carry the readable hotro_csrf cookie back as X-CSRF-Token.

/** The CSRF token of the session, or "" when not signed in. */
export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "hotro_csrf") return decodeURIComponent(value.join("="));
  }
  return "";
}

/** The signed-in user {username, displayName, role, wards} or null for a public visitor. */
export async function currentUser() {
  // The CSRF cookie comes and goes with the session: without it nobody is signed in, and asking
  // would only put a 401 in a visitor's console.
  if (!csrfToken()) return null;
  try {
    const res = await fetch("auth/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!res.ok) return null;
    const me = await res.json();
    return me && me.role ? me : null;
  } catch {
    return null;
  }
}

/**
 * Signs in. Returns {ok: true}, or {ok: false, reason, message} with reason "wrong" (401),
 * "tooMany" (429), "unavailable" (no sign-in on this server) or "network".
 */
export async function signIn(username, password) {
  let res;
  try {
    res = await fetch("auth/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch (err) {
    return { ok: false, reason: "network", message: err.message };
  }
  if (res.ok) return { ok: true };
  let message = "";
  try {
    message = (await res.json()).error || "";
  } catch {
    // not JSON: the message stays ours
  }
  if (res.status === 401) return { ok: false, reason: "wrong", message };
  if (res.status === 429) return { ok: false, reason: "tooMany", message };
  if (res.status === 404 || res.status === 405) return { ok: false, reason: "unavailable", message: "" };
  return { ok: false, reason: "server", message: message || `HTTP ${res.status}` };
}

/** Ends the session. */
export async function signOut() {
  try {
    await fetch("auth/logout", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken() },
    });
  } catch {
    // The cookie is the server's to end; the page forgets the user either way.
  }
}

/** Whether the user may see the payment lists of the ward. */
export function maySeeLists(user, wardCode) {
  if (!user) return false;
  if (["admin", "leader", "analyst", "supervisor"].includes(user.role)) return true;
  return user.role === "ward_officer" && (user.wards || []).includes(wardCode);
}

/** Whether the user takes steps on the ward's lines (which steps, the workflow rules say). */
export function mayTakeSteps(user, wardCode) {
  if (!user) return false;
  if (user.role === "ward_officer") return (user.wards || []).includes(wardCode);
  return user.role === "leader" || user.role === "admin";
}
