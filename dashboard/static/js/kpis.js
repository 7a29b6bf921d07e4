// The KPI cards: big compact figures, with the exact figure underneath.

import { h } from "./dom.js";
import { formatNumber, formatPercent, formatVND, formatVNDCompact } from "./format.js";
import { fundUseSummary } from "./funduse.js";
import { lang, t } from "./i18n.js";

/**
 * kpiCards(total, funds): funds is the funds panel's rows at the scope in view ({allocated, paid},
 * allocated null where nothing was allocated to the scope), or null to leave the fund card out (the
 * ward page); frozen says the allocations are those an official snapshot froze.
 */
export function kpiCards(total, funds, { frozen = false } = {}) {
  const l = lang();
  const cards = [
    card("amountPaid", t("kpiPaid"), total.amountPaid, formatVNDCompact(total.amountPaid, l), formatVND(total.amountPaid, l)),
    card("peopleSupported", t("kpiPeople"), total.peopleSupported, formatNumber(total.peopleSupported, l), t("people")),
    card("beneficiaries", t("kpiRecipients"), total.beneficiaries, formatNumber(total.beneficiaries, l), t("kpiLines", { n: formatNumber(total.disbursements, l) })),
  ];
  if (funds) cards.push(fundUseCard(fundUseSummary(funds), l, frozen));
  const ratio = total.amountListed > 0 && total.amountPaid != null ? total.amountPaid / total.amountListed : null;
  cards.push(card("paidVsListed", t("kpiPaidVsListed"), ratio, formatPercent(ratio, l),
    t("kpiPaidVsListedNote", { paid: formatVNDCompact(total.amountPaid, l), listed: formatVNDCompact(total.amountListed, l) })));
  return h("ul", { class: "kpis", "aria-label": t("kpisLabel") }, cards);
}

/** The fund-use card: a share only against an allocation to the scope in view. */
function fundUseCard(sum, l, frozen) {
  const paid = formatVNDCompact(sum.paid, l);
  if (sum.hidden) return card("fundUse", t("kpiFundUse"), null, t("notAvailable"), t("fundAllocationHidden", { paid }));
  if (sum.allocated == null) return card("fundUse", t("kpiFundUse"), null, t("fundNotAllocated"), t("fundNotAllocatedNote", { paid }));
  const note = t("kpiFundUseNote", { paid: formatVNDCompact(sum.paidOfAllocated, l), allocated: formatVNDCompact(sum.allocated, l) }) +
    (sum.unallocated ? t("fundPartlyAllocated", { n: sum.unallocated }) : "") + (frozen ? t("fundAllocationFrozen") : "");
  return card("fundUse", t("kpiFundUse"), sum.share, formatPercent(sum.share, l), note);
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
