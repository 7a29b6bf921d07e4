// The dashboard's entry point: reads the view state from the URL, loads what it needs from the API
// and draws the page; links, filters, back and forward change the URL and redraw.

import { query } from "./api.js";
import { csrfToken, currentUser, signOut } from "./auth.js";
import { chartLibrary, disposeCharts, drawChart, resizeCharts } from "./charts.js";
import { forgetMe, loadAllWards } from "./choices.js";
import { h, replace } from "./dom.js";
import { openEmbedDialog } from "./embedcode.js";
import { describeFilters, refreshWardFilter, renderFilters } from "./filters.js";
import { formatDateTime } from "./format.js";
import { loadFundUse } from "./funduse.js";
import { lang, learnVocabulary, setLang, t } from "./i18n.js";
import { mayOpen, pageLinks, refusalPage } from "./pages.js";
import { WARD_ROWS } from "./panels.js";
import { WORK_PAGES, filterOf, parseState, toSearch, withState } from "./state.js";
import { learnWards, wardsComplete } from "./wards.js";
import { publicBucket, publicVariables } from "./public.js";
import { showStatus } from "./status.js";
import { feedbackPage } from "./views/feedback.js";
import { auditPage } from "./views/audit.js";
import { officialPage } from "./views/official.js";
import { listsPage } from "./views/batches.js";
import { importPage } from "./views/import.js";
import { overview } from "./views/overview.js";
import { queuePage } from "./views/queue.js";
import { recipientPage } from "./views/recipient.js";
import { signInPage } from "./views/signin.js";
import { supervisionPage } from "./views/supervision.js";
import { wardPage } from "./views/ward.js";

const workPages = { queue: queuePage, import: importPage, lists: listsPage, audit: auditPage, official: officialPage, feedback: feedbackPage, recipient: recipientPage, supervision: supervisionPage };

const el = {
  header: document.getElementById("top"),
  banner: document.getElementById("banner"),
  filters: document.getElementById("filters"),
  status: document.getElementById("status"),
  main: document.getElementById("main"),
};

let meta = null;
let metaPromise = null;
let user = null;
let userPromise = Promise.resolve(null); // who is signed in, asked once at start and after sign-in/out
let userKnown = false;
let renderSeq = 0;
let lastPage = null;
let minCount = 5; // the public threshold, as the last answer gave it
const cache = new Map(); // Overview answers by their variables: back and forward redraw at once
let queueCount = null; // what waits for the signed-in user's step (the header's badge), null when unknown
let menuOpen = false; // the phone header's menu; every navigation closes it

function href(state) {
  return "./" + toSearch(state);
}

/** Changes the view state and redraws; replace keeps the history entry (language switch). */
function navigate(change, { replace: replaceEntry = false, keepFocus = null } = {}) {
  const next = withState(parseState(location.search), change);
  const url = href(next);
  if (replaceEntry) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render({ keepFocus });
}

function renderHeader() {
  const l = lang();
  el.header.classList.toggle("menu-open", menuOpen);
  const who = user
    ? h("span", { class: "who" }, t("signedInAsRole", { name: user.displayName || user.username, role: t(`role_${user.role}`) }))
    : null;
  const state = parseState(location.search);
  const account = user
    ? h("button", { type: "button", class: "button-small", id: "signout", on: { click: onSignOut } }, t("signOut"))
    : state.page === "signin" ? null
    : h("a", { class: "button-small", id: "signin", href: href({ ...state, page: "signin", next: location.search || "?" }), dataset: { nav: "" } }, t("signIn"));
  replace(
    el.header,
    h("a", { class: "skip", href: "#main" }, t("skipToContent")),
    h("div", { class: "brand" },
      h("a", { href: "./", dataset: { nav: "" }, class: "brand-name" }, "hotro"),
      meta?.dataset?.organisation ? h("span", { class: "brand-org" }, meta.dataset.organisation) : null,
      h("span", { class: "brand-title" }, t("appTitle")),
      h("span", { class: "brand-subtitle" }, t("appSubtitle"))),
    h("button", { type: "button", class: "button-small menu-toggle no-print", id: "menu-toggle", "aria-expanded": String(menuOpen), "aria-controls": "top",
      "aria-label": t("menuLabel"), on: { click: () => { menuOpen = !menuOpen; renderHeader(); document.getElementById("menu-toggle")?.focus(); } } },
    h("span", { "aria-hidden": "true" }, "☰ "), t("menu")),
    pageLinks(user, WORK_PAGES.includes(state.page) ? state.page : state.page === "signin" ? null : "overview", queueCount),
    h("nav", { class: "tools no-print", "aria-label": t("mainNav") },
      who,
      h("button", { type: "button", class: "button-small", id: "lang-switch", lang: l === "vi" ? "en" : "vi", "aria-label": t("switchLanguageLabel"),
        on: { click: () => { setLang(l === "vi" ? "en" : "vi"); render({ keepFocus: "#lang-switch" }); } } }, t("switchLanguage")),
      h("button", { type: "button", class: "button-small", id: "print", on: { click: () => window.print() } }, t("print")),
      state.page === "signin" || WORK_PAGES.includes(state.page) ? null
      : h("button", { type: "button", class: "button-small", id: "embed-open", dataset: { embed: state.page === "ward" ? "kpi" : "wards" } }, t("embedOpen")),
      account),
  );
}

