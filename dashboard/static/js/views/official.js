// The official figures page (số liệu chính thức), for leaders, analysts and admins: the snapshots
// made so far, each with its figures (the overview from the snapshot), a comparison with the data
// now (which wards or groups changed and the lines that explain it) and, for leaders and admins,
// the report to sign (DOCX, PDF), the form that freezes the current figures and the withdrawal.

import { query } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDateTime, formatNumber, formatVND } from "../format.js";
import { lang, nameOf, t } from "../i18n.js";
import { pageTitle } from "../pages.js";
import { dataTable } from "../table.js";
import { refusal } from "../workflow.js";

const signerKey = "hotro.reportSigner";

/** Builds the page into main; resolves once the snapshots (or the comparison) are shown. */
export async function officialPage(main, ctx) {
  const { state, user } = ctx;
  pageTitle(main, "official");
  const maker = user.role === "leader" || user.role === "admin";
  const message = h("div", { id: "official-message", "aria-live": "polite" });
  const body = h("div", { id: "official-body" });
  main.append(message, body);
  const reload = async () => {
    const { snapshots } = await query("Snapshots");
    if (!ctx.isCurrent()) return null;
    replace(body,
      snapshots.length ? listTable(snapshots, ctx, maker, done) : h("p", { class: "notice", id: "snap-none" }, t("snapNone")),
      maker && snapshots.some((s) => s.official) ? reportForm(snapshots.filter((s) => s.official)) : null);
    return snapshots;
  };
  // After a write: the list again, and what happened (or why not) above it.
  const done = async (err, text) => {
    if (err) {
      replace(message, h("div", { class: "notice notice-refused", role: "alert" }, refusal(err)));
      return;
    }
    ctx.dataChanged();
    await reload();
    replace(message, h("p", { class: "notice notice-ok", role: "status", id: "official-done" }, text));
  };
  if (state.id) {
    const { snapshots } = await query("Snapshots");
    if (!ctx.isCurrent()) return;
    await diffView(body, ctx, snapshots.find((s) => s.id === state.id));
    return;
  }
  if (maker) main.insertBefore(createForm(done), message);
  await reload();
}

function createForm(done) {
  const name = h("input", { id: "snap-name", name: "name", type: "text", required: true, maxlength: "200", size: "24", placeholder: t("snapNamePlaceholder") });
  const doc = h("input", { id: "snap-document", name: "document", type: "text", required: true, maxlength: "200", size: "40", placeholder: t("snapDocumentPlaceholder") });
  const button = h("button", { type: "submit", class: "button", id: "snap-create" }, t("snapCreate"));
  return h("form", { class: "snap-form no-print", id: "snap-form", "aria-labelledby": "snap-form-title",
    on: {
      submit: async (e) => {
        e.preventDefault();
        button.disabled = true;
        try {
          const { createSnapshot } = await query("CreateSnapshot", { name: name.value, document: doc.value });
          name.value = "";
          doc.value = "";
          await done(null, t("snapCreated", { name: createSnapshot.name }));
        } catch (err) {
          await done(err);
        } finally {
          button.disabled = false;
        }
      },
    } },
  h("h2", { id: "snap-form-title" }, t("snapCreateTitle")),
  h("p", { class: "note" }, t("snapCreateHint")),
  h("div", { class: "filters-inline" },
    h("div", { class: "field" }, h("label", { for: "snap-name" }, t("snapName")), name),
    h("div", { class: "field" }, h("label", { for: "snap-document" }, t("snapDocument")), doc),
    h("div", { class: "form-actions" }, button)));
}

function listTable(snapshots, ctx, maker, done) {
  const l = lang();
  const withdraw = (s) => {
    const reason = h("input", { type: "text", id: `snap-reason-${s.id}`, maxlength: "1000", size: "18", required: true, "aria-label": t("snapReason"), placeholder: t("snapReason") });
    return h("form", { class: "inline-form", on: {
      submit: async (e) => {
        e.preventDefault();
        try {
          await query("WithdrawSnapshot", { id: s.id, reason: reason.value });
          await done(null, t("snapWithdrawn_ok", { name: s.name }));
        } catch (err) {
          await done(err);
        }
      },
    } }, reason, h("button", { type: "submit", class: "button-small", id: `snap-withdraw-${s.id}` }, t("snapWithdraw")));
  };
  const columns = [
    { key: "name", label: t("snapColName"), value: (s) => s.name,
      render: (s) => [h("strong", {}, s.name), h("br"), h("span", { class: "note" }, s.document)] },
    { key: "made", label: t("snapColMade"), value: (s) => s.createdAt,
      render: (s) => [formatDateTime(s.createdAt), s.createdBy ? ` · ${s.createdBy}` : "", h("br"), h("span", { class: "note" }, t("snapLines", { n: formatNumber(s.lines, l) }))] },
    { key: "state", label: t("snapColState"), value: (s) => s.official, render: (s) => s.official ? t("snapOfficial") : t("snapWithdrawn", { reason: s.withdrawnReason }) },
    { key: "actions", label: t("snapColActions"), value: () => "",
      render: (s) => h("div", { class: "snap-actions" },
        h("a", { href: ctx.hrefFor({ page: "overview", official: s.id, id: "" }), dataset: { nav: "" }, id: `snap-view-${s.id}` }, t("snapView")),
        h("a", { href: ctx.hrefFor({ page: "official", id: s.id }), dataset: { nav: "" }, id: `snap-diff-${s.id}` }, t("snapDiff")),
        maker && s.official ? withdraw(s) : null) },
  ];
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("snapListTitle") },
    dataTable({ caption: t("snapListTitle"), columns, rows: snapshots, className: "snapshots-table", cards: true }));
}

