// The overview: the payment rounds (signed-in roles), KPI cards, then per ward, per group, over time, funds and the pipeline.

import { h } from "../dom.js";
import { frozenAllocations, fundUseRows, visitorFundRows } from "../funduse.js";
import { programParts } from "../filters.js";
import { nameOf, t } from "../i18n.js";
import { kpiCards } from "../kpis.js";
import { mapPanel } from "../map.js";
import { mapProvinces, mapWardRows } from "../mapdata.js";
import { fundPanel, fundRows, groupPanel, pipelinePanel, timePanel, unavailablePanel, wardPanel } from "../panels.js";
import { roundLines } from "../rounds.js";

/** Builds the overview into main and returns the panels to draw once it is in the page. */
export function overview(main, ctx) {
  const { data, meta, program, state } = ctx;
  const { prog, funds: allFunds } = programParts(meta, program);
  // Visitors: a part the public figures do not hold for this filter is a card saying so.
  // Signed in: each fund's allocation at the scope in view (fundUse, a snapshot's as it stood);
  // visitors: the whole area's (an official snapshot's as frozen with it).
  const inFilter = state.funds.length ? allFunds.filter((f) => state.funds.includes(f.code)) : allFunds;
  const funds = data.fundUse ? fundUseRows(data.fundUse)
    : data.byFund ? visitorFundRows(fundRows(frozenAllocations(inFilter, data.frozenFunds), data.byFund.rows), state) : null;
  const panels = [
    data.byWard ? wardPanel({ rows: data.byWard.rows, ctx }) : unavailablePanel("wards", t("byWard")),
    data.byWard ? mapPanel({ rows: mapWardRows(data.byWard.rows), ctx, provinces: () => mapProvinces(ctx) }) : unavailablePanel("map", t("mapTitle")),
    data.byGroup ? groupPanel({ rows: data.byGroup.rows, ctx }) : unavailablePanel("groups", t("byGroup")),
    data.overTime ? timePanel({ rows: data.overTime.rows, ctx }) : unavailablePanel("time", t("overTime")),
    funds ? fundPanel({ funds, ctx }) : unavailablePanel("funds", t("fundsTitle")),
    data.byGroup ? pipelinePanel({ rows: data.byGroup.rows, ctx }) : unavailablePanel("pipeline", t("pipeline")),
  ];
  main.append(
    h("h1", { id: "page-title", tabindex: "-1" }, prog ? nameOf(prog) : t("allProgramsTitle")),
    ctx.contextLine,
    ...[data.byRound && roundLines(data.byRound.rows, ctx.hrefFor)].filter(Boolean), // none for visitors
    kpiCards(data.total.total, funds, { frozen: Boolean(data.official) }),
    h("div", { class: "panels" }, panels.map((p) => p.section)),
  );
  document.title = `${t("appTitle")} — ${prog ? prog.code : t("allPrograms")}`;
  return panels;
}