/**
 * Asks the API how much waits for the signed-in user's step and redraws the header's badge: after
 * sign-in, at start, and after every change of the data.
 */
async function refreshQueueCount() {
  if (!mayOpen(user, "queue")) {
    queueCount = null;
    return;
  }
  try {
    const data = await query("WorkQueueCount");
    queueCount = data.workQueue.totalCount;
  } catch {
    return; // the badge keeps what it knew
  }
  renderHeader();
}

function renderBanner() {
  if (!meta?.dataset?.demo) {
    replace(el.banner);
    el.banner.hidden = true;
    return;
  }
  el.banner.hidden = false;
  el.banner.setAttribute("aria-label", t("demoBannerLabel")); // a landmark, so that no text is outside one
  replace(el.banner, h("strong", {}, t("demoBanner")), " ", meta.dataset.seededAt ? t("demoSeededAt", { time: formatDateTime(meta.dataset.seededAt) }) : "");
}

async function onSignOut() {
  await signOut();
  forgetMe();
  user = null;
  userPromise = Promise.resolve(null);
  queueCount = null;
  cache.clear();
  render({ keepFocus: "#signin" });
}

function loadMeta() {
  metaPromise ??= query("Meta").then(
    (m) => {
      meta = m;
      learnVocabulary(m.vocabulary);
      renderHeader(); // now with the organisation's name
      return m;
    },
    (err) => {
      metaPromise = null; // the next render tries again
      throw err;
    },
  );
  return metaPromise;
}

/**
 * Whether to ask for the signed-in figures: once /auth/me has answered, whether someone is signed
 * in; before that, whether the session's CSRF cookie is there (so the figures need not wait).
 */
function signedIn() {
  return userKnown ? user !== null : csrfToken() !== "";
}

/** Whether the user reads snapshots in full (every ward): analysts, leaders, admins. */
function readsSnapshots() {
  return ["admin", "leader", "analyst"].includes(user?.role);
}

/**
 * Which figures the overview shows: visitors the newest official snapshot unless they ask for the
 * live figures ("live"); signed-in roles that see every ward the snapshot they chose (its ID), else
 * the live figures.
 */
function overviewSource(state) {
  if (!signedIn()) return state.official === "live" ? "PublicOverview" : "OfficialOverview";
  return /^[0-9]+$/.test(state.official) && (!userKnown || readsSnapshots()) ? "SnapshotOverview" : "Overview";
}

/**
 * The snapshot's own fields and its figures in the overview's shape, with fund use as it stood: the
 * full fund use (roles that read snapshots in full) or each fund's frozen whole-area allocation
 * (visitors), never today's allocations.
 */
function fromSnapshot(s) {
  const { total, byWard, byGroup, byFund, overTime, fundUse, funds, ...about } = s;
  return { data: { total, byWard, byGroup, byFund, overTime }, about, fundUse: fundUse ?? null, frozenFunds: funds ?? null };
}

