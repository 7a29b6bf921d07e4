// The KPI cards: big compact figures, with the exact figure underneath.

import { h } from "./dom.js";
import { formatNumber, formatPercent, formatVND, formatVNDCompact } from "./format.js";
import { lang, t } from "./i18n.js";

/**
 * kpiCards(total, funds): funds is [{allocated, paid}] of the funds in scope, or null to leave the
 * fund card out (the ward page).
 */
export function kpiCards(total, funds) {
  const l = lang();
  const cards = [
    card("amountPaid", t("kpiPaid"), total.amountPaid, formatVNDCompact(total.amountPaid, l), formatVND(total.amountPaid, l)),
    card("peopleSupported", t("kpiPeople"), total.peopleSupported, formatNumber(total.peopleSupported, l), t("people")),
    card("beneficiaries", t("kpiRecipients"), total.beneficiaries, formatNumber(total.beneficiaries, l), t("kpiLines", { n: formatNumber(total.disbursements, l) })),
  ];
  if (funds) {
    const allocated = funds.reduce((s, f) => s + f.allocated, 0);
    const paid = funds.reduce((s, f) => s + (f.paid || 0), 0);
    const share = allocated > 0 ? paid / allocated : null;
    cards.push(card("fundUse", t("kpiFundUse"), share, formatPercent(share, l),
      t("kpiFundUseNote", { paid: formatVNDCompact(paid, l), allocated: formatVNDCompact(allocated, l) })));
  }
  const ratio = total.amountListed > 0 && total.amountPaid != null ? total.amountPaid / total.amountListed : null;
  cards.push(card("paidVsListed", t("kpiPaidVsListed"), ratio, formatPercent(ratio, l),
    t("kpiPaidVsListedNote", { paid: formatVNDCompact(total.amountPaid, l), listed: formatVNDCompact(total.amountListed, l) })));
  return h("ul", { class: "kpis", "aria-label": "KPI" }, cards);
}

function card(key, label, value, big, note) {
  return h(
    "li",
    { class: "kpi", dataset: { kpi: key, value: value == null ? "" : String(value) } },
    h("p", { class: "kpi-label" }, label),
    h("p", { class: "kpi-value" }, big),
    h("p", { class: "kpi-note" }, note),
  );
}
