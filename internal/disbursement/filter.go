package disbursement

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/errs"
)

// Filter selects payment lines. Fields combine with AND; values within a field with OR. Codes are
// official codes (units) or program, group and fund codes.
type Filter struct {
	Programs  []string
	Provinces []string
	Districts []string
	Wards     []string
	Groups    []string
	Funds     []string
	Rounds    []string // payment rounds: lines of the rounds' groups (see program.Round)
	Statuses  []Status
	Channels  []Channel
	PaidFrom  *civil.Date // paid on or after; lines without a paid date are left out
	PaidTo    *civil.Date // paid on or before
	// Search finds lines by their recipient's name or ID number, as beneficiary.SearchCondition
	// allows the caller. Only lists search (Reader); stats and actions on a filter refuse it.
	Search string
	// Batches keeps the lines of these imported lists (their IDs as decimal text). Only lists and
	// actions take it; the stats refuse it (the rollups keep no list).
	Batches []string

	// LineFilter holds the conditions only the lines can answer: the listing and approval dates,
	// the recipient's kind, the instalment, the amount and the rule.
	LineFilter

	// By ID, for the stats of one entity (a ward's, a fund's): programs, groups and funds of the
	// lines, and the reporting ward (as of UnitsAsOf).
	ProgramIDs, GroupIDs, FundIDs, WardIDs []int64
}

// MaxFilterValues bounds each list of a filter: enough for every commune of a province, not a way
// to send the whole country one code at a time.
const MaxFilterValues = 1000

// Validate checks the filter's values that need no database: dates in order, known statuses and
// channels.
func (f Filter) Validate() error {
	const op = "disbursement: filter"
	if strings.TrimSpace(f.Search) != "" {
		return errs.E(op, errs.Invalid, errs.Msg("Tìm theo tên hoặc số giấy tờ (search) chỉ dùng cho danh sách dòng chi trả, không dùng cho số liệu tổng hợp hay thao tác theo bộ lọc."))
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"programs", len(f.Programs)}, {"provinces", len(f.Provinces)}, {"districts", len(f.Districts)}, {"wards", len(f.Wards)},
		{"groups", len(f.Groups)}, {"funds", len(f.Funds)}, {"rounds", len(f.Rounds)}} {
		if l.n > MaxFilterValues {
			return errs.E(op, errs.TooComplex, errs.Msgf("Bộ lọc %s có %d giá trị, tối đa %d.", l.name, l.n, MaxFilterValues))
		}
	}
	for _, l := range []struct {
		what  string
		codes []string
		ok    func(string) bool
	}{
		{"chương trình", f.Programs, isCode}, {"nhóm đối tượng", f.Groups, isCode}, {"nguồn kinh phí", f.Funds, isCode}, {"đợt chi trả", f.Rounds, isCode},
		{"phường/xã", f.Wards, isUnitCode}, {"quận/huyện", f.Districts, isUnitCode}, {"tỉnh/thành phố", f.Provinces, isUnitCode},
	} {
		for _, c := range l.codes {
			if !l.ok(c) {
				return errs.E(op, errs.Invalid, errs.Msgf("Mã %s %q không hợp lệ.", l.what, truncate(c, 40)))
			}
		}
	}
	if f.PaidFrom != nil && f.PaidTo != nil && f.PaidFrom.After(*f.PaidTo) {
		return errs.E(op, errs.Invalid, errs.Msgf("paidFrom (%s) phải trước hoặc bằng paidTo (%s).", f.PaidFrom, f.PaidTo))
	}
	if err := f.LineFilter.validate(); err != nil {
		return err
	}
	if len(f.Batches) > MaxFilterValues {
		return errs.E(op, errs.TooComplex, errs.Msgf("Bộ lọc batches có %d giá trị, tối đa %d.", len(f.Batches), MaxFilterValues))
	}
	for _, b := range f.Batches {
		if n, err := strconv.ParseInt(b, 10, 64); err != nil || n <= 0 {
			return errs.E(op, errs.Invalid, errs.Msgf("Mã lô nhập %q không hợp lệ.", truncate(b, 40)))
		}
	}
	for _, s := range f.Statuses {
		if !slices.Contains(Statuses, s) {
			return errs.E(op, errs.Invalid, errs.Msgf("Trạng thái %q không tồn tại.", s))
		}
	}
	for _, c := range f.Channels {
		if !slices.Contains(Channels, c) {
			return errs.E(op, errs.Invalid, errs.Msgf("Hình thức chi trả %q không tồn tại.", c))
		}
	}
	return nil
}

// Condition is one SQL condition with the arguments of its placeholders.
type Condition struct {
	SQL  string
	Args []any
}