async function loadOverview(state, variables) {
  const name = overviewSource(state);
  const key = name + state.official + JSON.stringify(variables);
  if (cache.has(key)) return cache.get(key);
  // Visitors: weeks or months, and only the panels the release tables hold for the filter.
  const visitor = () => ({ ...variables, ...publicVariables(state) });
  let data;
  try {
    if (name === "Overview") {
      // The rounds' lines and fund use at the scope in view (signed-in roles only: the release
      // tables hold neither) come at once.
      const [overview, rounds, fundUse] = await Promise.all([
        query(name, variables), query("Rounds", { filter: variables.filter }), loadFundUse(variables.filter)]);
      data = { ...normalize(overview), byRound: rounds.byRound, fundUse };
    } else if (name === "SnapshotOverview") {
      // A snapshot keeps weeks and months, not days.
      const bucket = variables.bucket === "MONTH" ? "MONTH" : "WEEK";
      const { snapshot } = await query(name, { ...variables, bucket, id: state.official });
      const { data: figures, about, fundUse } = fromSnapshot(snapshot);
      data = { ...normalize(figures), official: about, bucket, fundUse };
    } else if (name === "OfficialOverview") {
      const { officialSnapshot } = await query(name, visitor());
      if (officialSnapshot) {
        const { data: figures, about, frozenFunds } = fromSnapshot(officialSnapshot);
        data = { ...normalize(figures), official: about, frozenFunds };
      } else {
        data = normalize(await query("PublicOverview", visitor())); // no official figures yet
      }
      data.fundUse = null;
    } else {
      data = normalize(await query(name, visitor()));
      data.fundUse = null;
    }
  } catch (err) {
    // A session that has just ended: the public figures are the visitor's.
    if (!["Overview", "SnapshotOverview"].includes(name) || !["UNAUTHENTICATED", "UNAUTHORIZED", "FORBIDDEN", "PERMISSION_DENIED"].includes(err.code)) throw err;
    data = normalize(await query("PublicOverview", visitor()));
  }
  const entry = { data, at: new Date() };
  cache.set(key, entry);
  if (cache.size > 30) cache.delete(cache.keys().next().value);
  return entry;
}

/**
 * The switch between official and live figures, and what the official ones are: for visitors the
 * newest official snapshot or the live figures; for roles that read snapshots every official one.
 */
async function figuresSource(state, data) {
  let options = null;
  if (!user) {
    if (!data.official && state.official !== "live") return null; // no official figures yet
    options = [["", t("figuresOfficial", { name: data.official?.name ?? "" })], ["live", t("figuresLive")]];
    if (!data.official) options[0][1] = t("navOfficialShort");
  } else if (readsSnapshots()) {
    let snapshots = [];
    try {
      snapshots = (await query("Snapshots")).snapshots.filter((s) => s.official || s.id === state.official);
    } catch {
      return null; // the live figures stay; the switch comes back on the next render
    }
    if (!snapshots.length) return null;
    options = [["", t("figuresLive")], ...snapshots.map((s) => [s.id, t("figuresOfficial", { name: s.name })])];
  } else {
    return null;
  }
  const current = !user ? (state.official === "live" ? "live" : "") : state.official;
  const select = h("select", { id: "figures-source", on: { change: (e) => navigate({ official: e.target.value }, { keepFocus: "#figures-source" }) } },
    options.map(([value, label]) => h("option", { value, selected: value === current }, label)));
  // The choice is the screen's; the note saying which figures these are prints with them.
  return h("div", { class: "figures-source" },
    h("span", { class: "no-print" }, h("label", { for: "figures-source" }, t("figuresSource")), " ", select),
    data.official ? h("p", { class: "official-note", id: "official-note" },
      t(data.official.official === false ? "officialWithdrawnNote" : "officialNote",
        { name: data.official.name, document: data.official.document, time: formatDateTime(data.official.createdAt) })) : null);
}

