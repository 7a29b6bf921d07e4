// A recipient's page: the person or household as the API lets the caller see them (masked for roles
// that see masked data; nothing is unmasked here), every payment line across groups and programmes
// with its steps, dates, decision and receipt, and the audit of the changes to those lines.

import { query } from "../api.js";
import { h } from "../dom.js";
import { formatDate, formatDateTime, formatNumber, formatVND } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { dataTable } from "../table.js";

/** The most lines the page shows; a person has a few, a household a few dozen. */
const maxLines = 500;

/** Builds the recipient page into main. */
export async function recipientPage(main, ctx) {
  const l = lang();
  let data;
  try {
    data = await query("Recipient", { id: ctx.state.id, first: maxLines });
  } catch (err) {
    title(main, t("title_recipient"));
    const notFound = err.code === "NOT_FOUND";
    main.append(h("p", { class: "notice", id: "recipient-error", role: "alert" },
      notFound ? t("recipientNotFound") : t("recipientUnavailable", { message: err.message })));
    return;
  }
  if (!ctx.isCurrent()) return;
  const b = data.beneficiary;
  if (!b) {
    title(main, t("title_recipient"));
    main.append(h("p", { class: "notice", id: "recipient-error", role: "alert" }, t("recipientNotFound")));
    return;
  }
  main.append(h("nav", { class: "crumbs", "aria-label": "breadcrumb" },
    h("a", { class: "back no-print", href: ctx.hrefFor({ page: "ward", ward: b.ward.code, id: "" }), dataset: { nav: "" } },
      t("backToWard", { ward: nameOf(b.ward, l) }))));
  title(main, b.fullName);
  const facts = [
    [t("recipientKind"), t(`kind_${b.kind}`)],
    [t("recipientMembers"), formatNumber(b.members, l)],
    [t("recipientCitizenId"), b.citizenId || "—"],
    b.visibility === "FULL" ? [t("recipientBorn"), b.dateOfBirth ? formatDate(b.dateOfBirth) : "—"] : null,
    b.visibility === "FULL" ? [t("recipientAddress"), b.address || "—"] : null,
    [t("recipientWard"), nameOf(b.ward, l)],
  ].filter(Boolean);
  main.append(
    h("section", { class: "card recipient-facts", id: "recipient", dataset: { visibility: b.visibility } },
      h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      b.visibility === "MASKED" ? h("p", { class: "notice", id: "recipient-masked" }, t("recipientMasked")) : null),
  );

  const lines = b.disbursements.edges.map((e) => e.node);
  const lineById = new Map(lines.map((d) => [d.id, d]));
  const step = (label, date) => (date ? h("li", {}, `${label}: ${formatDate(date)}`) : null);
  const columns = [
    { key: "line", label: t("colLine"), value: (d) => `#${d.id}` },
    // Amount and status first: on a phone they show before the table scrolls sideways.
    { key: "amount", label: t("colAmount"), numeric: true, value: (d) => d.amount, render: (d) => formatVND(d.amount, l) },
    { key: "status", label: t("colStatus"), value: (d) => word("status", d.status),
      render: (d) => [word("status", d.status), d.statusReason ? h("div", { class: "reason" }, d.statusReason) : null] },
    { key: "program", label: t("colProgram"), value: (d) => d.program.code },
    { key: "group", label: t("colGroup"), value: (d) => nameOf(d.group, l) },
    { key: "steps", label: t("colSteps"), value: (d) => d.listedOn,
      render: (d) => h("ul", { class: "steps" },
        step(t("stepListed"), d.listedOn), step(t("stepPosted"), d.postedOn), step(t("stepAppraised"), d.appraisedOn),
        step(t("stepApproved"), d.approvedOn), step(t("stepPaid"), d.paidOn)) },
    { key: "decision", label: t("colDecision"), value: (d) => [d.decisionNumber, d.decisionIssuer].filter(Boolean).join(" — ") || "—" },
    { key: "channel", label: t("colChannel"), value: (d) => (d.channel ? word("channel", d.channel) : "—") },
    { key: "receipt", label: t("colReceipt"), value: (d) => d.receiptNumber || "—" },
  ];
  main.append(
    h("section", { class: "card", id: "recipient-lines", "aria-labelledby": "recipient-lines-title" },
      h("div", { class: "card-head" }, h("h2", { id: "recipient-lines-title" }, t("recipientLines", { count: formatNumber(b.disbursements.totalCount, l) }))),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("recipientLinesCaption") },
        dataTable({ caption: t("recipientLinesCaption"), columns, rows: lines, className: "recipient-lines" })),
      b.disbursements.pageInfo.hasNextPage ? h("p", { class: "notice" }, t("recipientMoreLines", { shown: formatNumber(lines.length, l) })) : null),
  );

  const history = b.history;
  const change = (e) => {
    const before = parse(e.before);
    const after = parse(e.after);
    const parts = [];
    if (before?.status && after?.status && before.status !== after.status) {
      parts.push(`${word("status", before.status)} → ${word("status", after.status)}`);
    }
    for (const [key, label] of [["postedOn", "stepPosted"], ["appraisedOn", "stepAppraised"], ["approvedOn", "stepApproved"], ["paidOn", "stepPaid"]]) {
      if (after?.[key] && after[key] !== before?.[key]) parts.push(`${t(label)}: ${formatDate(after[key])}`);
    }
    if (after?.decisionNumber && after.decisionNumber !== before?.decisionNumber) parts.push(`${t("colDecision")}: ${after.decisionNumber}`);
    if (after?.receiptNumber && after.receiptNumber !== before?.receiptNumber) parts.push(`${t("colReceipt")}: ${after.receiptNumber}`);
    if (after?.statusReason && after.statusReason !== before?.statusReason) parts.push(after.statusReason);
    return parts.join(" · ") || "—";
  };
  const historyColumns = [
    { key: "at", label: t("colWhen"), value: (e) => formatDateTime(e.at) },
    { key: "action", label: t("colAction"), value: (e) => t(`action_${e.action.replaceAll(".", "_")}`) },
    { key: "change", label: t("colChange"), value: change },
    { key: "line", label: t("colLine"), value: (e) => (lineById.has(e.entityId) ? `#${e.entityId}` : t("lineRef", { id: e.entityId })) },
    { key: "who", label: t("colWho"), value: (e) => e.actor },
  ];
  main.append(
    h("section", { class: "card", id: "recipient-history", "aria-labelledby": "recipient-history-title" },
      h("div", { class: "card-head" }, h("h2", { id: "recipient-history-title" }, t("recipientHistory"))),
      history.length
        ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("recipientHistoryCaption") },
          dataTable({ caption: t("recipientHistoryCaption"), columns: historyColumns, rows: history, className: "recipient-history" }))
        : h("p", { class: "notice" }, t("recipientHistoryNone"))),
  );
}

function title(main, text) {
  main.append(h("h1", { id: "page-title", tabindex: "-1" }, text));
  document.title = `${t("appTitle")} — ${text}`;
}

function parse(json) {
  if (!json) return null;
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}