// Conditions returns the filter as SQL conditions to join with AND, for a query in which d is
// disbursements, w the ward the line is reported under (admin_units), wp that ward's parent and wpp
// its grandparent.
func (f Filter) Conditions() []Condition {
	conds := f.LineConditions("d.")
	add := func(cond string, a ...any) { conds = append(conds, Condition{cond, a}) }
	if len(f.Wards) > 0 {
		add("w.code IN (?)", bun.List(f.Wards))
	}
	if len(f.Districts) > 0 {
		add("wp.level = 'DISTRICT' AND wp.code IN (?)", bun.List(f.Districts))
	}
	if len(f.Provinces) > 0 {
		add("(CASE WHEN wp.level = 'PROVINCE' THEN wp.code ELSE wpp.code END) IN (?)", bun.List(f.Provinces))
	}
	if f.WardIDs != nil {
		add("w.id IN (?)", bun.List(append([]int64{0}, f.WardIDs...)))
	}
	if len(f.Batches) > 0 {
		ids := make([]int64, 0, len(f.Batches))
		for _, b := range f.Batches {
			if n, err := strconv.ParseInt(b, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
		add("d.batch_id IN (?)", bun.List(append([]int64{0}, ids...)))
	}
	if f.PaidFrom != nil {
		add("d.paid_on >= ?", *f.PaidFrom)
	}
	if f.PaidTo != nil {
		add("d.paid_on <= ?", *f.PaidTo)
	}
	return append(conds, f.LineFilter.conditions()...)
}

// LineConditions are the filter's conditions on a line's own columns (programme, group, fund,
// status, channel), the columns named with prefix: the rollups keep the same columns, so their
// engine filters its rows with these too (prefix "").
func (f Filter) LineConditions(prefix string) []Condition {
	var conds []Condition
	add := func(cond string, a ...any) { conds = append(conds, Condition{prefix + cond, a}) }
	if len(f.Programs) > 0 {
		add("program_id IN (SELECT id FROM programs WHERE code IN (?))", bun.List(f.Programs))
	}
	if len(f.Groups) > 0 {
		add("group_id IN (SELECT id FROM beneficiary_groups WHERE code IN (?))", bun.List(f.Groups))
	}
	if len(f.Funds) > 0 {
		add("fund_id IN (SELECT id FROM funds WHERE code IN (?))", bun.List(f.Funds))
	}
	if len(f.Rounds) > 0 {
		add("group_id IN (SELECT rg.group_id FROM payment_round_groups AS rg JOIN payment_rounds AS r ON r.id = rg.round_id WHERE r.code IN (?))", bun.List(f.Rounds))
	}
	for _, ids := range []struct {
		col string
		ids []int64
	}{{"program_id", f.ProgramIDs}, {"group_id", f.GroupIDs}, {"fund_id", f.FundIDs}} {
		if ids.ids != nil {
			add(ids.col+" IN (?)", bun.List(append([]int64{0}, ids.ids...)))
		}
	}
	if len(f.Statuses) > 0 {
		add("status IN (?)", bun.List(f.Statuses))
	}
	if len(f.Channels) > 0 {
		add("channel IN (?)", bun.List(f.Channels))
	}
	return conds
}

// CodeKind is what a code in a filter names.
type CodeKind int

// The kinds of codes a filter names.
const (
	ProgramCode CodeKind = iota
	GroupCode
	FundCode
	WardCode
	DistrictCode
	ProvinceCode
	RoundCode
)

// codeChecks are the codes of a filter by kind, with what they are called in an error and the query
// that finds the existing ones.
func (f Filter) codeChecks() []struct {
	kind  CodeKind
	codes []string
	query string
	what  string
} {
	return []struct {
		kind  CodeKind
		codes []string
		query string
		what  string
	}{
		{ProgramCode, f.Programs, "SELECT DISTINCT code FROM programs WHERE code IN (?)", "chương trình"},
		{GroupCode, f.Groups, "SELECT DISTINCT code FROM beneficiary_groups WHERE code IN (?)", "nhóm đối tượng"},
		{FundCode, f.Funds, "SELECT DISTINCT code FROM funds WHERE code IN (?)", "nguồn kinh phí"},
		{WardCode, f.Wards, "SELECT DISTINCT code FROM admin_units WHERE level = 'COMMUNE' AND code IN (?)", "phường/xã"},
		{DistrictCode, f.Districts, "SELECT DISTINCT code FROM admin_units WHERE level = 'DISTRICT' AND code IN (?)", "quận/huyện"},
		{ProvinceCode, f.Provinces, "SELECT DISTINCT code FROM admin_units WHERE level = 'PROVINCE' AND code IN (?)", "tỉnh/thành phố"},
		{RoundCode, f.Rounds, "SELECT DISTINCT code FROM payment_rounds WHERE code IN (?)", "đợt chi trả"},
	}
}

// CheckCodes refuses a filter that names a programme, group, fund or unit that does not exist, so a
// typo gives an error rather than an empty answer.
func (f Filter) CheckCodes(ctx context.Context, idb bun.IDB) error {
	for _, c := range f.codeChecks() {
		if len(c.codes) == 0 {
			continue
		}
		var found []string
		if err := idb.NewRaw(c.query, bun.List(c.codes)).Scan(ctx, &found); err != nil {
			return errs.E("disbursement: check codes", err)
		}
		known := map[string]bool{}
		for _, code := range found {
			known[code] = true
		}
		if err := refuseMissing(c.what, c.codes, func(code string) bool { return known[code] }); err != nil {
			return err
		}
	}
	return nil
}

// CheckCodesKnown is CheckCodes against reference data held in memory: known reports whether a code
// of a kind exists.
func (f Filter) CheckCodesKnown(known func(CodeKind, string) bool) error {
	for _, c := range f.codeChecks() {
		if err := refuseMissing(c.what, c.codes, func(code string) bool { return known(c.kind, code) }); err != nil {
			return err
		}
	}
	return nil
}

func refuseMissing(what string, codes []string, known func(string) bool) error {
	var missing []string
	for _, code := range codes {
		if !known(code) {
			missing = append(missing, code)
		}
	}
	if len(missing) > 0 {
		return errs.E("disbursement: check codes", errs.Invalid, errs.Msgf("Không có %s mã %s.", what, strings.Join(missing, ", ")))
	}
	return nil
}

// isCode reports whether s looks like a programme, group or fund code: capitals, digits, _ and -.
func isCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// isUnitCode reports whether s looks like an official unit code: 2 to 5 digits.
func isUnitCode(s string) bool {
	if len(s) < 2 || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
