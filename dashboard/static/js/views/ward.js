// A ward's page: its KPI cards, groups, timeline, pipeline and, for roles allowed, its lists.

import { maySeeLists } from "../auth.js";
import { h } from "../dom.js";
import { fundUseRows } from "../funduse.js";
import { nameOf, t } from "../i18n.js";
import { kpiCards } from "../kpis.js";
import { groupPanel, pipelinePanel, timePanel, unavailablePanel } from "../panels.js";
import { wardByCode } from "../wards.js";
import { listsPanel } from "./lists.js";

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
    kpiCards(data.total.total, data.fundUse ? fundUseRows(data.fundUse) : null),
    h("div", { class: "panels" }, panels.map((p) => p.section)),
    listsPanel({ ward, allowed: maySeeLists(user, ward.code), ctx }),
  );
  document.title = `${t("appTitle")} — ${nameOf(ward)}`;
  return panels;
}
