// The feedback page ("Phản ánh của người dân"), for the ward's officers and admins: residents'
// reports on the posted lists, open ones first with their deadline (overdue ones marked), each
// answered or closed with its outcome here. Everything a resident wrote is shown as text.

import { query } from "../api.js";
import { h, replace } from "../dom.js";
import { formatDate, formatDateTime, formatVND } from "../format.js";
import { lang, nameOf, t, word } from "../i18n.js";
import { pageTitle } from "../pages.js";
import { refusal } from "../workflow.js";

/** The closings an officer may choose, each an outcome (and for a line report, cancelling it). */
const CLOSINGS = ["CANCEL_LINE", "LINE_CORRECTED", "LINE_CANCELLED", "PERSON_ADDED", "EXPLAINED", "UNFOUNDED"];

/** Builds the feedback page into main; resolves once the reports are shown. */
export async function feedbackPage(main, ctx) {
  pageTitle(main, "feedback");
  const message = h("div", { id: "feedback-message", class: "lists-message", role: "status", "aria-live": "polite" });
  const body = h("div", { id: "feedback-body", "aria-live": "polite" });
  main.append(h("p", { class: "intro" }, t("feedbackIntro")), message, body);

  const load = async () => {
    body.setAttribute("aria-busy", "true");
    try {
      const data = await query("Feedbacks", {});
      if (!ctx.isCurrent()) return;
      show(data.feedbacks);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      replace(body, h("div", { class: "notice notice-refused", id: "feedback-failed", role: "alert" }, refusal(err)));
    } finally {
      body.setAttribute("aria-busy", "false");
    }
  };

  const show = (reports) => {
    if (!reports.length) {
      replace(body, h("p", { class: "notice notice-ok", id: "feedback-empty" }, t("feedbackEmpty")));
      return;
    }
    replace(body, h("ul", { class: "feedback-list" }, reports.map(item)));
  };

  const item = (r) => {
    const l = lang();
    const open = r.status !== "CLOSED";
    const about = r.kind === "LINE"
      ? (r.line
        ? [t("feedbackAboutLine", { id: r.line.id }), " ", h("a", { href: ctx.hrefFor({ page: "recipient", id: r.line.beneficiary.id }), dataset: { nav: "" } }, r.line.beneficiary.fullName),
          ` · ${formatVND(r.line.amount, l)} · ${r.line.peopleCovered} ${t("feedbackPeople")} · ${word("status", r.line.status)}`]
        : t("feedbackAboutLine", { id: "?" }))
      : [t("feedbackAboutMissing"), " ", h("strong", {}, r.missingName), ` · ${r.missingPlace}`, r.missingGroup ? ` · ${nameOf(r.missingGroup, l)}` : ""];
    const facts = h("dl", { class: "feedback-facts" },
      h("dt", {}, t("feedbackReason")), h("dd", {}, t(`feedbackReason_${r.reason}`)),
      h("dt", {}, t("feedbackText")), h("dd", { class: "feedback-text", lang: "vi" }, r.text),
      r.phone ? [h("dt", {}, t("feedbackPhone")), h("dd", { class: "feedback-phone" }, r.phone)] : null,
      h("dt", {}, t("feedbackReceived")), h("dd", {}, formatDateTime(r.receivedAt)),
      h("dt", {}, t("feedbackDue")), h("dd", {}, formatDate(r.dueOn), r.overdue ? h("span", { class: "badge badge-overdue" }, ` ${t("feedbackOverdue")}`) : null),
      r.reply ? [h("dt", {}, t("feedbackReply")), h("dd", { class: "feedback-reply", lang: "vi" }, r.reply)] : null,
      r.outcome ? [h("dt", {}, t("feedbackOutcome")), h("dd", { class: "feedback-outcome" }, t(`feedbackOutcome_${r.outcome}`),
        r.closedOn ? ` (${formatDate(r.closedOn)}, ${r.closedBy})` : "")] : null,
      r.changedLines.length ? [h("dt", {}, t("feedbackChangedLines")), h("dd", { class: "feedback-lines" },
        r.changedLines.map((c) => `#${c.id} ${word("status", c.status)}`).join(", "))] : null);
    return h("li", { class: `feedback-item${r.overdue ? " feedback-overdue" : ""}`, id: `feedback-${r.code}`, dataset: { code: r.code, status: r.status } },
      h("h2", {}, h("span", { class: "feedback-code" }, r.code), " · ", nameOf(r.ward, l), " · ",
        h("span", { class: `feedback-status status-${r.status.toLowerCase()}` }, t(`feedbackStatus_${r.status}`))),
      h("p", { class: "feedback-about" }, about),
      facts,
      open ? answerForm(r) : null);
  };

  const answerForm = (r) => {
    const id = `fb-${r.id}`;
    const canCancel = r.kind === "LINE" && r.line && ["LISTED", "POSTED"].includes(r.line.status);
    const choices = CLOSINGS.filter((c) => c !== "CANCEL_LINE" || canCancel);
    const action = h("select", { id: `${id}-action`, name: "action" },
      h("option", { value: "REPLY" }, t("feedbackActReply")),
      choices.map((c) => h("option", { value: c }, t(`feedbackAct_${c}`))));
    const reply = h("textarea", { id: `${id}-reply`, name: "reply", rows: "3", maxlength: "2000", required: true });
    const lines = h("input", { id: `${id}-lines`, name: "lines", type: "text", inputmode: "numeric", autocomplete: "off", placeholder: "1234, 1235" });
    const linesField = h("div", { class: "field feedback-lines-field" }, h("label", { for: `${id}-lines` }, t("feedbackLinesLabel")), lines);
    const needsLines = () => ["LINE_CORRECTED", "LINE_CANCELLED", "PERSON_ADDED"].includes(action.value);
    const sync = () => { linesField.hidden = !needsLines(); };
    action.addEventListener("change", sync);
    sync();
    const error = h("div", { class: "field-error", id: `${id}-error`, role: "alert" });
    const button = h("button", { type: "submit", class: "button" }, t("feedbackSubmit"));
    return h("form", { class: "feedback-answer no-print", id: `${id}-form`, novalidate: true, on: {
      submit: async (e) => {
        e.preventDefault();
        error.textContent = "";
        if (!reply.value.trim()) {
          error.textContent = t("feedbackReplyNeeded");
          reply.focus();
          return;
        }
        button.disabled = true;
        try {
          if (action.value === "REPLY") {
            await query("ReplyFeedback", { id: r.id, reply: reply.value });
          } else {
            const input = { id: r.id, reply: reply.value };
            if (action.value === "CANCEL_LINE") input.cancelLine = true;
            else input.outcome = action.value;
            if (needsLines()) input.lines = lines.value.split(/[\s,;]+/).filter(Boolean);
            await query("CloseFeedback", { input });
            ctx.dataChanged();
          }
          replace(message, h("p", { class: "notice notice-ok", id: "feedback-done" }, t(action.value === "REPLY" ? "feedbackReplied" : "feedbackClosed", { code: r.code })));
          await load();
        } catch (err) {
          replace(error, refusal(err));
          button.disabled = false;
        }
      },
    } },
    h("div", { class: "field" }, h("label", { for: `${id}-action` }, t("feedbackAction")), action),
    h("div", { class: "field" }, h("label", { for: `${id}-reply` }, t("feedbackReplyLabel")), reply),
    linesField, error, button);
  };

  await load();
}
