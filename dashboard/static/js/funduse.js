// Fund use at the scope in view: each fund's allocation to the units the filter (or a ward
// officer's scope) names, beside what was paid there. Where nothing was allocated to the scope the
// allocation is null and the page says "chưa phân bổ", never a ratio against another scope's money.

import { query } from "./api.js";

/**
 * Asks the API for fund use under the filter (signed-in roles only). Resolves to the API's list,
 * or to null when it cannot be had: the KPI card then shows no ratio rather than a wrong one.
 */
export function loadFundUse(filter) {
  return query("FundUse", { filter }).then(
    (data) => data.fundUse,
    () => null,
  );
}

/** The funds panel's rows from fundUse: allocated, remaining and utilisation are null where nothing was allocated. */
export function fundUseRows(fundUse) {
  return fundUse.map((u) => ({
    code: u.fund.code, allocated: u.allocated, paid: u.paid, suppressed: false,
    remaining: u.remaining, utilisation: u.share, fund: u.fund,
    level: u.level, units: u.units, decisions: u.decisions,
  }));
}

/**
 * The funds with the allocations an official snapshot froze (frozen: its funds, each { fund: { code },
 * allocated }), or as they are (frozen null: the live figures). A fund the snapshot holds no
 * allocation for has none beside it: never today's figure.
 */
export function frozenAllocations(funds, frozen) {
  if (!frozen) return funds;
  const at = new Map(frozen.map((f) => [f.fund.code, f.allocated]));
  return funds.map((f) => ({ ...f, allocated: at.get(f.code) ?? null }));
}

/**
 * The funds panel's rows for a visitor: the public figures know each fund's allocation for the
 * whole area only, so with a ward in the filter the allocation is not known to the page.
 */
export function visitorFundRows(rows, state) {
  if (!state.wards.length) return rows;
  return rows.map((r) => ({ ...r, allocated: null, remaining: null, utilisation: null, allocationHidden: true }));
}

/**
 * The figures of the fund-use card: the share over the funds that have an allocation at the scope,
 * how many have none, and whether the allocation is hidden from the page (visitors with a ward).
 */
export function fundUseSummary(rows) {
  const allocatedRows = rows.filter((r) => r.allocated != null);
  const allocated = allocatedRows.reduce((s, r) => s + r.allocated, 0);
  const paidOfAllocated = allocatedRows.reduce((s, r) => s + (r.paid || 0), 0);
  const paid = rows.reduce((s, r) => s + (r.paid || 0), 0);
  return {
    allocated: allocatedRows.length ? allocated : null,
    paid, paidOfAllocated,
    share: allocatedRows.length && allocated > 0 ? paidOfAllocated / allocated : null,
    unallocated: rows.length - allocatedRows.length,
    hidden: rows.some((r) => r.allocationHidden),
  };
}
