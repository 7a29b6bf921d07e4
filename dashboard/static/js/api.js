// The GraphQL client. Every operation comes from its queries/NAME.graphql file (served, with its
// SHA-256, as operations.json); it is sent as full text or, for persisted queries, by hash only.

import { csrfToken } from "./auth.js";

/** Why a request failed: "network" (no answer), "denied" (401/403), "server" or "graphql". */
export class ApiError extends Error {
  constructor(kind, message, status = 0, code = "") {
    super(message);
    this.kind = kind;
    this.status = status;
    this.code = code;
  }
}

// Send operations by hash first (APQ), falling back to the text when the server does not know the
// hash. Off until the server accepts persisted queries; the hashes are served already.
const sendByHash = false;

let operationsPromise = null;

function operations() {
  operationsPromise ??= fetch("operations.json", { credentials: "same-origin" })
    .then((res) => {
      if (!res.ok) throw new ApiError("server", `operations.json: HTTP ${res.status}`, res.status);
      return res.json();
    })
    .catch((err) => {
      operationsPromise = null; // try again next time
      throw err instanceof ApiError ? err : new ApiError("network", err.message);
    });
  return operationsPromise;
}

/** Whether the dashboard has the operation (the lists wait for API that may not exist yet). */
export async function hasOperation(name) {
  return name in (await operations());
}

async function post(body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const token = csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  let res;
  try {
    res = await fetch("graphql", { method: "POST", credentials: "same-origin", headers, body: JSON.stringify(body) });
  } catch (err) {
    throw new ApiError("network", err.message);
  }
  if (res.status === 401 || res.status === 403) {
    throw new ApiError("denied", await errorMessage(res), res.status);
  }
  let json;
  try {
    json = await res.json();
  } catch {
    throw new ApiError(res.ok ? "server" : "server", `HTTP ${res.status}`, res.status);
  }
  return { res, json };
}

async function errorMessage(res) {
  try {
    const json = await res.json();
    return json.error || json.errors?.[0]?.message || `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/**
 * Sends the named operation with one file as a GraphQL multipart request (operations, map, and the
 * file as field "0"), the file going to the variable at path (e.g. "input.file"). Returns its data
 * or throws an ApiError; a request over the server's size limit is kind "tooLarge" (HTTP 413), with
 * the server's own words.
 */
export async function upload(name, variables, path, file) {
  const op = (await operations())[name];
  if (!op) throw new ApiError("server", `unknown operation ${name}`);
  const form = new FormData();
  form.append("operations", JSON.stringify({ operationName: name, query: op.query, variables: withNull(variables, path) }));
  form.append("map", JSON.stringify({ 0: [`variables.${path}`] }));
  form.append("0", file, file.name);
  const headers = { Accept: "application/json" };
  const token = csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  let res;
  try {
    // No Content-Type: the browser writes multipart/form-data with its boundary.
    res = await fetch("graphql", { method: "POST", credentials: "same-origin", headers, body: form });
  } catch (err) {
    throw new ApiError("network", err.message);
  }
  if (res.status === 413) throw new ApiError("tooLarge", await errorMessage(res), 413, "TOO_LARGE");
  if (res.status === 401 || res.status === 403) throw new ApiError("denied", await errorMessage(res), res.status);
  let json;
  try {
    json = await res.json();
  } catch {
    throw new ApiError("server", `HTTP ${res.status}`, res.status);
  }
  return answerOf(res, json);
}

/** A copy of variables with null at the dotted path, where the multipart map puts the file. */
function withNull(variables, path) {
  const copy = structuredClone(variables);
  const keys = path.split(".");
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] ??= {};
  at[keys.at(-1)] = null;
  return copy;
}

function answerOf(res, json) {
  if (json.errors?.length) {
    const first = json.errors[0];
    const code = first.extensions?.code || "";
    const kind = code === "FORBIDDEN" || code === "UNAUTHENTICATED" || code === "PERMISSION_DENIED" ? "denied" : "graphql";
    throw new ApiError(kind, first.message, res.status, code);
  }
  if (!res.ok || !json.data) throw new ApiError("server", `HTTP ${res.status}`, res.status);
  return json.data;
}

/** Runs the named operation with the variables and returns its data, or throws an ApiError. */
export async function query(name, variables = {}) {
  const op = (await operations())[name];
  if (!op) throw new ApiError("server", `unknown operation ${name}`);
  const persisted = { persistedQuery: { version: 1, sha256Hash: op.sha256 } };
  let answer;
  if (sendByHash) {
    answer = await post({ operationName: name, variables, extensions: persisted });
    const code = answer.json.errors?.[0]?.extensions?.code || answer.json.errors?.[0]?.message;
    if (code === "PERSISTED_QUERY_NOT_FOUND" || code === "PersistedQueryNotFound") {
      answer = await post({ operationName: name, query: op.query, variables, extensions: persisted });
    }
  } else {
    answer = await post({ operationName: name, query: op.query, variables });
  }
  return answerOf(answer.res, answer.json);
}