/** Draws the page for the URL. Later calls win over earlier ones still loading. */
async function render({ keepFocus = null } = {}) {
  const seq = ++renderSeq;
  const state = parseState(location.search);
  menuOpen = false;
  document.documentElement.lang = lang();
  renderHeader();
  const pageChanged = lastPage !== null && lastPage !== `${state.page}:${state.ward}`;
  if (pageChanged) for (const d of document.querySelectorAll("details.multi[open]")) d.open = false;
  lastPage = `${state.page}:${state.ward}`;

  if (state.page === "signin") {
    disposeCharts();
    el.filters.hidden = true;
    replace(el.main);
    showStatus(el.status, "ready");
    signInPage(el.main, {
      backHref: "./" + (state.next && state.next !== "?" ? state.next : ""),
      onSignedIn: async () => {
        forgetMe();
        userPromise = currentUser().then((u) => {
          user = u;
          userKnown = true;
        });
        await userPromise;
        cache.clear();
        // Leaders and ward officers start on what waits for them, unless they came from a page.
        const home = ["leader", "ward_officer"].includes(user?.role) ? "?page=queue" : user?.role === "supervisor" ? "?page=supervision" : "";
        history.pushState(null, "", "./" + (state.next && state.next !== "?" ? state.next : home));
        render();
        refreshQueueCount();
      },
    });
    restoreFocus(keepFocus, pageChanged);
    return;
  }

  if (WORK_PAGES.includes(state.page) || state.page === "recipient") {
    await renderWorkPage(state, seq, keepFocus, pageChanged);
    return;
  }

  showStatus(el.status, "loading");
  try {
    // The figures do not wait for the filter options: both requests go at once.
    const program = state.program;
    // The map divides by the population of one year: the one in the URL, or (null) each ward's latest,
    // of which the map keeps the latest year loaded.
    const overviewPromise = loadOverview(state, { filter: filterOf(state, program), bucket: state.bucket, figuresYear: state.fyear ? Number(state.fyear) : null, wardRows: WARD_ROWS + 1 });
    overviewPromise.catch(() => {}); // reported below, once
    await Promise.all([loadMeta(), userPromise]);
    if (seq !== renderSeq) return;
    renderHeader();
    renderBanner();
    // Signed in: residents' reports counted per ward, beside the money (their own query: stats
    // holds only payments). A failure leaves the column out, not the page.
    const feedbackPromise = user ? query("FeedbackStats", {}).then((d) => new Map(d.feedbackStats.map((s) => [s.ward.code, s])), () => null) : null;
    const { data, at } = await overviewPromise;
    if (seq !== renderSeq) return;
    performance.mark("hotro:data");
    minCount = data.total.minCount ?? minCount;
    if (data.byWard) learnWards(data.byWard.rows.map((r) => r.ward));
    el.filters.hidden = false;
    renderFilters(el.filters, { state, meta, program, navigate });

    disposeCharts();
    replace(el.main);
    const visitor = data.total.minCount != null;
    const source = await figuresSource(state, data);
    const feedback = feedbackPromise ? await feedbackPromise : null;
    if (seq !== renderSeq) return;
    const ctx = {
      state, meta, program, data, user, navigate, visitor, feedback,
      // Visitors see weeks or months (the release tables have no days), and so does a snapshot.
      bucket: data.bucket ?? (visitor ? publicBucket(state) : state.bucket),
      hrefFor: (change) => href(withState(state, change)),
      // Mirrors the lines panel's search, filters and order in the URL without drawing the page again.
      replaceState: (change) => history.replaceState(null, "", href(withState(parseState(location.search), change))),
      // A step was taken on the ward's lines: the figures are asked again and the page drawn anew.
      dataChanged: (focus) => {
        cache.clear();
        refreshQueueCount();
        render({ keepFocus: focus || "#main" });
      },
      contextLine: h("div", {}, source, h("p", { class: "context" },
        h("span", { class: "as-of", title: t("dataVersion", { version: meta.dataset.version }) }, t("updatedAt", { time: formatDateTime(at) })),
        " · ",
        h("span", { class: "filter-summary" }, describeFilters(state, meta, program)))),
    };
    if (data.total.total.disbursements === 0 && !data.total.total.suppressed) {
      el.main.append(ctx.contextLine);
      showStatus(el.status, "empty");
      restoreFocus(keepFocus, pageChanged);
      return;
    }
    const panels = state.page === "ward" ? wardPage(el.main, ctx) : overview(el.main, ctx);
    performance.mark("hotro:dom");
    await chartLibrary();
    if (seq !== renderSeq) return;
    await Promise.all(panels.map((p) => p.draw(drawChart)));
    if (seq !== renderSeq) return;
    showStatus(el.status, "ready");
    performance.mark("hotro:charts-drawn");
    restoreFocus(keepFocus, pageChanged);
    loadWardOptions(seq);
  } catch (err) {
    if (seq !== renderSeq) return;
    console.error(err);
    if (meta) {
      // A link with a code the API refuses can still be mended from the filters.
      el.filters.hidden = false;
      renderFilters(el.filters, { state, meta, program: state.program, navigate });
    }
    disposeCharts();
    replace(el.main);
    showStatus(el.status, "error", { err, retry: () => render({ keepFocus: "#main" }) });
  }
}

/**
 * Draws the import, lists or audit page, or a refusal for a role that may not open it. The page's
 * own requests tell it their errors; only failing to load the basics is the page's error state.
 */
