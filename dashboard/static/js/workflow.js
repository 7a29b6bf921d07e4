// The approval chain as the page applies it: which steps a role may take on a whole imported list
// (from the API's workflowRules), and the dialog that asks for what a step records and confirms
// how many lines and how much money will move, for a whole list or some of its lines.

import { query } from "./api.js";
import { h, replace, trapFocus } from "./dom.js";
import { formatDate, formatNumber, formatVND, parseDate } from "./format.js";
import { lang, nameOf, t, word } from "./i18n.js";

export const STEPS = ["POST", "APPRAISE", "APPROVE", "PAY", "RETURN", "CANCEL"];
export const CHANNELS = ["CASH_AT_WARD", "POST_OFFICE", "BANK"];
/** Lines in these statuses stay where they are when a whole list moves. */
export const FINAL_LEFT_OUT = ["RETURNED", "CANCELLED"];

/** The statuses from which the role may take the step, from the rules (a step may have several). */
export function fromFor(rules, step, role) {
  return rules.filter((r) => r.step === step && r.roles.includes(role)).flatMap((r) => r.from);
}

/** The lines of a list that a step on the whole list would move: all but returned and cancelled. */
export function movable(batch) {
  const active = batch.statuses.filter((s) => !FINAL_LEFT_OUT.includes(s.status) && s.lines > 0);
  return {
    active,
    lines: active.reduce((n, s) => n + s.lines, 0),
    amount: active.reduce((n, s) => n + s.amount, 0),
  };
}

/**
 * The steps the role may take on the whole list now: every line that would move is in a status the
 * role may take the step from (the API moves a list all or none).
 */
export function stepsFor(rules, role, batch) {
  const { active, lines } = movable(batch);
  if (!lines) return [];
  return STEPS.filter((step) => {
    const from = fromFor(rules, step, role);
    return from.length > 0 && active.every((s) => from.includes(s.status));
  });
}

/**
 * What comes next for a list no step of the role applies to: "mixed" when its lines are at
 * different steps, "done" when nothing is left to move, else the roles that take the next step.
 */
export function nextFor(rules, batch) {
  const { active, lines } = movable(batch);
  if (!lines || active.every((s) => s.status === "PAID")) return { kind: "done" };
  if (active.length > 1) return { kind: "mixed" };
  const status = active[0].status;
  const forward = rules.find((r) => ["POST", "APPRAISE", "APPROVE", "PAY"].includes(r.step) && r.from.includes(status));
  return forward ? { kind: "next", step: forward.step, roles: forward.roles } : { kind: "done" };
}

/** A date far from the list's previous step asks to be confirmed: days between them beyond this. */
export const FAR_DAYS = 60;

/** Days from one ISO date to another. */
export function daysBetween(fromISO, toISO) {
  return Math.round((Date.parse(`${toISO}T00:00:00Z`) - Date.parse(`${fromISO}T00:00:00Z`)) / 86_400_000);
}

/**
 * Opens the confirmation dialog of a step on a whole imported list (or some of its lines). The date of a dated step is
 * never assumed: it starts empty, or at the list's last step date when the list goes on, and a
 * date more than FAR_DAYS from that date (or the listing date) is confirmed by pressing again. rule is {step, to}, lines and
 * amount what will move, from the statuses they leave. onDone(result) runs after the API moved
 * them; onRefused(err) after it refused (the dialog stays open and says why). selection, when
 * given, names the lines instead of the whole list ({ids} or {filter}, as TransitionInput has
 * them), with its own title and summary; lastStepOn, when given, is the latest step date of the
 * lines it names (the date starts there) instead of the list's.
 */
