// The whole view state lives in the URL's query string, so that a copied link reproduces the view
// and back and forward work. parseState and toSearch are inverses on valid states.

export const STATUSES = ["LISTED", "POSTED", "APPRAISED", "APPROVED", "PAID", "RETURNED", "CANCELLED"];
export const BUCKETS = ["DAY", "WEEK", "MONTH"];
/** What the map colours wards by; the last two divide by the wards' reference population. */
export const MAP_MEASURES = ["amountPaid", "peopleSupported", "beneficiaries", "amountPaidPerCapita", "peopleSupportedPer1000"];
export const WARD_SORT_KEYS = ["name", "amountPaid", "peopleSupported", "beneficiaries", "disbursements", "amountListed", "amountApproved"];

/** Pages with their own forms (no filter bar), for the roles that may open them. */
export const WORK_PAGES = ["queue", "import", "lists", "audit", "supervision", "official", "feedback"];
const PAGES = ["ward", "signin", "recipient", ...WORK_PAGES];
/** The ward page's line orders ("field:dir"), as the disbursements query sorts them. */
export const LINE_SORTS = ["name:asc", "name:desc", "amount:desc", "amount:asc", "listed:desc", "listed:asc", "paid:desc", "paid:asc"];
/** The import statuses of a report the server did not keep, which the URL remembers. */
export const UNKEPT_STATUSES = ["HAS_ERRORS", "REFUSED", "ALREADY_IMPORTED"];

const code = /^[A-Za-z0-9_.-]{1,64}$/;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const id = /^[0-9]{1,18}$/;
const lists = ["groups", "funds", "provinces", "wards", "statuses"];

function list(params, key) {
  const values = params.getAll(key).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => code.test(v));
  const unique = [...new Set(values)];
  return key === "statuses" ? unique.filter((s) => STATUSES.includes(s)) : unique;
}

/** The view state of a query string such as "?groups=HO_NGHEO&from=2020-05-04&ward=05431". */
export function parseState(search) {
  const p = new URLSearchParams(search);
  const one = (key, ok) => {
    const v = (p.get(key) || "").trim();
    return v && ok(v) ? v : "";
  };
  const [sortKey, sortDir] = (p.get("sort") || "").split(":");
  const state = {
    page: PAGES.includes(p.get("page")) ? p.get("page") : "overview",
    ward: one("ward", (v) => code.test(v)),
    program: one("program", (v) => code.test(v)),
    from: one("from", (v) => isoDate.test(v)),
    to: one("to", (v) => isoDate.test(v)),
    bucket: BUCKETS.includes(p.get("bucket")) ? p.get("bucket") : "DAY",
    sort: WARD_SORT_KEYS.includes(sortKey) ? sortKey : "amountPaid",
    dir: sortDir === "asc" ? "asc" : "desc",
    next: one("next", (v) => v.startsWith("?")),
    // The import page: one group, fund and listing date; the kept upload, or what became of a
    // file the server did not keep.
    group: one("group", (v) => code.test(v)),
    fund: one("fund", (v) => code.test(v)),
    listed: one("listed", (v) => isoDate.test(v)),
    upload: one("upload", (v) => id.test(v)),
    checked: UNKEPT_STATUSES.includes(p.get("checked")) ? p.get("checked") : "",
    file: one("file", (v) => v.length <= 200),
    // The audit page: one actor and one action.
    actor: one("actor", (v) => v.trim() !== "" && v.length <= 64),
    action: one("action", (v) => code.test(v)),
    // The lists page opened to one list's lines (batch); the ward page's lines: what was typed in
    // the search box, one status, group and imported list (batch), and the order; the recipient
    // page: the recipient's ID.
    q: one("q", (v) => v.length <= 100),
    lstatus: STATUSES.includes(p.get("lstatus")) ? p.get("lstatus") : "",
    lgroup: one("lgroup", (v) => code.test(v)),
    batch: one("batch", (v) => id.test(v)),
    lsort: LINE_SORTS.includes(p.get("lsort")) ? p.get("lsort") : "",
    id: one("id", (v) => id.test(v)),
    // The working group's page: the spot check shown.
    check: one("check", (v) => id.test(v)),
    // The overview's source of figures: "" the default (the newest official snapshot for visitors,
    // the live figures for signed-in roles), "live", or a snapshot's ID; the official page's diff
    // compares by ward or by group.
    official: one("official", (v) => v === "live" || id.test(v)),
    by: p.get("by") === "GROUP" ? "GROUP" : "WARD",
    // The map: the measure it colours by, and the year of the population it divides by ("" the
    // latest year loaded).
    mapm: MAP_MEASURES.includes(p.get("mapm")) ? p.get("mapm") : "amountPaid",
    fyear: one("fyear", (v) => /^\d{4}$/.test(v)),
  };
  for (const key of lists) state[key] = list(p, key);
  if (state.ward && state.page === "overview") state.page = "ward";
  if (state.page === "ward" && !state.ward) state.page = "overview";
  if (state.page === "recipient" && !state.id) state.page = "overview";
  return state;
}

