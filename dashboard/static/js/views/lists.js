// The payment lines of a ward, a page at a time, for the roles that may see them: a search box that
// answers as one types (a name without diacritics, an ID number or its last four digits), one
// status, group and imported list, an order the API sorts by, the count of lines that match, and
// an export of exactly those lines. Search, filters and order live in the URL (q, lstatus, lgroup,
// batch, lsort), so a view can be linked. Personal fields arrive masked or null from the API for
// roles that may not see them in full; nothing is unmasked here.

import { ApiError, hasOperation, query } from "../api.js";
import { focusRow, h, replace } from "../dom.js";
import { formatDate, formatNumber, formatVND } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { LINE_SORTS, STATUSES, filterOf } from "../state.js";
import { dataTable } from "../table.js";

const pageSize = 50;
/** How long the search waits after the last key before it asks the API. */
const typingPause = 250;

const orderFields = { name: "NAME", amount: "AMOUNT", listed: "LISTED_ON", paid: "PAID_ON" };

/** The disbursements arguments of the panel's choices on top of the page's filter. */
export function linesQuery(state, program) {
  const filter = filterOf(state, program);
  if (state.lstatus) filter.statuses = [state.lstatus];
  if (state.lgroup) filter.groups = [state.lgroup];
  if (state.q.trim()) filter.search = state.q.trim();
  if (state.batch) filter.batches = [state.batch];
  const [field, dir] = (state.lsort || "").split(":");
  return {
    filter,
    orderBy: field ? { field: orderFields[field], direction: dir === "desc" ? "DESC" : "ASC" } : null,
  };
}

/** The URL of /export/lines.<format> for the same lines as linesQuery. */
export function linesExportURL(format, state, program) {
  const { filter, orderBy } = linesQuery(state, program);
  const p = new URLSearchParams();
  for (const key of ["programs", "wards", "groups", "funds", "statuses", "channels", "batches"]) {
    if (filter[key]?.length) p.set(key, filter[key].join(","));
  }
  if (filter.search) p.set("search", filter.search);
  if (orderBy) {
    p.set("orderBy", orderBy.field);
    p.set("direction", orderBy.direction);
  }
  p.set("lang", lang());
  return `export/lines.${format}?${p.toString().replaceAll("%2C", ",")}`;
}

/**
 * The lists section of the ward page; loads by itself, after the charts.
 *
 * selection (optional) is the hook for choosing lines and acting on them: { column, bar, onLines, ready }.
 * ready (a promise) is awaited before the lines are first shown, so that the column exists by then.
 * column (a dataTable column, e.g. checkboxes) is put first; bar (an element) is placed above the
 * table; onLines({ edges, totalCount, query }) is called after every answer with the lines shown and
 * the disbursements arguments that select every matching line (for "all that match").
 */
