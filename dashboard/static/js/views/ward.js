// A ward's page: its KPI cards, groups, timeline, pipeline and, for roles allowed, its lists.

import { query } from "../api.js";
import { maySeeLists, mayTakeSteps } from "../auth.js";
import { h, replace } from "../dom.js";
import { formatNumber, formatPercent, formatVND } from "../format.js";
import { fundUseRows } from "../funduse.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { kpiCards } from "../kpis.js";
import { groupPanel, pipelinePanel, timePanel, unavailablePanel } from "../panels.js";
import { wardByCode } from "../wards.js";
import { lineActions } from "../lineactions.js";
import { openStepDialog } from "../workflow.js";
import { listsPanel } from "./lists.js";

/**
 * The ward's residents' reports beside its money (signed-in roles): received, open, overdue, and
 * the share of closed ones that changed a line; the ward's officers and admins get a link to them.
 */
function feedbackSection(stats, ward, ctx) {
  const l = lang();
  const s = stats || { received: 0, open: 0, overdue: 0, closed: 0, changed: 0, changedShare: null };
  const figure = (key, label, value) => h("div", { class: "feedback-figure", dataset: { key } }, h("dt", {}, label), h("dd", {}, value));
  const officer = ctx.user && (ctx.user.role === "admin" || (ctx.user.role === "ward_officer" && (ctx.user.wards || []).some((w) => (w.code || w) === ward.code)));
  return h("section", { class: "card feedback-card", id: "ward-feedback", "aria-labelledby": "ward-feedback-title" },
    h("h2", { id: "ward-feedback-title" }, t("feedbackCardTitle")),
    s.received ? h("dl", { class: "feedback-figures" },
      figure("received", t("feedbackCardReceived"), formatNumber(s.received, l)),
      figure("open", t("feedbackCardOpen"), formatNumber(s.open, l)),
      figure("overdue", t("feedbackCardOverdue"), formatNumber(s.overdue, l)),
      figure("changed", t("feedbackCardChanged"), `${formatNumber(s.changed, l)}/${formatNumber(s.closed, l)}${s.changedShare == null ? "" : ` (${formatPercent(s.changedShare, l)})`}`))
      : h("p", { class: "note" }, t("feedbackCardNone")),
    officer ? h("p", { class: "no-print" }, h("a", { href: ctx.hrefFor({ page: "feedback" }), dataset: { nav: "" } }, t("title_feedback"))) : null);
}

/** Builds the ward page into main and returns the panels to draw once it is in the page. */
export function wardPage(main, ctx) {
  const { data, state, user } = ctx;
  const ward = wardByCode(state.ward);
  const back = h("a", { class: "back no-print", href: ctx.hrefFor({ page: "overview", ward: "" }), dataset: { nav: "" } }, t("backToOverview"));
  const crumbs = h("nav", { class: "crumbs", "aria-label": "breadcrumb" }, back);
  if (!ward) {
    main.append(crumbs, h("h1", { id: "page-title", tabindex: "-1" }, state.ward), h("p", { class: "notice" }, t("wardNotFound", { code: state.ward })));
    document.title = `${t("appTitle")} — ${state.ward}`;
    return [];
  }
  const panels = [
    data.byGroup ? groupPanel({ rows: data.byGroup.rows, ctx }) : unavailablePanel("groups", t("byGroup")),
    data.overTime ? timePanel({ rows: data.overTime.rows, ctx }) : unavailablePanel("time", t("overTime")),
    data.byGroup ? pipelinePanel({ rows: data.byGroup.rows, ctx }) : unavailablePanel("pipeline", t("pipeline")),
  ];
  main.append(
    crumbs,
    h("h1", { id: "page-title", tabindex: "-1" }, nameOf(ward)),
    ctx.contextLine,
    // Signed in: the ward's fund use against the ward's own allocation; visitors: no fund card.
    kpiCards(data.total.total, data.fundUse ? fundUseRows(data.fundUse) : null, { frozen: Boolean(data.official) }),
    ctx.feedback ? feedbackSection(ctx.feedback.get(ward.code), ward, ctx) : null,
    h("div", { class: "panels" }, panels.map((p) => p.section)),
    listsPanel({ ward, allowed: maySeeLists(user, ward.code), ctx, selection: mayTakeSteps(user, ward.code) ? lineSelection(ctx) : null }),
  );
  document.title = `${t("appTitle")} — ${nameOf(ward)}`;
  return panels;
}

/**
 * The ward's lines chosen one by one (or every line shown) and moved one step, with the bar and the
 * dialog of a list's page (lineactions.js): the step's date starts at the chosen lines' latest step.
 * After a step the page is drawn again, so that its figures follow.
 */
function lineSelection(ctx) {
  const l = lang();
  const bar = h("div", { class: "ward-line-actions no-print" });
  let la = null;
  const ready = query("WorkflowRules").then((data) => {
    la = lineActions({
      rules: data.workflowRules, role: ctx.user.role,
      labelOf: (n) => n.beneficiary?.fullName || n.id,
      onStep: (p) => openStepDialog({
        batch: { id: null }, step: p.step, to: p.to, from: p.from, lines: p.lines, amount: p.amount,
        opener: p.opener, selection: p.selection, lastStepOn: p.lastStepOn ?? null,
        title: t(`laStep_${p.step}`, { n: formatNumber(p.lines, l) }),
        summary: [
          t("wlSummary", { n: formatNumber(p.lines, l), amount: formatVND(p.amount, l),
            from: p.from.map((s) => word("status", s)).join(", "), to: word("status", p.to) }),
          p.skipped ? ` ${t("laSkipped", { n: formatNumber(p.skipped, l) })}` : "",
        ].join(""),
        onDone: () => ctx.dataChanged?.("#lists-title"),
        onRefused: () => {},
      }),
    });
    replace(bar, la.bar);
  }, () => {}); // without the rules the lines are shown without actions
  return {
    bar,
    ready,
    get column() {
      if (!la) return null;
      return { ...la.column, value: (e) => la.column.value(e.node), render: (e) => la.column.render(e.node) };
    },
    onLines: ({ edges }) => la?.setLines(edges.map((e) => e.node)),
  };
}