/** The report to sign: the signer (remembered in this browser) and the two downloads. */
function reportForm(official) {
  const saved = JSON.parse(localStorage.getItem(signerKey) || "{}");
  const select = h("select", { id: "report-snapshot" }, official.map((s) => h("option", { value: s.id }, s.name)));
  const signer = h("input", { id: "report-signer", type: "text", size: "22", value: saved.signer || "" });
  const position = h("input", { id: "report-position", type: "text", size: "16", value: saved.position || "CHỦ TỊCH" });
  const docx = h("a", { class: "button-small", id: "report-docx" }, t("snapDownloadDocx"));
  const pdf = h("a", { class: "button-small", id: "report-pdf" }, t("snapDownloadPdf"));
  const update = () => {
    const q = new URLSearchParams({ signer: signer.value.trim(), position: position.value.trim() }).toString();
    docx.href = `reports/${select.value}.docx?${q}`;
    pdf.href = `reports/${select.value}.pdf?${q}`;
    localStorage.setItem(signerKey, JSON.stringify({ signer: signer.value, position: position.value }));
  };
  for (const input of [select, signer, position]) input.addEventListener("input", update);
  update();
  return h("section", { class: "report-form no-print", id: "report-form", "aria-labelledby": "report-title" },
    h("h2", { id: "report-title" }, t("snapReportTitle")),
    h("p", { class: "note" }, t("snapReportHint")),
    h("div", { class: "filters-inline" },
      h("div", { class: "field" }, h("label", { for: "report-snapshot" }, t("snapColName")), select),
      h("div", { class: "field" }, h("label", { for: "report-signer" }, t("snapSigner")), signer),
      h("div", { class: "field" }, h("label", { for: "report-position" }, t("snapPosition")), position),
      h("div", { class: "form-actions" }, docx, pdf)));
}

/** Which wards or groups changed since the snapshot, by how much, and the lines that explain it. */
async function diffView(body, ctx, snap) {
  const { state } = ctx;
  const l = lang();
  const data = await query("SnapshotDiff", { from: state.id, to: "now", groupBy: [state.by] });
  if (!ctx.isCurrent()) return;
  const d = data.snapshotDiff;
  const cells = d.cells;
  const rowName = (r) => state.by === "GROUP" ? nameOf(r.row.group, l) : `${nameOf(r.row.ward, l)} (${r.row.ward.code})`;
  const change = (a, b) => `${b > a ? "+" : ""}${formatNumber(b - a, l)}`;
  const changeVND = (a, b) => `${b > a ? "+" : ""}${formatVND(b - a, l)}`;
  const lines = (r) => h("ul", { class: "diff-lines" },
    r.lines.map((x) => h("li", {}, t("diffLine", { id: x.id, reasons: x.reasons.map((k) => t(`reason_${k}`)).join(", ") }),
      x.before && x.after && x.before.amount !== x.after.amount ? ` (${formatVND(x.before.amount, l)} → ${formatVND(x.after.amount, l)})` : "")),
    r.linesCount > r.lines.length ? h("li", {}, t("diffMoreLines", { n: formatNumber(r.linesCount - r.lines.length, l) })) : null);
  const columns = [
    { key: "row", label: t("diffColRow"), value: rowName },
    { key: "before", label: t("diffColBefore"), numeric: true, value: (r) => r.before.amountPaid, render: (r) => formatVND(r.before.amountPaid, l) },
    { key: "after", label: t("diffColAfter"), numeric: true, value: (r) => r.after.amountPaid, render: (r) => formatVND(r.after.amountPaid, l) },
    { key: "change", label: t("diffColChange"), numeric: true, value: (r) => r.after.amountPaid - r.before.amountPaid,
      render: (r) => [changeVND(r.before.amountPaid, r.after.amountPaid), h("br"), h("span", { class: "note" }, t("diffCounts", { lines: change(r.before.disbursements, r.after.disbursements), people: change(r.before.peopleSupported, r.after.peopleSupported) }))] },
    { key: "lines", label: t("diffColLines"), value: (r) => r.linesCount, render: lines },
  ];
  const by = (value, label) => h("a", { class: "button-small", href: ctx.hrefFor({ by: value }), dataset: { nav: "" }, "aria-current": state.by === value ? "true" : null, id: `diff-by-${value.toLowerCase()}` }, label);
  replace(body,
    h("h2", { id: "diff-title" }, t("diffTitle", { name: snap ? snap.name : d.from.name })),
    h("p", { class: "note" }, d.from.document),
    h("p", { class: "filters-inline no-print", id: "diff-by" }, t("diffBy"), " ", by("WARD", t("diffByWard")), " ", by("GROUP", t("diffByGroup"))),
    h("p", { id: "diff-summary" }, t("diffSummary", {
      lines: formatNumber(d.linesChanged, l), before: formatVND(cells.before.amountPaid, l), after: formatVND(cells.after.amountPaid, l),
      pb: formatNumber(cells.before.peopleSupported, l), pa: formatNumber(cells.after.peopleSupported, l) })),
    cells.rows.length
      ? h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "diff-title" },
        dataTable({ caption: t("diffCaption", { by: state.by === "GROUP" ? t("diffByGroup") : t("diffByWard") }), columns, rows: cells.rows, className: "diff-table", cards: true }))
      : h("p", { class: "notice", id: "diff-none" }, t("diffNone")),
    h("p", {}, h("a", { href: ctx.hrefFor({ page: "official", id: "" }), dataset: { nav: "" } }, t("diffBack"))));
}
