// The import page: a ward officer (or an admin) chooses the programme, group and ward, downloads
// the template, uploads a list, reads the dry run's report and commits or discards it. A kept
// upload lives in the URL (?page=import&upload=ID), so a reload reads its report again.

import { query, upload } from "../api.js";
import { batchFacts, mayPrintPosting, statusTable } from "../batch.js";
import { wardChoices } from "../choices.js";
import { h, replace } from "../dom.js";
import { formatBytes, formatDate, formatDateTime, formatNumber, formatVND, parseDate } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { pageTitle } from "../pages.js";
import { refusal } from "../workflow.js";

const reports = new Map(); // upload ID -> its latest report in this visit: no second request
let unkept = null; // the latest report the server did not keep (it had errors): this visit only
let flash = null; // a message for the next form (after a discard)

const COUNTS = [
  ["rows", "number"], ["accepted", "number"], ["warned", "number"], ["skipped", "number"], ["rejected", "number"],
  ["amount", "money"], ["people", "number"], ["newRecipients", "number"], ["replaced", "number"],
];

/** Builds the import page into main; resolves once its first content is shown. */
export async function importPage(main, ctx) {
  const { state } = ctx;
  pageTitle(main, "import");
  if (state.upload) {
    await keptUpload(main, ctx);
    return;
  }
  await form(main, ctx);
}

/** The page of a kept upload: its report, and what can still be done with it. */
async function keptUpload(main, ctx) {
  const id = ctx.state.upload;
  let report = reports.get(id);
  if (!report) {
    try {
      report = (await query("ImportUpload", { id })).importUpload;
    } catch (err) {
      if (!ctx.isCurrent()) return;
      main.append(h("div", { class: "notice notice-refused", id: "import-failed", role: "alert" }, refusal(err)), newImportLink(ctx, null));
      return;
    }
    if (!ctx.isCurrent()) return;
    if (!report) {
      main.append(h("p", { class: "notice", id: "import-failed", role: "alert" }, t("uploadNotFound", { id })), newImportLink(ctx, null));
      return;
    }
    reports.set(id, report);
  }
  const box = h("div", { id: "import-report-box" });
  main.append(h("nav", { class: "crumbs", "aria-label": t("breadcrumb") }, newImportLink(ctx, report)), box);
  showReport(box, report, ctx);
}

function newImportLink(ctx, report) {
  const change = report
    ? { upload: "", checked: "", file: "", program: report.program.code, group: report.group.code, ward: report.ward.code, fund: "", listed: "" }
    : { upload: "", checked: "", file: "" };
  return h("a", { class: "back", id: "import-new", href: ctx.hrefFor(change), dataset: { nav: "" } }, t("importAnother"));
}

