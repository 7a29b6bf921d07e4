// The working group's page ("Giám sát", supervisors and admins): every ward's figures and spot-check
// results, the spot checks (draw a reproducible sample of a ward's paid lines, record each visit's
// result) and the anomalies found in the lines, each with its lines. The rules behind them are the
// API's (internal/supervision); every recipient shown in full to the working group is recorded in
// the audit trail by the API.

import { query } from "../api.js";
import { wardFilterChoices } from "../choices.js";
import { h, replace } from "../dom.js";
import { formatDate, formatDateTime, formatDecimal, formatNumber, formatPercent, formatVND, parseDate, todayISO } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { pageTitle } from "../pages.js";
import { refusal } from "../workflow.js";

/** The results of a visit, in the order offered. */
export const RESULTS = ["CONFIRMED", "WRONG_PERSON", "NOT_FOUND", "AMOUNT_NOT_RECEIVED"];

/** Builds the page into main; resolves once the board (and the spot check in the URL) is shown. */
export async function supervisionPage(main, ctx) {
  const { state, user } = ctx;
  pageTitle(main, "supervision");
  const message = h("div", { id: "sv-message", class: "lists-message", role: "status", "aria-live": "polite" });
  const checkBox = h("section", { id: "sv-check", "aria-labelledby": "sv-checks-title" });
  const wardsBox = h("section", { id: "sv-wards", "aria-labelledby": "sv-wards-title" });
  const anomaliesBox = h("section", { id: "sv-anomalies", "aria-labelledby": "sv-anomalies-title" });
  main.append(h("p", { class: "intro" }, t("svIntro")), message, checkBox, wardsBox, anomaliesBox);

  const wardChoices = await wardFilterChoices(user, state.wards[0] || "");
  if (!ctx.isCurrent()) return;

  const fail = (box, err) => replace(box, h("div", { class: "notice notice-refused", role: "alert", dataset: { code: err.code || err.kind } }, refusal(err)));

  const loadBoard = async () => {
    wardsBox.setAttribute("aria-busy", "true");
    try {
      const data = await query("SupervisionBoard", { wards: state.wards.length ? state.wards : null });
      if (!ctx.isCurrent()) return;
      showWards(data.supervisionBoard);
      showAnomalies(data.supervisionBoard);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      fail(wardsBox, err);
    } finally {
      wardsBox.setAttribute("aria-busy", "false");
    }
  };

  const showWards = (board) => {
    const l = lang();
    const num = (n, extra = "") => h("td", { class: `num ${extra}`.trim() }, formatNumber(n, l));
    replace(wardsBox,
      h("h2", { id: "sv-wards-title" }, t("svWardsTitle")),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("svWardsTable") }, h("table", { class: "data", id: "sv-wards-table" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("colWard")),
          h("th", { scope: "col", class: "num" }, t("svAnomalies")),
          h("th", { scope: "col", class: "num sv-wide" }, t("svPaidPerRecipient")),
          h("th", { scope: "col", class: "num sv-wide" }, t("svReturnedShare")),
          h("th", { scope: "col", class: "num" }, t("svDrawn")),
          h("th", { scope: "col", class: "num" }, t("svVisited")),
          RESULTS.map((r) => h("th", { scope: "col", class: r === "NOT_FOUND" ? "num" : "num sv-wide" }, t(`svResult_${r}`))))),
        h("tbody", {}, board.wards.map((w) => h("tr", { dataset: { ward: w.ward.code, notFound: String(w.spotChecks.notFound) } },
          h("th", { scope: "row" }, nameOf(w.ward, l)),
          num(w.anomalies),
          h("td", { class: "num sv-wide" }, w.paidPerRecipient == null ? "—" : formatVND(Math.round(w.paidPerRecipient), l)),
          h("td", { class: "num sv-wide" }, w.returnedShare == null ? "—" : formatPercent(w.returnedShare, l)),
          num(w.spotChecks.drawn), num(w.spotChecks.visited),
          num(w.spotChecks.confirmed, "sv-wide"), num(w.spotChecks.wrongPerson, "sv-wide"), num(w.spotChecks.notFound, "sv-not-found"), num(w.spotChecks.amountNotReceived, "sv-wide")))))));
  };

  const showAnomalies = (board) => {
    const l = lang();
    const byKind = new Map();
    for (const a of board.anomalies) {
      if (!byKind.has(a.kind)) byKind.set(a.kind, []);
      byKind.get(a.kind).push(a);
    }
    replace(anomaliesBox,
      h("h2", { id: "sv-anomalies-title" }, t("svAnomaliesTitle", { n: formatNumber(board.anomalies.length, l) })),
      board.truncated ? h("p", { class: "note" }, t("svTruncated")) : null,
      board.anomalies.length ? null : h("p", { class: "notice notice-ok", id: "sv-no-anomalies" }, t("svNoAnomalies")),
      [...byKind].map(([kind, items]) => h("section", { class: "sv-kind", dataset: { kind } },
        h("h3", {}, `${t(`svKind_${kind}`)} (${formatNumber(items.length, l)})`),
        h("p", { class: "note" }, t(`svRule_${kind}`, {
          days: kind === "PAID_LONG_AFTER_APPROVAL" ? board.rules.paidAfterApprovalDays : board.rules.approvedAfterPostingDays,
          z: formatDecimal(board.rules.outlierZ, l),
        })),
        items.map((a) => anomaly(a)))));
  };

  /** One anomaly: a summary line that opens to its lines. */
  const anomaly = (a) => {
    const l = lang();
    const where = [nameOf(a.ward, l), a.otherWard ? nameOf(a.otherWard, l) : null].filter(Boolean).join(" · ");
    const bits = [where];
    if (a.group) bits.push(nameOf(a.group, l));
    if (a.key) bits.push(a.key);
    bits.push(measureText(a, l));
    bits.push(t("svLineCount", { n: formatNumber(a.lineCount, l) }));
    return h("details", { class: "sv-anomaly", dataset: { kind: a.kind, ward: a.ward.code } },
      h("summary", {}, bits.join(" — ")),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": bits.join(" — ") }, h("table", { class: "data" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("svRecipient")), h("th", { scope: "col" }, t("svCitizenId")),
          h("th", { scope: "col" }, t("svGroup")), h("th", { scope: "col", class: "num" }, t("svAmount")),
          h("th", { scope: "col" }, t("svStatus")), h("th", { scope: "col" }, t("svPaidOn")))),
        h("tbody", {}, a.lines.map((line) => h("tr", { dataset: { line: line.id } },
          h("th", { scope: "row" }, h("a", { href: `./?page=recipient&id=${line.beneficiary.id}`, dataset: { nav: "" } }, line.beneficiary.fullName)),
          h("td", {}, line.beneficiary.citizenId || "—"),
          h("td", {}, nameOf(line.group, l)),
          h("td", { class: "num" }, formatVND(line.amount, l)),
          h("td", {}, word("status", line.status)),
          h("td", {}, line.paidOn ? formatDate(line.paidOn) : "—")))))),
      a.lineCount > a.lines.length ? h("p", { class: "note" }, t("svMoreLines", { n: formatNumber(a.lineCount - a.lines.length, l) })) : null);
  };

  const measureText = (a, l) => {
    const typical = a.typical == null ? "" : a.typical;
    switch (a.kind) {
      case "AMOUNT_OFF_RULE": return t("svMeasureAmount", { amount: formatVND(a.measure, l), due: formatVND(typical, l) });
      case "PAID_PER_RECIPIENT_OUTLIER": return t("svMeasureVs", { value: formatVND(Math.round(a.measure), l), typical: formatVND(Math.round(typical), l) });
      case "RETURNED_SHARE_OUTLIER": return t("svMeasureVs", { value: formatPercent(a.measure, l), typical: formatPercent(typical, l) });
      case "LARGE_HOUSEHOLD": return t("svMeasureMembers", { n: formatNumber(a.measure, l), typical: formatDecimal(typical, l) });
      case "PAID_LONG_AFTER_APPROVAL":
      case "APPROVED_LONG_AFTER_POSTING": return t("svMeasureDays", { n: formatNumber(a.measure, l), limit: formatNumber(typical, l) });
      case "SHARED_ADDRESS": return t("svMeasureRecipients", { n: formatNumber(a.measure, l), typical: formatDecimal(typical, l) });
      case "SHARED_RECEIPT": return t("svMeasureShared", { n: formatNumber(a.measure, l) });
      case "SAME_PERSON_TWO_WARDS": return t("svMeasureWards", { n: formatNumber(a.measure, l) });
      case "SAME_PERSON_TWICE_IN_PROGRAM": return t("svMeasureGroups", { n: formatNumber(a.measure, l) });
      case "SPOT_CHECK_FAILED": return t("svMeasureFailed", { n: formatNumber(a.measure, l) });
      default: return "";
    }
  };

  // The spot checks: the form to draw one, the one in the URL with its lines, the latest ones.
  const drawForm = (ward) => {
    const l = lang();
    const wardSelect = h("select", { id: "sv-ward", name: "ward", required: true },
      h("option", { value: "" }, t("svChooseWard")),
      wardChoices.map((w) => h("option", { value: w.code, selected: w.code === ward }, `${nameOf(w, l)} (${w.code})`)));
    const sizeInput = h("input", { id: "sv-size", name: "size", type: "number", min: "1", max: "200", value: "5", inputmode: "numeric", size: "4" });
    const seedInput = h("input", { id: "sv-seed", name: "seed", type: "text", autocomplete: "off", spellcheck: "false", maxlength: "64", size: "16", "aria-describedby": "sv-seed-note" });
    const button = h("button", { type: "submit", class: "button", id: "sv-draw" }, t("svDraw"));
    const error = h("div", { id: "sv-draw-error", role: "alert" });
    const field = (id, label, control, extra = null) => h("div", { class: "field" }, h("label", { for: id }, label), control, extra);
    return h("form", { class: "filters-inline", id: "sv-draw-form", novalidate: true,
      on: {
        submit: async (e) => {
          e.preventDefault();
          replace(error);
          if (!wardSelect.value) {
            replace(error, h("p", { class: "field-error" }, t("svChooseWard")));
            wardSelect.focus();
            return;
          }
          button.disabled = true;
          try {
            const input = { ward: wardSelect.value, size: Number(sizeInput.value), seed: seedInput.value.trim() || null };
            const data = await query("DrawSpotCheck", { input });
            ctx.navigate({ page: "supervision", check: data.drawSpotCheck.id, wards: state.wards });
          } catch (err) {
            replace(error, h("div", { class: "notice notice-refused" }, refusal(err)));
          } finally {
            button.disabled = false;
          }
        },
      } },
      field("sv-ward", t("colWard"), wardSelect),
      field("sv-size", t("svSize"), sizeInput),
      field("sv-seed", t("svSeed"), seedInput, h("span", { class: "note", id: "sv-seed-note" }, t("svSeedNote"))),
      h("div", { class: "field field-button" }, button),
      error);
  };

  const showCheck = (c) => {
    const l = lang();
    const rows = c.lines.map((cl) => visitRow(c, cl));
    return h("div", { class: "sv-check", id: `sv-check-${c.id}`, dataset: { check: c.id } },
      h("h3", {}, t("svCheckTitle", { id: c.id, ward: nameOf(c.ward, l) })),
      h("p", { class: "note", id: "sv-check-facts", dataset: { drawNumber: c.drawNumber ?? "", drawLimit: c.drawLimit ?? "" } }, t("svCheckFacts", {
        draw: c.drawNumber ? t("svDrawNumber", { n: c.drawNumber, limit: c.drawLimit, day: formatDate(c.drawnOn) }) : t("svDrawUnnumbered", { day: formatDate(c.drawnOn) }),
        seedKind: c.seedGiven === false ? t("svSeedRandom") : c.seedGiven ? t("svSeedTyped") : "—",
        n: formatNumber(c.lines.length, l), population: formatNumber(c.population, l), seed: c.seed,
        by: c.createdBy, at: formatDateTime(c.createdAt), digest: c.populationDigest.slice(0, 16),
      })),
      h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("svCheckTitle", { id: c.id, ward: nameOf(c.ward, l) }) }, h("table", { class: "data", id: "sv-check-lines" },
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", class: "num" }, "#"), h("th", { scope: "col" }, t("svRecipient")),
          h("th", { scope: "col" }, t("svCitizenId")), h("th", { scope: "col" }, t("svAddress")),
          h("th", { scope: "col", class: "num" }, t("svAmount")), h("th", { scope: "col" }, t("svPaidOn")),
          h("th", { scope: "col" }, t("svVisit")))),
        h("tbody", {}, rows))));
  };

  /** One drawn line with its visit: the result, the day and a note, saved by its own button. */
  const visitRow = (c, cl) => {
    const l = lang();
    const id = `sv-line-${cl.line.id}`;
    const resultSelect = h("select", { id: `${id}-result`, "aria-label": t("svResultFor", { name: cl.line.beneficiary.fullName }) },
      h("option", { value: "" }, t("svNotVisited")),
      RESULTS.map((r) => h("option", { value: r, selected: r === cl.result }, t(`svResult_${r}`))));
    const dateInput = h("input", { id: `${id}-date`, type: "text", inputmode: "numeric", autocomplete: "off", size: "10", placeholder: t("datePlaceholder"),
      value: formatDate(cl.visitedOn || todayISO()), "aria-label": t("svVisitedOn") });
    const noteInput = h("input", { id: `${id}-note`, type: "text", maxlength: "1000", value: cl.note || "", size: "14", "aria-label": t("svNote") });
    const status = h("span", { class: "sv-saved", role: "status" }, cl.result ? t("svRecorded", { who: cl.recordedBy || "", on: formatDate(cl.visitedOn) }) : "");
    const save = h("button", { type: "button", class: "button-small", id: `${id}-save`,
      on: {
        click: async () => {
          if (!resultSelect.value) {
            replace(status, t("svChooseResult"));
            resultSelect.focus();
            return;
          }
          const visitedOn = parseDate(dateInput.value);
          if (!visitedOn) {
            dateInput.setAttribute("aria-invalid", "true");
            replace(status, h("span", { class: "field-error" }, t("dateInvalid")));
            dateInput.focus();
            return;
          }
          dateInput.removeAttribute("aria-invalid");
          save.disabled = true;
          try {
            const data = await query("RecordSpotCheckVisit", { input: { checkId: c.id, lineId: cl.line.id, result: resultSelect.value, visitedOn, note: noteInput.value } });
            const v = data.recordSpotCheckVisit;
            replace(status, t("svRecorded", { who: v.recordedBy, on: formatDate(v.visitedOn) }));
            tr.dataset.result = v.result;
            await Promise.all([loadBoard(), loadList()]);
          } catch (err) {
            replace(status, h("span", { class: "field-error" }, refusal(err)));
          } finally {
            save.disabled = false;
          }
        },
      } }, t("svSave"));
    const tr = h("tr", { id, dataset: { line: cl.line.id, result: cl.result || "" } },
      h("td", { class: "num" }, String(cl.position)),
      h("th", { scope: "row" }, h("a", { href: `./?page=recipient&id=${cl.line.beneficiary.id}`, dataset: { nav: "" } }, cl.line.beneficiary.fullName)),
      h("td", {}, cl.line.beneficiary.citizenId || "—"),
      h("td", {}, cl.line.beneficiary.address || "—"),
      h("td", { class: "num" }, formatVND(cl.line.amount, l)),
      h("td", {}, cl.line.paidOn ? formatDate(cl.line.paidOn) : "—"),
      h("td", { class: "sv-visit" }, resultSelect, dateInput, noteInput, save, status));
    return tr;
  };

  const listBox = h("div", { id: "sv-checks-latest" });

  /** The latest spot checks, each with how many of its lines were visited. */
  const loadList = async () => {
    const l = lang();
    const list = await query("SpotChecks", { wards: state.wards.length ? state.wards : null, first: 20 });
    if (!ctx.isCurrent()) return;
    replace(listBox, list.spotChecks.length ? [h("h3", {}, t("svLatestChecks")), h("ul", { class: "sv-checks", id: "sv-checks-list" }, list.spotChecks.map((c) => h("li", { dataset: { check: c.id, drawNumber: c.drawNumber ?? "" } },
      h("a", { href: ctx.hrefFor({ page: "supervision", check: c.id }), dataset: { nav: "" }, "aria-current": c.id === state.check ? "true" : null },
        t("svCheckItem", { id: c.id, ward: nameOf(c.ward, l), n: formatNumber(c.lines.length, l),
          draw: c.drawNumber ? t("svDrawShort", { n: c.drawNumber, limit: c.drawLimit }) : t("svDrawShortUnnumbered"), visited: formatNumber(c.lines.filter((x) => x.result).length, l), at: formatDateTime(c.createdAt), by: c.createdBy })))))] : []);
  };

  const showChecks = async () => {
    const parts = [h("h2", { id: "sv-checks-title" }, t("svChecksTitle")), h("p", { class: "note" }, t("svChecksNote"))];
    try {
      // The form offers the ward of the check shown (to draw there again), or the page's ward.
      const check = state.check ? (await query("SpotCheck", { id: state.check })).spotCheck : null;
      parts.push(drawForm(check?.ward.code || state.wards[0]));
      if (check) parts.push(showCheck(check));
      parts.push(listBox);
      await loadList();
      if (!ctx.isCurrent()) return;
      replace(checkBox, parts);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (parts.length === 2) parts.push(drawForm(state.wards[0]));
      replace(checkBox, parts);
      checkBox.append(h("div", { class: "notice notice-refused", role: "alert", dataset: { code: err.code || err.kind } }, refusal(err)));
    }
  };

  await Promise.all([loadBoard(), showChecks()]);
}
