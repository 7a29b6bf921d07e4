// The payment lines of a ward, a page at a time, for the roles that may see them. Personal fields
// arrive masked or null from the API for roles that may not see them in full.

import { ApiError, hasOperation, query } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDate, formatNumber, formatVND } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { filterOf } from "../state.js";
import { dataTable } from "../table.js";

const pageSize = 50;

/** The lists section of the ward page; loads by itself, after the charts. */
export function listsPanel({ ward, allowed, ctx }) {
  const body = h("div", { class: "lists-body", "aria-live": "polite" });
  const section = h("section", { class: "card card-lists", id: "lists", "aria-labelledby": "lists-title" },
    h("div", { class: "card-head" }, h("h2", { id: "lists-title" }, t("lists"))), body);
  if (!allowed) {
    replace(body, h("p", { class: "notice" }, t("listsNotAllowed"), " ",
      ctx.user ? null : h("a", { href: ctx.hrefFor({ page: "signin", next: location.search || "?" }), dataset: { nav: "" } }, t("signIn"))));
    return section;
  }
  const edges = [];
  let after = null;
  const load = async () => {
    body.setAttribute("aria-busy", "true");
    try {
      if (!(await hasOperation("Disbursements"))) throw new ApiError("server", "Disbursements");
      const data = await query("Disbursements", { filter: filterOf(ctx.state, ctx.program), first: pageSize, after });
      const conn = data.disbursements;
      edges.push(...conn.edges);
      after = conn.pageInfo.endCursor;
      show(conn);
    } catch (err) {
      replace(body, h("p", { class: "notice" }, t("listsUnavailable", { message: err.message })));
    } finally {
      body.setAttribute("aria-busy", "false");
    }
  };
  const show = (conn) => {
    const l = lang();
    const columns = [
      { key: "recipient", label: t("colRecipient"), value: (e) => e.node.beneficiary?.fullName || e.node.beneficiary?.id || "—" },
      { key: "citizenId", label: t("colCitizenId"), value: (e) => e.node.beneficiary?.citizenId || "—" },
      { key: "kind", label: t("colMembers"), numeric: true, value: (e) => e.node.peopleCovered, render: (e) => formatNumber(e.node.peopleCovered, l) },
      { key: "group", label: t("colGroup"), value: (e) => nameOf(e.node.group, l) },
      { key: "amount", label: t("colAmount"), numeric: true, value: (e) => e.node.amount, render: (e) => formatVND(e.node.amount, l) },
      { key: "status", label: t("colStatus"), value: (e) => word("status", e.node.status) },
      { key: "paidOn", label: t("colPaidOn"), value: (e) => (e.node.paidOn ? formatDate(e.node.paidOn) : "—") },
      { key: "channel", label: t("colChannel"), value: (e) => (e.node.channel ? word("channel", e.node.channel) : "—") },
      { key: "decision", label: t("colDecision"), value: (e) => e.node.decisionNumber || "—" },
    ];
    replace(
      body,
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("listsCaption", { ward: nameOf(ward, l) }) },
        dataTable({ caption: t("listsCaption", { ward: nameOf(ward, l) }), columns, rows: edges })),
      h("p", {}, t("shownOf", { shown: formatNumber(edges.length, l), total: formatNumber(conn.totalCount, l) })),
      conn.pageInfo.hasNextPage ? h("button", { type: "button", class: "button", on: { click: load } }, t("loadMore")) : null,
    );
  };
  load();
  return section;
}