/** The form: what the list is for, the template, the file; and below it the report of the last check. */
async function form(main, ctx) {
  const { state, meta, user } = ctx;
  const l = lang();
  let wards = [];
  let wardsError = null;
  try {
    wards = await wardChoices(user);
  } catch (err) {
    wardsError = err;
  }
  if (!ctx.isCurrent()) return;

  const programs = meta.programs;
  const limits = meta.importLimits;
  const maxMB = formatNumber(Math.floor(limits.maxFileBytes / (1 << 20)), l);
  const program = () => programs.find((p) => p.code === programSelect.value) || programs[0];
  const remember = (change) => ctx.replaceState(change);

  const programSelect = h("select", { id: "i-program", name: "program", required: true,
    on: { change: () => { fillGroups(); fillFunds(); remember({ program: programSelect.value, group: "", fund: "" }); } } },
  programs.map((p) => h("option", { value: p.code, selected: p.code === (state.program || programs[0]?.code) }, nameOf(p, l))));
  const groupSelect = h("select", { id: "i-group", name: "group", required: true, "aria-describedby": "i-group-error",
    on: { change: () => { templates(); remember({ group: groupSelect.value }); } } });
  const fundSelect = h("select", { id: "i-fund", name: "fund", "aria-describedby": "i-fund-hint",
    on: { change: () => remember({ fund: fundSelect.value }) } });
  // A ward officer picks one of their wards. An admin may import for any ward, also one without
  // lines yet: they type its official code, with the wards that have lines suggested; the server
  // refuses a code that names no ward.
  const anyWard = user?.role !== "ward_officer";
  const wardSelect = anyWard
    ? h("input", { id: "i-ward", name: "ward", type: "text", required: true, inputmode: "numeric", autocomplete: "off",
      size: "8", maxlength: "5", pattern: "[0-9]{5}", list: "i-ward-list", value: state.ward || "",
      "aria-describedby": "i-ward-hint i-ward-error", on: { change: () => remember({ ward: wardSelect.value.trim() }) } })
    : h("select", { id: "i-ward", name: "ward", required: true, "aria-describedby": "i-ward-error",
      on: { change: () => remember({ ward: wardSelect.value }) } },
    wards.length === 1 ? null : h("option", { value: "" }, t("chooseOne")),
    wards.map((w) => h("option", { value: w.code, selected: w.code === state.ward || wards.length === 1 }, `${nameOf(w, l)} (${w.code})`)));
  const wardList = anyWard
    ? h("datalist", { id: "i-ward-list" }, wards.map((w) => h("option", { value: w.code }, `${nameOf(w, l)} (${w.code})`)))
    : null;
  const listedInput = h("input", { id: "i-listed", name: "listed", type: "text", inputmode: "numeric", autocomplete: "off", size: "10",
    placeholder: t("datePlaceholder"), value: state.listed ? formatDate(state.listed) : "", "aria-describedby": "i-listed-hint i-listed-error",
    on: { change: () => { const iso = parseDate(listedInput.value); if (iso || !listedInput.value.trim()) remember({ listed: iso || "" }); } } });
  const fileInput = h("input", { id: "i-file", name: "file", type: "file", required: true, "aria-describedby": "i-file-hint i-file-error",
    accept: ".xlsx,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv,text/plain" });
  const templateBox = h("div", { class: "templates", id: "templates", "aria-live": "polite" });
  const formError = h("div", { class: "form-error", id: "import-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "button", id: "i-check" }, t("importCheck"));

  function fillGroups() {
    const chosen = groupSelect.value || state.group;
    replace(groupSelect,
      h("option", { value: "" }, t("chooseOne")),
      program().groups.map((g) => h("option", { value: g.code, selected: g.code === chosen }, nameOf(g, l))));
    templates();
  }
  function fillFunds() {
    const chosen = fundSelect.value || state.fund;
    replace(fundSelect,
      h("option", { value: "" }, t("fundDefault", { fund: program().funds[0] ? nameOf(program().funds[0], l) : "—" })),
      program().funds.map((f) => h("option", { value: f.code, selected: f.code === chosen }, nameOf(f, l))));
  }
  function templates() {
    const group = groupSelect.value;
    if (!group) {
      replace(templateBox, h("p", { class: "note" }, t("templateChooseGroup")));
      return;
    }
    const q = `program=${encodeURIComponent(program().code)}&group=${encodeURIComponent(group)}`;
    const name = nameOf(program().groups.find((g) => g.code === group), l);
    replace(templateBox,
      h("p", { class: "note" }, t("templateIntro", { group: name })),
      h("div", { class: "exports" },
        h("a", { class: "button-small", id: "template-xlsx", href: `intake/template.xlsx?${q}`, download: "" }, t("templateXLSX")),
        h("a", { class: "button-small", id: "template-csv", href: `intake/template.csv?${q}`, download: "" }, t("templateCSV"))));
  }
  fillGroups();
  fillFunds();

  const field = (id, label, control, { hint = null, error = false } = {}) =>
    h("div", { class: "field" },
      h("label", { for: id }, label),
      control,
      hint ? h("span", { class: "note", id: `${id}-hint` }, hint) : null,
      error ? h("span", { class: "field-error", id: `${id}-error` }) : null);

  // Not a live region: a report of thousands of rows would be read out. The report's title takes the
  // focus when it is shown, and its status says the outcome in one sentence.
  const reportBox = h("div", { id: "import-report-box" });
  const formEl = h("form", { class: "import-form", id: "import-form", novalidate: true, "aria-labelledby": "import-form-title",
    on: { submit: (e) => { e.preventDefault(); check(); } } },
  h("fieldset", { class: "import-step" },
    h("legend", {}, t("importStep1")),
    h("div", { class: "form-grid" },
      field("i-program", t("program"), programSelect),
      field("i-group", t("groups"), groupSelect, { error: true }),
      field("i-ward", t("wards"), wardSelect, { error: true,
        hint: wardsError ? t("wardsUnavailable", { message: wardsError.message }) : anyWard ? t("importWardCodeHint") : null }),
      wardList,
      field("i-fund", t("funds"), fundSelect, { hint: t("fundHint") }),
      field("i-listed", t("listedOn"), listedInput, { hint: t("listedHint"), error: true }))),
  h("fieldset", { class: "import-step" },
    h("legend", {}, t("importStep2")),
    templateBox),
  h("fieldset", { class: "import-step" },
    h("legend", {}, t("importStep3")),
    field("i-file", t("importFile"), fileInput, { hint: t("importFileHint", { mb: maxMB }), error: true }),
    formError,
    h("div", { class: "form-actions" }, submit)));

  main.append(
    h("p", { class: "intro" }, t("importIntro")),
    ...(flash ? [h("p", { class: "notice notice-ok", id: "import-flash", role: "status" }, flash)] : []),
    h("section", { class: "card", "aria-labelledby": "import-form-title" },
      h("h2", { id: "import-form-title" }, t("importFormTitle")),
      formEl),
    reportBox,
  );
  flash = null;

  if (state.checked) {
    if (unkept && unkept.status === state.checked && unkept.fileName === state.file) showReport(reportBox, unkept, ctx);
    else replace(reportBox, h("p", { class: "notice", id: "import-not-kept" }, t("reportNotKept", { file: state.file || "—", status: t(`importStatus_${state.checked}`) })));
  }

  function fail(input, message) {
    input.setAttribute("aria-invalid", "true");
    const slot = document.getElementById(`${input.id}-error`);
    if (slot) slot.textContent = message;
    return input;
  }

  async function check() {
    for (const el of formEl.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    for (const el of formEl.querySelectorAll(".field-error")) el.textContent = "";
    replace(formError);
    const bad = [];
    if (!groupSelect.value) bad.push(fail(groupSelect, t("fieldRequired", { field: t("groups") })));
    if (!wardSelect.value.trim()) bad.push(fail(wardSelect, t("fieldRequired", { field: t("wards") })));
    else if (anyWard && !/^[0-9]{5}$/.test(wardSelect.value.trim())) bad.push(fail(wardSelect, t("importWardCodeInvalid")));
    const listed = listedInput.value.trim() ? parseDate(listedInput.value) : "";
    if (listed === null) bad.push(fail(listedInput, t("dateInvalid")));
    const file = fileInput.files[0];
    if (!file) bad.push(fail(fileInput, t("importFileMissing")));
    else if (file.size === 0) bad.push(fail(fileInput, t("importFileEmpty")));
    // Said before a slow connection spends minutes sending what the server would refuse.
    else if (file.size > limits.maxFileBytes) bad.push(fail(fileInput, t("importFileTooBig", { mb: maxMB })));
    if (bad.length) {
      replace(formError, t("formHasErrors", { n: bad.length }));
      bad[0].focus();
      return;
    }
    const input = { program: program().code, group: groupSelect.value, ward: wardSelect.value.trim() };
    if (fundSelect.value) input.fund = fundSelect.value;
    if (listed) input.listedOn = listed;
    submit.disabled = true;
    submit.textContent = t("importChecking");
    replace(reportBox, h("section", { class: "card report", id: "import-report", dataset: { status: "CHECKING" }, "aria-busy": "true" },
      h("p", { class: "spinner" }, t("importCheckingFile", { file: file.name, size: formatBytes(file.size, l) }))));
    let report;
    try {
      report = (await upload("CheckImport", { input }, "input.file", file)).checkImport;
    } catch (err) {
      if (!ctx.isCurrent()) return; // the user went elsewhere meanwhile: nothing to show there
      submit.disabled = false;
      submit.textContent = t("importCheck");
      replace(reportBox, h("section", { class: "card report", id: "import-report", dataset: { status: "FAILED", code: err.code || err.kind } },
        h("h2", { id: "report-title" }, t("importFailedTitle", { file: file.name })),
        h("div", { class: "notice notice-refused", role: "alert" },
          err.kind === "tooLarge" ? [h("p", { class: "error-title" }, t("importTooLarge")), h("p", { lang: "vi" }, err.message)] : refusal(err))));
      fileInput.focus();
      return;
    }
    if (report.uploadId) reports.set(report.uploadId, report);
    // The user may have gone to another page while the file was checked: they stay there.
    if (!ctx.isCurrent()) return;
    if (report.uploadId) {
      ctx.navigate({ page: "import", upload: report.uploadId, checked: "", file: "" }, { keepFocus: "#report-title" });
    } else {
      unkept = report;
      ctx.navigate({ page: "import", checked: report.status, file: report.fileName, program: input.program, group: input.group, ward: input.ward },
        { keepFocus: "#report-title" });
    }
  }
}

/** The report of a check or a commit, with its actions. */
function showReport(box, report, ctx) {
  const l = lang();
  const kept = Boolean(report.uploadId);
  const message = h("div", { class: "form-error", id: "report-action-error", role: "alert" });
  const section = h("section", { class: `card report report-${tone(report.status)}`, id: "import-report", dataset: { status: report.status },
    "aria-labelledby": "report-title" });

  const actions = [];
  if (report.canCommit && kept) {
    const commit = h("button", { type: "button", class: "button", id: "import-commit" }, t("importCommit"));
    const discard = h("button", { type: "button", class: "button-small", id: "import-discard" }, t("importDiscard"));
    commit.addEventListener("click", async () => {
      commit.disabled = discard.disabled = true;
      commit.textContent = t("importCommitting");
      replace(message);
      try {
        const next = (await query("CommitImport", { id: report.uploadId })).commitImport;
        reports.set(report.uploadId, next);
        if (next.status === "COMMITTED") ctx.dataChanged();
        showReport(box, next, ctx);
        document.getElementById("report-title")?.focus();
      } catch (err) {
        commit.disabled = discard.disabled = false;
        commit.textContent = t("importCommit");
        replace(message, refusal(err));
        if (err.code === "CONFLICT") reports.delete(report.uploadId); // committed or dropped meanwhile: read it again on reload
        commit.focus();
      }
    });
    discard.addEventListener("click", async () => {
      commit.disabled = discard.disabled = true;
      replace(message);
      try {
        await query("DiscardImport", { id: report.uploadId });
        reports.delete(report.uploadId);
        flash = t("importDiscarded", { file: report.fileName });
        ctx.navigate({ upload: "", program: report.program.code, group: report.group.code, ward: report.ward.code }, { keepFocus: "#page-title" });
      } catch (err) {
        commit.disabled = discard.disabled = false;
        replace(message, refusal(err));
        discard.focus();
      }
    });
    actions.push(h("div", { class: "report-actions" }, commit, discard, h("p", { class: "note" }, t("importCommitHint"))));
  } else if (["HAS_ERRORS", "REFUSED", "ALREADY_IMPORTED"].includes(report.status) && !kept) {
    const again = document.getElementById("i-file");
    if (again) {
      actions.push(h("p", {}, h("button", { type: "button", class: "button-small", id: "import-again", on: { click: () => again.focus() } }, t("importChooseAgain"))));
    }
  }

  const facts = [
    [t("program"), nameOf(report.program, l)],
    [t("groups"), nameOf(report.group, l)],
    [t("wards"), `${nameOf(report.ward, l)} (${report.ward.code})`],
    [t("funds"), nameOf(report.fund, l)],
    [t("listedOn"), formatDate(report.listedOn)],
    [t("importFile"), [report.fileName, " ", h("span", { class: "note" }, `(${[report.format?.toUpperCase(), report.sheet, formatBytes(report.size, l)].filter(Boolean).join(", ")})`)]],
    [t("checkedBy"), t("byAt", { who: report.checkedBy, at: formatDateTime(report.checkedAt) })],
    report.committedAt ? [t("committedAt"), formatDateTime(report.committedAt)] : null,
  ].filter(Boolean);

  replace(box, section);
  replace(section,
    h("h2", { id: "report-title", tabindex: "-1" }, t(`reportTitle_${report.status}`, { file: report.fileName })),
    h("div", { class: `report-status tone-${tone(report.status)}`, id: "report-status" },
      h("p", { class: "report-status-title" }, h("span", { class: `badge tone-${tone(report.status)}` }, t(`importStatus_${report.status}`)), " ", t(`importStatusHint_${report.status}`, { listed: word("status", "LISTED") })),
      h("p", { class: "server-message", lang: "vi" }, report.message)),
    h("ul", { class: "counts", "aria-label": t("countsLabel") }, COUNTS.map(([key, kind]) =>
      h("li", { class: `count count-${key}${report[key] ? " nonzero" : ""}`, dataset: { count: key, value: String(report[key]) } },
        h("span", { class: "count-label" }, t(`count_${key}`)),
        h("span", { class: "count-value" }, kind === "money" ? formatVND(report[key], l) : formatNumber(report[key], l))))),
    actions,
    message,
    report.batch ? committedBatch(report, ctx) : null,
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    issuesPart(report),
    previewPart(report),
  );
  document.title = `${t("appTitle")} — ${t("title_import")} — ${report.fileName}`;
}

function tone(status) {
  return { READY: "ok", COMMITTED: "ok", HAS_ERRORS: "bad", REFUSED: "bad", ALREADY_IMPORTED: "info", DISCARDED: "info" }[status] || "info";
}

/** The list the commit wrote: its lines by status, its posting list, and the way to the approval chain. */
function committedBatch(report, ctx) {
  const b = report.batch;
  const listsHref = ctx.hrefFor({ page: "lists", wards: [report.ward.code], groups: [report.group.code], upload: "" });
  return h("section", { class: "batch-done", id: "import-batch", dataset: { batch: b.id }, "aria-labelledby": "import-batch-title" },
    h("h3", { id: "import-batch-title" }, t("importBatchTitle", { id: b.id })),
    h("p", { class: "batch-facts" }, batchFacts(b)),
    statusTable(b),
    h("p", { class: "batch-links" },
      h("a", { href: listsHref, id: "import-to-lists", dataset: { nav: "" } }, t("importToLists")),
      mayPrintPosting(ctx.user, report.ward.code) ? [" · ", h("a", { href: b.postingUrl.replace(/^\//, ""), id: "import-posting" }, t("postingList"))] : null));
}

function issuesPart(report) {
  const l = lang();
  if (!report.issueCount) return h("p", { class: "note", id: "import-no-issues" }, t("importNoIssues"));
  const truncated = report.issueCount > report.issues.length;
  const csv = report.reportUrl
    ? h("a", { class: "button-small", id: "import-report-csv", href: report.reportUrl.replace(/^\//, ""), download: "" }, t("importReportCSV"))
    : null;
  return h("section", { class: "report-part" }, // not a landmark: its table's region has the same name
    h("div", { class: "card-head" }, h("h3", { id: "issues-title" }, t("importIssues", { n: formatNumber(report.issueCount, l) })), csv),
    truncated
      ? h("p", { class: "notice notice-warn", id: "issues-truncated" },
        t("importIssuesTruncated", { shown: formatNumber(report.issues.length, l), total: formatNumber(report.issueCount, l) }), " ",
        report.reportUrl ? t("importIssuesFull") : t("importIssuesNoFull"))
      : null,
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "issues-title" },
      h("table", { class: "data issues", id: "import-issues" },
        h("caption", { class: "sr-only" }, t("importIssuesCaption")),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", class: "num" }, t("colRow")),
          h("th", { scope: "col" }, t("colColumn")),
          h("th", { scope: "col" }, t("colSeverity")),
          h("th", { scope: "col" }, t("colMessage")))),
        h("tbody", {}, report.issues.map((i) => h("tr", { class: `issue-${i.severity.toLowerCase()}`, dataset: { code: i.code, row: String(i.row) } },
          h("td", { class: "num", dataset: { label: t("colRow") } }, i.row === 0 ? t("wholeFile") : String(i.row)),
          h("td", { dataset: { label: t("colColumn") } }, i.column || "—"),
          h("td", { dataset: { label: t("colSeverity") } }, h("span", { class: `badge tone-${i.severity === "ERROR" ? "bad" : "warn"}` }, t(`severity_${i.severity}`))),
          h("td", { lang: "vi", class: "issue-message" }, i.message)))))));
}

function previewPart(report) {
  const l = lang();
  if (!report.preview.length) return null;
  const money = (v) => (v == null ? "—" : formatVND(v, l));
  return h("section", { class: "report-part" }, // not a landmark: its table's region has the same name
    h("h3", { id: "preview-title" }, t("importPreview", { n: formatNumber(report.preview.length, l), total: formatNumber(report.rows, l) })),
    h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "preview-title" },
      h("table", { class: "data preview", id: "import-preview" },
        h("caption", { class: "sr-only" }, t("importPreviewCaption")),
        h("thead", {}, h("tr", {},
          [["colRow", true], ["colOutcome"], ["colRecipient"], ["colCitizenId"], ["colPeople", true], ["colMonths", true], ["colAmount", true], ["colAmountDue", true]]
            .map(([key, num]) => h("th", { scope: "col", class: num ? "num" : null }, t(key))))),
        h("tbody", {}, report.preview.map((r) => h("tr", { class: `outcome-${r.outcome.toLowerCase()}`, dataset: { row: String(r.row) } },
          h("td", { class: "num" }, String(r.row)),
          h("td", {}, h("span", { class: `badge tone-${{ ACCEPTED: "ok", WARNING: "warn", SKIPPED: "info", ERROR: "bad" }[r.outcome]}` }, t(`outcome_${r.outcome}`))),
          h("td", {}, r.fullName || "—"),
          h("td", {}, r.citizenId || "—"),
          h("td", { class: "num" }, r.people == null ? "—" : formatNumber(r.people, l)),
          h("td", { class: "num" }, r.months == null ? "—" : formatNumber(r.months, l)),
          h("td", { class: `num${r.amountDue != null && r.amount != null && r.amount !== r.amountDue ? " differs" : ""}` }, money(r.amount)),
          h("td", { class: "num" }, money(r.amountDue))))))));
}