export function openStepDialog({ batch, step, to, from, lines, amount, opener, onDone, onRefused, selection = null, title = null, summary = null,
  lastStepOn = batch.lastStepOn }) {
  document.getElementById("step-dialog")?.remove();
  const l = lang();
  const previousISO = lastStepOn || batch.listedOn || null;
  let farConfirmed = null; // the far date the reader confirmed by pressing again
  const fields = [];
  const inputs = {};
  const field = (name, label, control, hint = null) => {
    const id = `step-${name}`;
    control.id = id;
    control.name = name;
    const hintId = hint ? `${id}-hint` : null;
    if (hintId) control.setAttribute("aria-describedby", hintId);
    inputs[name] = control;
    fields.push(h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("span", { class: "note", id: hintId }, hint) : null));
  };
  const dateInput = () => h("input", { type: "text", inputmode: "numeric", autocomplete: "off", placeholder: t("datePlaceholder"),
    value: lastStepOn ? formatDate(lastStepOn) : "", size: "10", required: true });
  if (["POST", "APPRAISE", "APPROVE", "PAY"].includes(step)) {
    field("date", t(`stepDate_${step}`), dateInput(),
      [t("stepDateHint"), lastStepOn ? ` ${t("stepDateContinues", { date: formatDate(lastStepOn) })}` : ""].join(""));
  }
  if (step === "APPROVE") {
    field("decisionNumber", t("decisionNumber"), h("input", { type: "text", autocomplete: "off", required: true, maxlength: "100" }), t("decisionNumberHint"));
    field("decisionIssuer", t("decisionIssuer"), h("input", { type: "text", autocomplete: "organization", required: true, maxlength: "200" }), t("decisionIssuerHint"));
  }
  if (step === "PAY") {
    field("channel", t("channel"), h("select", { required: true },
      h("option", { value: "" }, t("chooseOne")),
      CHANNELS.map((c) => h("option", { value: c }, word("channel", c)))));
    field("receiptNumber", t("receiptNumber"), h("input", { type: "text", autocomplete: "off", maxlength: "100" }), t("optional"));
  }
  if (step === "RETURN" || step === "CANCEL") {
    field("reason", t("reason"), h("textarea", { rows: "3", required: true, maxlength: "500" }), t(`reasonHint_${step}`));
  }

  const error = h("div", { class: "form-error", id: "step-error", role: "alert" });
  const confirm = h("button", { type: "submit", class: `button${step === "RETURN" || step === "CANCEL" ? " button-danger" : ""}`, id: "step-confirm" },
    t("stepConfirm", { step: word("step", step), n: formatNumber(lines, l) }));
  const back = h("button", { type: "button", class: "button-small", id: "step-cancel", on: { click: () => dialog.close() } }, t("stepBack"));
  const listName = `${nameOf(batch.group, l)} — ${nameOf(batch.ward, l)}`;
  const form = h("form", { class: "step-form", novalidate: true, on: { submit: (e) => { e.preventDefault(); submit(); } } },
    h("div", { class: "dialog-head" }, h("h2", { id: "step-title" }, title || t(`stepTitle_${step}`))),
    h("div", { class: "dialog-body step-body" },
      h("p", { id: "step-summary", class: "step-summary", dataset: { lines: String(lines), amount: String(amount) } },
        summary || t("stepSummary", {
          n: formatNumber(lines, l), amount: formatVND(amount, l), list: listName, id: batch.id,
          from: from.map((s) => word("status", s)).join(", "), to: word("status", to),
        })),
      fields,
      error),
    h("div", { class: "dialog-foot" }, back, confirm),
  );
  const dialog = h("dialog", { id: "step-dialog", class: "dialog dialog-narrow", "aria-labelledby": "step-title", "aria-describedby": "step-summary" }, form);
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  });
  // While the step is being recorded Escape must not close the dialog: its answer, or the server's
  // refusal, is shown in it.
  dialog.addEventListener("cancel", (e) => { if (confirm.disabled) e.preventDefault(); });
  trapFocus(dialog); // Tab stays in the dialog; Escape closes it (the browser's "cancel")
  document.body.append(dialog);
  dialog.showModal();
  (dialog.querySelector("input, select, textarea") || confirm).focus();

  function invalid(name, message) {
    const input = inputs[name];
    input.setAttribute("aria-invalid", "true");
    replace(error, message);
    input.focus();
  }

  async function submit() {
    replace(error);
    delete error.dataset.code;
    for (const input of Object.values(inputs)) input.removeAttribute("aria-invalid");
    const input = { step, ...(selection || { batch: batch.id }) };
    if (inputs.date) {
      const text = inputs.date.value.trim();
      const label = inputs.date.labels[0].textContent;
      if (!text) return invalid("date", t("dateRequired", { field: label.toLowerCase() }));
      const iso = parseDate(text);
      if (!iso) return invalid("date", t("dateInvalid"));
      const program = batch.program || {};
      if (program.appliesFrom && iso < program.appliesFrom) {
        return invalid("date", t("dateBeforeProgram", { field: label, date: formatDate(iso), start: formatDate(program.appliesFrom) }));
      }
      if (program.appliesTo && iso > program.appliesTo) {
        return invalid("date", t("dateAfterProgram", { field: label, date: formatDate(iso), end: formatDate(program.appliesTo) }));
      }
      const days = previousISO ? Math.abs(daysBetween(previousISO, iso)) : 0;
      if (days > FAR_DAYS && farConfirmed !== iso) {
        farConfirmed = iso;
        replace(error, h("p", { id: "step-date-far" }, t("dateFar", {
          field: label, date: formatDate(iso), previous: formatDate(previousISO), days: formatNumber(days, l),
          confirm: t("stepConfirm", { step: word("step", step), n: formatNumber(lines, l) }),
        })));
        error.dataset.code = "FAR_DATE";
        confirm.focus();
        return;
      }
      input.date = iso;
    }
    for (const name of ["decisionNumber", "decisionIssuer", "channel", "reason"]) {
      if (!inputs[name]) continue;
      const value = inputs[name].value.trim();
      if (!value) return invalid(name, t("fieldRequired", { field: inputs[name].labels[0].textContent }));
      input[name] = value;
    }
    if (inputs.receiptNumber?.value.trim()) input.receiptNumber = inputs.receiptNumber.value.trim();
    confirm.disabled = true;
    back.disabled = true;
    confirm.textContent = t("working");
    try {
      const data = await query("TransitionDisbursements", { input });
      dialog.close();
      onDone(data.transitionDisbursements);
    } catch (err) {
      confirm.disabled = false;
      back.disabled = false;
      confirm.textContent = t("stepConfirm", { step: word("step", step), n: formatNumber(lines, l) });
      replace(error, refusal(err));
      error.dataset.code = err.code || err.kind || "";
      confirm.focus();
      onRefused?.(err);
    }
  }
}

