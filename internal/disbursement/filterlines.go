package disbursement

import (
	"slices"

	"github.com/uptrace/bun"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/program"
)

// LineFilter is the part of a Filter that only the payment lines themselves can answer: the dates
// of the steps other than payment, the recipient's kind, the instalment, the amount and whether it
// is what the group's rule grants. The rollups keep none of these, so a stats query that uses them
// is answered by an exact scan of the lines (report.Query.NeedsLines).
type LineFilter struct {
	// Each pair keeps the lines whose own date of that step falls in the range (either end open);
	// a line without that date (not listed yet cannot happen; not approved, not paid) is left out.
	ListedFrom, ListedTo     *civil.Date
	ApprovedFrom, ApprovedTo *civil.Date
	// Kinds keeps lines paid to persons or to households.
	Kinds []beneficiary.Kind
	// Instalments keeps lines by their instalment number (1: the first payment of the group to the
	// recipient).
	Instalments []int
	// AmountFrom and AmountTo keep lines whose amount is in the range, in whole đồng.
	AmountFrom, AmountTo *int64
	// BreaksRule keeps only the lines whose amount differs from what their group's rule grants
	// (a rule that sets no amount is never broken).
	BreaksRule bool
}

// IsZero reports whether the filter keeps every line.
func (f LineFilter) IsZero() bool {
	return f.ListedFrom == nil && f.ListedTo == nil && f.ApprovedFrom == nil && f.ApprovedTo == nil &&
		len(f.Kinds) == 0 && len(f.Instalments) == 0 && f.AmountFrom == nil && f.AmountTo == nil && !f.BreaksRule
}

// MaxInstalment bounds the instalment numbers a filter may name.
const MaxInstalment = 1000

// validate checks the ranges and values.
func (f LineFilter) validate() error {
	const op = "disbursement: filter"
	for _, r := range []struct {
		from, to *civil.Date
		names    [2]string
	}{{f.ListedFrom, f.ListedTo, [2]string{"listedFrom", "listedTo"}}, {f.ApprovedFrom, f.ApprovedTo, [2]string{"approvedFrom", "approvedTo"}}} {
		if r.from != nil && r.to != nil && r.from.After(*r.to) {
			return errs.E(op, errs.Invalid, errs.Msgf("%s (%s) phải trước hoặc bằng %s (%s).", r.names[0], r.from, r.names[1], r.to))
		}
	}
	for _, k := range f.Kinds {
		if k != beneficiary.Person && k != beneficiary.Household {
			return errs.E(op, errs.Invalid, errs.Msgf("Loại đối tượng %q không tồn tại; dùng PERSON hoặc HOUSEHOLD.", k))
		}
	}
	if len(f.Instalments) > MaxFilterValues {
		return errs.E(op, errs.TooComplex, errs.Msgf("Bộ lọc instalments có %d giá trị, tối đa %d.", len(f.Instalments), MaxFilterValues))
	}
	for _, n := range f.Instalments {
		if n < 1 || n > MaxInstalment {
			return errs.E(op, errs.Invalid, errs.Msgf("Lần chi trả (instalment) %d không hợp lệ: từ 1 đến %d.", n, MaxInstalment))
		}
	}
	if f.AmountFrom != nil && *f.AmountFrom < 0 || f.AmountTo != nil && *f.AmountTo < 0 {
		return errs.E(op, errs.Invalid, errs.Msg("amountFrom và amountTo phải là số tiền không âm."))
	}
	if f.AmountFrom != nil && f.AmountTo != nil && *f.AmountFrom > *f.AmountTo {
		return errs.E(op, errs.Invalid, errs.Msgf("amountFrom (%d) phải nhỏ hơn hoặc bằng amountTo (%d).", *f.AmountFrom, *f.AmountTo))
	}
	return nil
}

// conditions are the filter's SQL conditions over a payment line d, with no join needed.
func (f LineFilter) conditions() []Condition {
	var conds []Condition
	add := func(cond string, a ...any) { conds = append(conds, Condition{cond, a}) }
	if f.ListedFrom != nil {
		add("d.listed_on >= ?", *f.ListedFrom)
	}
	if f.ListedTo != nil {
		add("d.listed_on <= ?", *f.ListedTo)
	}
	if f.ApprovedFrom != nil {
		add("d.approved_on >= ?", *f.ApprovedFrom)
	}
	if f.ApprovedTo != nil {
		add("d.approved_on <= ?", *f.ApprovedTo)
	}
	if len(f.Kinds) > 0 {
		add("d.beneficiary_id IN (SELECT fb.id FROM beneficiaries AS fb WHERE fb.kind IN (?))", bun.List(f.Kinds))
	}
	if len(f.Instalments) > 0 {
		add("d.instalment IN (?)", bun.List(slices.Compact(slices.Sorted(slices.Values(f.Instalments)))))
	}
	if f.AmountFrom != nil {
		add("d.amount >= ?", *f.AmountFrom)
	}
	if f.AmountTo != nil {
		add("d.amount <= ?", *f.AmountTo)
	}
	if f.BreaksRule {
		// The rule's amount for the line, NULL when the rule sets none (never broken).
		add("d.amount <> (SELECT " + program.AmountDueSQL + " FROM beneficiary_groups AS g WHERE g.id = d.group_id)")
	}
	return conds
}