async function renderWorkPage(state, seq, keepFocus, pageChanged) {
  disposeCharts();
  el.filters.hidden = true;
  showStatus(el.status, "loading");
  try {
    await Promise.all([loadMeta(), userPromise]);
    if (seq !== renderSeq) return;
    renderHeader();
    renderBanner();
    replace(el.main);
    // A recipient's page is for every signed-in role; the API says whom each may see, and how.
    if (state.page === "recipient" ? !user : !mayOpen(user, state.page)) {
      refusalPage(el.main, { page: state.page, user, signInHref: href({ ...state, page: "signin", next: location.search }) });
    } else {
      await workPages[state.page](el.main, {
        state, meta, user,
        navigate,
        hrefFor: (change) => href(withState(state, change)),
        // Mirrors a form's fields in the URL without drawing the page again.
        replaceState: (change) => history.replaceState(null, "", href(withState(parseState(location.search), change))),
        isCurrent: () => seq === renderSeq,
        // The figures changed (an import, a step): the overview asks the API again, and the
        // header's count of what waits.
        dataChanged: () => {
          cache.clear();
          refreshQueueCount();
        },
        // The queue page tells the header the count it has just read.
        setQueueCount: (n) => {
          queueCount = n;
          renderHeader();
        },
      });
    }
    if (seq !== renderSeq) return;
    showStatus(el.status, "ready");
    restoreFocus(keepFocus, pageChanged);
  } catch (err) {
    if (seq !== renderSeq) return;
    console.error(err);
    replace(el.main);
    showStatus(el.status, "error", { err, retry: () => render({ keepFocus: "#main" }) });
  }
}

/** Fills the ward filter with every ward that has payment lines, once, after the charts. */
async function loadWardOptions(seq) {
  if (wardsComplete()) return;
  try {
    await loadAllWards(signedIn());
  } catch {
    return; // the filter keeps the wards it knows; the next render tries again
  }
  if (seq !== renderSeq) return;
  refreshWardFilter(el.filters);
}

/** Gives the signed-in answer the public one's shape: nothing withheld. */
function normalize(data) {
  const fix = (totals) => ({ suppressed: false, ...totals });
  data.total.total = fix(data.total.total);
  data.total.minCount ??= null;
  for (const key of ["byWard", "byGroup", "byFund", "overTime"]) {
    // A part the public figures do not hold for the filter was not asked for: null.
    data[key] = data[key] ? { ...data[key], rows: data[key].rows.map((r) => ({ ...r, totals: fix(r.totals) })) } : null;
  }
  return data;
}

function restoreFocus(selector, pageChanged) {
  const target = selector ? document.querySelector(selector) : null;
  if (target) target.focus();
  else if (pageChanged) document.getElementById("page-title")?.focus();
}

function onClick(e) {
  // An open filter list closes when the user clicks elsewhere.
  for (const d of document.querySelectorAll("details.multi[open]")) {
    if (!d.contains(e.target)) d.open = false;
  }
  const embed = e.target.closest("button[data-embed]");
  if (embed) {
    openEmbedDialog({ state: parseState(location.search), meta, chart: embed.dataset.embed, opener: embed, minCount });
    return;
  }
  const a = e.target.closest("a[data-nav]");
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  history.pushState(null, "", a.getAttribute("href"));
  render();
  window.scrollTo(0, 0);
}

let resizeTimer = 0;
function onResize() {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(resizeCharts, 150);
}

async function boot() {
  setLang(lang());
  document.addEventListener("click", onClick);
  window.addEventListener("popstate", () => render());
  window.addEventListener("resize", onResize);
  // Charts are canvases: they are redrawn at their printed size (html.printing, app.css) and back.
  window.addEventListener("beforeprint", () => {
    document.documentElement.classList.add("printing");
    resizeCharts();
    // Painted now: the page is printed before the next animation frame.
    for (const el of document.querySelectorAll(".chart")) window.echarts?.getInstanceByDom(el)?.getZr().refreshImmediately();
  });
  window.addEventListener("afterprint", () => {
    document.documentElement.classList.remove("printing");
    resizeCharts();
  });
  // Who is signed in, the filter options and the figures are asked for at once.
  userPromise = currentUser().then((u) => {
    user = u;
    userKnown = true;
  });
  userPromise.then(refreshQueueCount, () => {});
  loadMeta().catch(() => {}); // render reports errors
  await render();
}

boot();
