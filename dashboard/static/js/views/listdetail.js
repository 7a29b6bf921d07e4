// One imported list opened to its lines (?page=lists&batch=ID, with a status filter): its counts
// per step, and the lines, some or all of which can be chosen and taken one step (lineactions.js)
// through the same dialog as a whole list, which says how many lines and how much money move.

import { query } from "../api.js";
import { batchFacts, mayPrintPosting, statusTable, stepCounts } from "../batch.js";
import { focusRow, h, replace, statusLine } from "../dom.js";
import { formatDate, formatNumber, formatVND } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { lineActions } from "../lineactions.js";
import { STATUSES } from "../state.js";
import { dataTable } from "../table.js";
import { openStepDialog, refusal, stepDoneNotice } from "../workflow.js";

const pageSize = 100;

/** The date of a line's latest step, with what the step was. */
export function lastStep(n) {
  for (const [key, step] of [["paidOn", "PAY"], ["approvedOn", "APPROVE"], ["appraisedOn", "APPRAISE"], ["postedOn", "POST"]]) {
    if (n[key]) return { on: n[key], step };
  }
  return { on: n.listedOn, step: null };
}

/** Builds the page of one list into main; resolves once its lines are shown (or the refusal). */
export async function listDetailPage(main, ctx) {
  const { state, user } = ctx;
  const l = lang();
  const title = h("h1", { id: "page-title", tabindex: "-1" }, t("ldTitleLoading", { id: state.batch }));
  const back = h("a", { href: ctx.hrefFor({ batch: "", statuses: [] }), id: "ld-back", class: "back-link", dataset: { nav: "" } }, t("ldBack"));
  const head = h("div", { id: "ld-head" });
  const message = h("div", { id: "lists-message", class: "lists-message", role: "status", "aria-live": "polite" });
  const body = h("div", { id: "ld-body" });
  const shown = statusLine("ld-status");
  main.append(back, title, head, message, shown, body);
  document.title = `${t("appTitle")} — ${t("ldTitleLoading", { id: state.batch })}`;

  let batch = null;
  let rules = [];
  const nodes = [];
  let total = 0;
  let after = null;
  let hasNext = false;
  const wanted = state.statuses.filter((s) => STATUSES.includes(s));
  const filter = () => ({ batches: [state.batch], ...(wanted.length ? { statuses: wanted } : {}) });

  const actions = () => lineActions({
    rules, role: user.role,
    labelOf: (n) => n.beneficiary?.fullName || n.id,
    matching: () => ({
      total,
      statuses: batch.statuses.filter((s) => !wanted.length || wanted.includes(s.status)),
      filter: filter(),
    }),
    onStep: (p) => openStepDialog({
      batch, step: p.step, to: p.to, from: p.from, lines: p.lines, amount: p.amount, opener: p.opener, selection: p.selection,
      lastStepOn: p.lastStepOn === undefined ? batch.lastStepOn : p.lastStepOn,
      title: t(`laStep_${p.step}`, { n: formatNumber(p.lines, l) }),
      summary: [
        t("laSummary", { n: formatNumber(p.lines, l), amount: formatVND(p.amount, l), id: batch.id,
          from: p.from.map((s) => word("status", s)).join(", "), to: word("status", p.to) }),
        p.skipped ? ` ${t("laSkipped", { n: formatNumber(p.skipped, l) })}` : "",
      ].join(""),
      onDone: async (result) => {
        ctx.dataChanged();
        replace(message, stepDoneNotice(result, batch.id));
        await reload();
        title.focus();
      },
      onRefused: (err) => {
        if (err.code === "CONFLICT" || err.code === "NOT_FOUND") reload(); // the lines changed: show them as they are now
      },
    }),
  });
  let la = null;

  const loadBatch = async () => {
    const data = await query("ImportBatch", { id: state.batch });
    batch = data.importBatch;
    rules = data.workflowRules;
  };
  const loadLines = async () => {
    const data = await query("BatchLines", { filter: filter(), first: pageSize, after });
    const conn = data.disbursements;
    nodes.push(...conn.edges.map((e) => e.node));
    total = conn.totalCount;
    after = conn.pageInfo.endCursor;
    hasNext = conn.pageInfo.hasNextPage;
  };
  const reload = async () => {
    body.setAttribute("aria-busy", "true");
    try {
      nodes.length = 0;
      after = null;
      await loadBatch();
      await loadLines();
      if (!ctx.isCurrent()) return;
      la = actions();
      show();
    } catch (err) {
      if (!ctx.isCurrent()) return;
      replace(body, h("div", { class: "notice notice-refused", id: "lists-failed", role: "alert", dataset: { code: err.code || err.kind } }, refusal(err)));
    } finally {
      body.setAttribute("aria-busy", "false");
    }
  };

  const show = () => {
    const name = `${nameOf(batch.group, l)} — ${nameOf(batch.ward, l)}`;
    replace(title, name);
    document.title = `${t("appTitle")} — ${name}`;
    const statusSelect = h("select", { id: "ld-status", name: "statuses",
      on: { change: () => ctx.navigate({ statuses: statusSelect.value ? [statusSelect.value] : [] }, { keepFocus: "#ld-status" }) } },
    h("option", { value: "" }, t("ldAllStatuses", { n: formatNumber(batch.statuses.reduce((n, s) => n + s.lines, 0), l) })),
    STATUSES.map((s) => {
      const count = batch.statuses.find((x) => x.status === s)?.lines || 0;
      return count || wanted.includes(s)
        ? h("option", { value: s, selected: wanted.includes(s) }, `${word("status", s)} (${formatNumber(count, l)})`) : null;
    }));
    replace(head,
      h("p", { class: "batch-facts" }, batchFacts(batch)),
      h("p", { class: "batch-steps", id: "ld-counts" }, stepCounts(batch)),
      h("div", { class: "ld-summary" }, statusTable(batch),
        mayPrintPosting(user, batch.ward.code) ? h("a", { href: batch.postingUrl.replace(/^\//, ""), class: "posting-link" }, t("postingList")) : null),
      h("form", { class: "filters-inline no-print", id: "ld-filters", role: "search", "aria-label": t("filters"), on: { submit: (e) => e.preventDefault() } },
        h("div", { class: "field" }, h("label", { for: "ld-status" }, t("statuses")), statusSelect)));
    showLines();
  };

  const showLines = () => {
    const columns = [
      { key: "recipient", label: t("colRecipient"), value: (n) => n.beneficiary?.fullName || n.beneficiary?.id || "—" },
      { key: "citizenId", label: t("colCitizenId"), value: (n) => n.beneficiary?.citizenId || "—" },
      { key: "people", label: t("colMembers"), numeric: true, value: (n) => n.peopleCovered, render: (n) => formatNumber(n.peopleCovered, l) },
      { key: "amount", label: t("colAmount"), numeric: true, value: (n) => n.amount, render: (n) => formatVND(n.amount, l) },
      { key: "status", label: t("colStatus"), value: (n) => word("status", n.status),
        render: (n) => h("span", { class: `chip chip-${n.status.toLowerCase()}` }, word("status", n.status)) },
      { key: "on", label: t("ldColStepOn"), value: (n) => lastStep(n).on, render: (n) => formatDate(lastStep(n).on) },
      { key: "record", label: t("ldColRecord"), value: (n) => record(n) },
    ];
    const mayAct = rules.some((r) => r.roles.includes(user.role));
    if (mayAct) columns.unshift(la.column);
    const rows = [...nodes];
    replace(body,
      rows.length && mayAct ? la.bar : null,
      rows.length
        ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("ldCaption", { id: batch.id }) },
          dataTable({ caption: t("ldCaption", { id: batch.id }), columns, rows, className: mayAct ? "lines-table choosing" : "lines-table" }))
        : h("p", { class: "notice", id: "ld-empty" }, t("ldEmpty")),
      h("p", { id: "ld-shown" }, t("shownOf", { shown: formatNumber(nodes.length, l), total: formatNumber(total, l) })),
      hasNext ? h("button", { type: "button", class: "button-small", id: "ld-more", on: { click: more } }, t("loadMore")) : null);
    la.setLines(nodes);
  };

  const more = async () => {
    body.setAttribute("aria-busy", "true");
    const from = nodes.length;
    try {
      await loadLines();
      if (!ctx.isCurrent()) return;
      showLines();
      // The first line that "Xem thêm" brought takes the focus (the button is redrawn, or gone).
      if (!focusRow(body, from)) document.getElementById("ld-more")?.focus();
    } catch (err) {
      replace(message, h("div", { class: "notice notice-refused", role: "alert" }, refusal(err)));
    } finally {
      body.setAttribute("aria-busy", "false");
    }
  };

  await reload();
}

/** What a line's steps recorded: the receipt or decision, or why it was sent back. */
function record(n) {
  if (n.status === "RETURNED" || n.status === "CANCELLED") return n.statusReason || "—";
  const parts = [];
  if (n.channel) parts.push(word("channel", n.channel));
  if (n.receiptNumber) parts.push(n.receiptNumber);
  if (!parts.length && n.decisionNumber) parts.push(n.decisionNumber);
  return parts.join(" · ") || "—";
}