export function listsPanel({ ward, allowed, ctx, selection = null }) {
  const body = h("div", { class: "lists-body", id: "lines-body" });
  const section = h("section", { class: "card card-lists", id: "lists", "aria-labelledby": "lists-title" },
    h("div", { class: "card-head" }, h("h2", { id: "lists-title" }, t("lists"))));
  if (!allowed) {
    section.append(body);
    replace(body, h("p", { class: "notice" }, t("listsNotAllowed"), " ",
      ctx.user ? null : h("a", { href: ctx.hrefFor({ page: "signin", next: location.search || "?" }), dataset: { nav: "" } }, t("signIn"))));
    return section;
  }
  const l = lang();
  // The panel's own choices, mirrored in the URL; the page's filter (programme, groups, dates) applies too.
  const state = { ...ctx.state };
  const change = (patch) => {
    Object.assign(state, patch);
    ctx.replaceState?.(patch);
    refreshExport();
    restart();
  };

  const search = h("input", { id: "lines-search", type: "search", value: state.q, maxlength: "100", autocomplete: "off",
    placeholder: t("linesSearchHint"), "aria-describedby": "lines-count" });
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => change({ q: search.value }), typingPause);
  });
  const select = (id, label, value, options, key) => {
    const el = h("select", { id, on: { change: () => change({ [key]: el.value }) } },
      h("option", { value: "" }, t("linesAll")),
      options.map(([v, text]) => h("option", { value: v, selected: v === value ? "" : null }, text)));
    return h("div", { class: "field" }, h("label", { for: id }, label), el);
  };
  const groups = (ctx.meta?.programs || []).filter((p) => !ctx.program || p.code === ctx.program).flatMap((p) => p.groups);
  const batchField = select("lines-batch", t("linesBatch"), state.batch, state.batch ? [[state.batch, `#${state.batch}`]] : [], "batch");
  const sortField = h("div", { class: "field" }, h("label", { for: "lines-sort" }, t("linesSort")),
    h("select", { id: "lines-sort", on: { change: (e) => change({ lsort: e.target.value }) } },
      h("option", { value: "" }, "—"),
      LINE_SORTS.map((s) => h("option", { value: s, selected: s === state.lsort ? "" : null }, t(`lsort_${s}`)))));
  // One short sentence is announced, never the lines (the body is not a live region).
  const count = h("p", { class: "lines-count", id: "lines-count", title: t("linesCountLabel"), role: "status" });
  const csv = h("a", { class: "button-small", id: "lines-export-csv", download: "" }, t("linesExportCsv"));
  const xlsx = h("a", { class: "button-small", id: "lines-export-xlsx", download: "" }, t("linesExportXlsx"));
  const refreshExport = () => {
    csv.href = linesExportURL("csv", state, ctx.program);
    xlsx.href = linesExportURL("xlsx", state, ctx.program);
  };
  refreshExport();
  section.append(
    h("div", { class: "lines-tools filters-inline" },
      h("div", { class: "field lines-search" }, h("label", { for: "lines-search" }, t("linesSearch")), search),
      select("lines-status", t("linesStatus"), state.lstatus, STATUSES.map((s) => [s, word("status", s)]), "lstatus"),
      select("lines-group", t("linesGroup"), state.lgroup, groups.map((g) => [g.code, nameOf(g, l)]), "lgroup"),
      batchField,
      sortField),
    h("div", { class: "lines-summary" }, count, h("p", { class: "lines-export no-print" }, t("linesExport"), " ", csv, " ", xlsx)),
    ...(selection?.bar ? [selection.bar] : []),
    body,
  );
  loadBatches(ward, batchField.querySelector("select"), state.batch, l);

  // Every change of choice starts over; an answer to an older question is dropped.
  let seq = 0;
  let edges = [];
  let after = null;
  const restart = () => {
    seq++;
    edges = [];
    after = null;
    load(seq);
  };
  const load = async (mine) => {
    body.setAttribute("aria-busy", "true");
    if (!edges.length) count.textContent = t("linesSearching");
    try {
      if (!(await hasOperation("Disbursements"))) throw new ApiError("server", "Disbursements");
      const args = linesQuery(state, ctx.program);
      const [data] = await Promise.all([query("Disbursements", { ...args, first: pageSize, after }), selection?.ready]);
      if (mine !== seq) return;
      const conn = data.disbursements;
      edges.push(...conn.edges);
      after = conn.pageInfo.endCursor;
      show(conn);
      selection?.onLines?.({ edges, totalCount: conn.totalCount, query: args });
    } catch (err) {
      if (mine !== seq) return;
      count.textContent = "";
      replace(body, h("p", { class: "notice", role: "alert" }, t("listsUnavailable", { message: err.message })));
    } finally {
      if (mine === seq) body.setAttribute("aria-busy", "false");
    }
  };
  const wardTotal = ctx.data?.total?.total?.disbursements;
  const show = (conn) => {
    count.textContent = t("linesCount", { matched: formatNumber(conn.totalCount, l), total: formatNumber(wardTotal ?? conn.totalCount, l) });
    if (!edges.length) {
      replace(body, h("p", { class: "notice" }, t("linesNone")));
      return;
    }
    const recipientHref = (e) => ctx.hrefFor({ page: "recipient", id: e.node.beneficiary.id });
    const columns = [
      { key: "recipient", label: t("colRecipient"), value: (e) => e.node.beneficiary?.fullName || "—",
        render: (e) => (e.node.beneficiary ? h("a", { href: recipientHref(e), dataset: { nav: "", recipient: e.node.beneficiary.id } }, e.node.beneficiary.fullName) : "—") },
      // Name, amount and status first: on a phone they show before the table scrolls sideways.
      { key: "amount", label: t("colAmount"), numeric: true, value: (e) => e.node.amount, render: (e) => formatVND(e.node.amount, l) },
      { key: "status", label: t("colStatus"), value: (e) => word("status", e.node.status) },
      { key: "citizenId", label: t("colCitizenId"), value: (e) => e.node.beneficiary?.citizenId || "—" },
      { key: "kind", label: t("colMembers"), numeric: true, value: (e) => e.node.peopleCovered, render: (e) => formatNumber(e.node.peopleCovered, l) },
      { key: "group", label: t("colGroup"), value: (e) => nameOf(e.node.group, l) },
      { key: "listedOn", label: t("colListedOn"), value: (e) => formatDate(e.node.listedOn) },
      { key: "paidOn", label: t("colPaidOn"), value: (e) => (e.node.paidOn ? formatDate(e.node.paidOn) : "—") },
      { key: "channel", label: t("colChannel"), value: (e) => (e.node.channel ? word("channel", e.node.channel) : "—") },
      { key: "decision", label: t("colDecision"), value: (e) => e.node.decisionNumber || "—" },
    ];
    if (selection?.column) columns.unshift(selection.column);
    replace(
      body,
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("listsCaption", { ward: nameOf(ward, l) }) },
        dataTable({ caption: t("listsCaption", { ward: nameOf(ward, l) }), columns, rows: edges, className: "lines" })),
      h("p", {}, t("shownOf", { shown: formatNumber(edges.length, l), total: formatNumber(conn.totalCount, l) })),
      conn.pageInfo.hasNextPage ? h("button", { type: "button", class: "button", id: "lines-more", on: { click: async () => {
        // The first line that "Xem thêm" brought takes the focus (the button is redrawn, or gone).
        const from = edges.length;
        await load(seq);
        if (!focusRow(body, from)) document.getElementById("lines-more")?.focus();
      } } }, t("loadMore")) : null,
    );
  };
  restart();
  return section;
}

/** Fills the list filter with the ward's imported lists (newest first), keeping the chosen one. */
async function loadBatches(ward, el, chosen, l) {
  try {
    if (!(await hasOperation("ImportBatches"))) return;
    const data = await query("ImportBatches", { wards: [ward.code], first: 200 });
    const options = data.importBatches.map((b) =>
      h("option", { value: b.id, selected: b.id === chosen ? "" : null },
        t("linesBatchOption", { file: b.fileName, listed: formatDate(b.listedOn), rows: formatNumber(b.rows, l) })));
    replace(el, h("option", { value: "" }, t("linesAll")), options);
    if (chosen && !data.importBatches.some((b) => b.id === chosen)) el.append(h("option", { value: chosen, selected: "" }, `#${chosen}`));
  } catch {
    // The list filter keeps what the URL named; the lines still load.
  }
}