/** The canonical query string of a state (defaults left out), "" for the plain overview. */
export function toSearch(state) {
  const p = new URLSearchParams();
  if (state.page === "signin") {
    // The sign-in page holds only where to go back to.
    p.set("page", "signin");
    if (state.next && state.next !== "?") p.set("next", state.next);
    return `?${p.toString()}`;
  }
  if (WORK_PAGES.includes(state.page)) return workSearch(state);
  if (state.page === "recipient") return `?page=recipient&id=${state.id}`;
  if (state.page === "ward" && state.ward) p.set("ward", state.ward);
  if (state.program) p.set("program", state.program);
  for (const key of lists) if (state[key]?.length) p.set(key, state[key].join(","));
  if (state.from) p.set("from", state.from);
  if (state.to) p.set("to", state.to);
  if (state.bucket && state.bucket !== "DAY") p.set("bucket", state.bucket);
  if (state.sort && (state.sort !== "amountPaid" || state.dir !== "desc")) p.set("sort", `${state.sort}:${state.dir}`);
  if (state.page === "ward") {
    for (const key of ["q", "lstatus", "lgroup", "batch", "lsort"]) if (state[key]) p.set(key, state[key]);
  }
  if (state.official) p.set("official", state.official);
  if (state.page !== "ward") {
    if (state.mapm && state.mapm !== "amountPaid") p.set("mapm", state.mapm);
    if (state.fyear) p.set("fyear", state.fyear);
  }
  const s = p.toString().replaceAll("%2C", ",");
  return s ? `?${s}` : "";
}

/** The query string of the import, lists and audit pages: only the fields each page reads. */
function workSearch(state) {
  const p = new URLSearchParams();
  p.set("page", state.page);
  const set = (key, value) => {
    if (value && (!Array.isArray(value) || value.length)) p.set(key, Array.isArray(value) ? value.join(",") : value);
  };
  switch (state.page) {
    case "import":
      if (state.upload) {
        set("upload", state.upload); // the kept upload knows its programme, group and ward
        break;
      }
      set("program", state.program);
      set("group", state.group);
      set("ward", state.ward);
      set("fund", state.fund);
      set("listed", state.listed);
      set("checked", state.checked);
      if (state.checked) set("file", state.file);
      break;
    case "lists":
      set("wards", state.wards);
      set("groups", state.groups);
      if (state.batch) {
        set("batch", state.batch); // one list's lines, by status; the filters are kept for the way back
        set("statuses", state.statuses);
      }
      break;
    case "supervision":
      set("wards", state.wards);
      set("check", state.check);
      break;
    case "queue":
      break; // the queue is the caller's, whole
    case "official":
      set("id", state.id);
      if (state.id && state.by === "GROUP") set("by", "GROUP");
      break;
    case "audit":
      set("wards", state.wards);
      set("actor", state.actor);
      set("action", state.action);
      set("from", state.from);
      set("to", state.to);
      break;
  }
  return `?${p.toString().replaceAll("%2C", ",")}`;
}

/** A copy of the state with some fields changed. */
export function withState(state, change) {
  return { ...state, ...change };
}

/** The GraphQL DisbursementFilter of a state; the ward page narrows it to its ward. */
export function filterOf(state, program) {
  const filter = {};
  if (program) filter.programs = [program];
  if (state.groups.length) filter.groups = state.groups;
  if (state.funds.length) filter.funds = state.funds;
  if (state.provinces?.length) filter.provinces = state.provinces;
  const wards = state.page === "ward" && state.ward ? [state.ward] : state.wards;
  if (wards.length) filter.wards = wards;
  if (state.statuses.length) filter.statuses = state.statuses;
  if (state.from) filter.paidFrom = state.from;
  if (state.to) filter.paidTo = state.to;
  return filter;
}