/** Says why the API refused a step: the kind of refusal in the reader's language, then its words. */
export function refusal(err) {
  const title = {
    CONFLICT: t("refusedConflict"),
    FORBIDDEN: t("refusedForbidden"),
    BAD_USER_INPUT: t("refusedInput"),
    NOT_FOUND: t("refusedNotFound"),
    UNAUTHENTICATED: t("refusedSignedOut"),
    TOO_COMPLEX: t("refusedLimit"),
  }[err.code] || (err.kind === "network" ? t("errorNetwork") : err.kind === "denied" ? t("errorDenied") : t("errorServer"));
  // The API's own words are Vietnamese; a browser's (no answer) are not.
  const words = !err.message ? null : err.code ? h("p", { lang: "vi" }, err.message) : h("p", {}, t("errorDetail", { message: err.message }));
  return [h("p", { class: "error-title" }, title), words];
}

/** The notice that a step was taken: how many lines and how much money moved, and where to. */
export function stepDoneNotice(result, listId) {
  const l = lang();
  return h("p", { class: "notice notice-ok", id: "step-done", dataset: { step: result.step, lines: String(result.lines), amount: String(result.amount) } },
    t("stepDone", {
      step: t(`stepDone_${result.step}`), n: formatNumber(result.lines, l), amount: formatVND(result.amount, l), id: listId,
      to: word("status", result.to),
    }));
}
