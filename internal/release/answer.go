package release

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/report"
)

// Tables is what the release tables hold, said to a visitor whose question they cannot answer.
const Tables = "Số liệu công khai gồm các bảng: đơn vị × nhóm đối tượng, đơn vị × nguồn kinh phí, đơn vị × tháng và nhóm đối tượng × tuần (toàn địa bàn), mỗi lần lọc một giá trị và nhóm theo một chiều. Hãy bỏ bớt điều kiện, hoặc đăng nhập để xem chi tiết hơn."

// codes maps the codes of a filter to what the tables hold.
type codes struct {
	programs map[string]int64
	groups   map[string][]idIn // a group or fund code, in each programme that has it
	funds    map[string][]idIn
}

type idIn struct{ id, program int64 }

// publicOrders are the orders of a public answer: the measures of the release tables, and KEY.
var publicOrders = []report.OrderField{report.ByAmountPaid, report.ByPeopleSupported, report.ByBeneficiaries,
	report.ByDisbursements, report.ByAmountListed, report.ByAmountApproved, report.ByKey}

// Answer answers a visitor's stats question from the release tables: each row and the total are
// one cell of one table, withheld as the pattern says. A question that is not one cell per row is
// refused with a message saying what can be asked.
//
// The tables never change: an answer is worked out once per question and kept with them (up to
// answeredRows rows in all), each visitor given a copy.
func (r *Release) Answer(q report.Query) (*report.PublicResult, error) {
	key, err := json.Marshal(q)
	if err != nil {
		return r.answer(q)
	}
	if kept := r.answered.get(string(key)); kept != nil {
		return kept.copy(), nil
	}
	out, err := r.answer(q)
	if err != nil {
		return nil, err
	}
	kept := &keptAnswer{out}
	r.answered.put(string(key), kept)
	return kept.copy(), nil
}

// answeredRows bounds the rows of the answers a release keeps (a few hundred bytes each).
const answeredRows = 200_000

// answered is the answers a release keeps, by question (as JSON).
type answered struct {
	mu   sync.Mutex
	m    map[string]*keptAnswer
	rows int
}

type keptAnswer struct{ res *report.PublicResult }

func (a *answered) get(key string) *keptAnswer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.m[key]
}

// put keeps an answer, which nothing may change afterwards; past the bound the release forgets
// the answers kept first.
func (a *answered) put(key string, k *keptAnswer) {
	n := len(k.res.Rows) + 1
	if n > answeredRows {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil || a.rows+n > answeredRows {
		a.m, a.rows = map[string]*keptAnswer{}, 0
	}
	a.m[key] = k
	a.rows += n
}

// copy is the answer kept, for one visitor: its rows are theirs, the cells' totals shared (never
// changed).
func (k *keptAnswer) copy() *report.PublicResult {
	out := *k.res
	out.Rows = slices.Clone(k.res.Rows)
	return &out
}

// answer works out the answer to q; see Answer.
func (r *Release) answer(q report.Query) (*report.PublicResult, error) {
	const op = "release: answer"
	refuse := func(format string, args ...any) error {
		return errs.E(op, errs.Invalid, errs.Msg(fmt.Sprintf(format, args...)+" "+Tables))
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	f := q.Filter
	switch {
	case q.UnitsAsOf != nil:
		return nil, refuse("Số liệu công khai tính theo đơn vị hành chính lúc chi trả, không theo unitsAsOf.")
	case len(f.Statuses) > 0 || len(f.Channels) > 0:
		return nil, refuse("Số liệu công khai không lọc theo trạng thái hay hình thức chi trả.")
	case len(f.Rounds) > 0:
		return nil, refuse("Số liệu công khai không lọc theo đợt chi trả.")
	case !f.LineFilter.IsZero():
		return nil, refuse("Số liệu công khai chỉ lọc theo ngày chi trả, không theo ngày lập danh sách hay phê duyệt, loại đối tượng, lần chi trả, số tiền hay quy định.")
	case q.DateField != "" && q.DateField != report.PaidOn:
		return nil, refuse("Số liệu công khai chia theo ngày chi trả (dateField PAID_ON).")
	case len(q.Having) > 0 || q.FirstWithin != nil || q.Days:
		return nil, refuse("Số liệu công khai không lọc dòng theo chỉ tiêu (having, firstWithin) và không có thời gian từ lập danh sách đến chi trả.")
	case q.Order != nil && !slices.Contains(publicOrders, q.Order.Field):
		return nil, refuse("Số liệu công khai không sắp xếp theo %s.", q.Order.Field)
	case f.ProgramIDs != nil || f.GroupIDs != nil || f.FundIDs != nil || f.WardIDs != nil:
		return nil, refuse("Số liệu công khai không lọc theo mã nội bộ.")
	case len(q.GroupBy) > 1:
		return nil, refuse("Số liệu công khai chỉ nhóm theo một chiều mỗi lần.")
	case len(f.Programs) > 1 || len(f.Groups) > 1 || len(f.Funds) > 1:
		return nil, refuse("Số liệu công khai chỉ lọc theo một chương trình, một nhóm đối tượng và một nguồn kinh phí mỗi lần.")
	case len(f.Wards)+len(f.Districts)+len(f.Provinces) > 1:
		return nil, refuse("Số liệu công khai chỉ lọc theo một đơn vị (một phường/xã, một quận/huyện hoặc một tỉnh) mỗi lần.")
	}
	var by report.Dimension
	if len(q.GroupBy) == 1 {
		by = q.GroupBy[0]
	}
	switch by {
	case report.Day, report.Quarter, report.Year:
		return nil, refuse("Số liệu công khai theo tuần hoặc theo tháng, không theo %s.", dimensionName(by))
	case report.Status, report.Channel, report.Round, report.Kind, report.Instalment:
		return nil, refuse("Số liệu công khai không chia theo %s.", dimensionName(by))
	}
	base, empty, err := r.base(f)
	if err != nil {
		return nil, err
	}
	if err := checkTables(base, by); err != nil {
		return nil, err
	}
	out := &report.PublicResult{MinCount: r.MinCount, Total: r.public(base, report.Key{})}
	if empty {
		out.Total = report.PublicCell{Totals: &report.Totals{}}
	} else {
		for _, key := range r.rowsOf(base, by) {
			out.Rows = append(out.Rows, r.public(key, r.rowKey(key, by)))
		}
	}
	report.ArrangePublic(out, q)
	return out, nil
}

// base is the cell the filter names (its programme, unit, group or fund, period); empty when it
// names something with no lines (a code known but without data, or two that exclude each other).
func (r *Release) base(f report.Filter) (key CellKey, empty bool, err error) {
	const op = "release: answer"
	if len(f.Programs) == 1 {
		id, ok := r.codes.programs[f.Programs[0]]
		if !ok {
			return key, true, nil
		}
		key.Program = id
	}
	pick := func(ids []idIn) (int64, bool) {
		for _, x := range ids {
			if key.Program == 0 || key.Program == x.program {
				key.Program = x.program
				return x.id, true
			}
		}
		return 0, false
	}
	var ok bool
	if len(f.Groups) == 1 {
		if key.Group, ok = pick(r.codes.groups[f.Groups[0]]); !ok {
			return key, true, nil
		}
	}
	if len(f.Funds) == 1 {
		if key.Fund, ok = pick(r.codes.funds[f.Funds[0]]); !ok {
			return key, true, nil
		}
	}
	for level, list := range map[int][]string{levelProvince: f.Provinces, levelDistrict: f.Districts, levelWard: f.Wards} {
		if len(list) == 1 {
			if key.Unit, ok = r.tree.byCode[level][list[0]]; !ok {
				return key, true, nil
			}
		}
	}
	switch {
	case f.PaidFrom == nil && f.PaidTo == nil:
	case f.PaidFrom == nil || f.PaidTo == nil:
		return key, false, errs.E(op, errs.Invalid, errs.Msg("Số liệu công khai chọn được trọn một tháng hoặc một tuần: hãy nêu cả ngày đầu và ngày cuối. "+Tables))
	default:
		label, ok := wholePeriod(*f.PaidFrom, *f.PaidTo)
		if !ok {
			return key, false, errs.E(op, errs.Invalid, errs.Msgf("Số liệu công khai chọn được trọn một tháng (từ ngày 1 đến ngày cuối tháng) hoặc trọn một tuần (từ thứ Hai đến Chủ nhật); %s – %s không phải. %s",
				f.PaidFrom.Vietnamese(), f.PaidTo.Vietnamese(), Tables))
		}
		key.Period = label
	}
	return key, false, nil
}

// wholePeriod returns the label of the month or ISO week that runs exactly from..to.
func wholePeriod(from, to civil.Date) (string, bool) {
	if p := report.PeriodOf(report.Month, from); p.Start == from && p.End == to {
		return p.Label, true
	}
	if p := report.PeriodOf(report.Week, from); p.Start == from && p.End == to {
		return p.Label, true
	}
	return "", false
}

func isWeek(label string) bool { return strings.Contains(label, "-W") }

// checkTables refuses a question whose rows are not cells of one release table.
func checkTables(base CellKey, by report.Dimension) error {
	var parts []string
	unit := base.Unit != 0 || by == report.Province || by == report.District || by == report.Ward
	if unit {
		parts = append(parts, "đơn vị")
	}
	if base.Group != 0 || by == report.Group {
		parts = append(parts, "nhóm đối tượng")
	}
	if base.Fund != 0 || by == report.Fund {
		parts = append(parts, "nguồn kinh phí")
	}
	week := (base.Period != "" && isWeek(base.Period)) || by == report.Week
	month := (base.Period != "" && !isWeek(base.Period)) || by == report.Month
	if month {
		parts = append(parts, "tháng")
	}
	if week {
		parts = append(parts, "tuần")
	}
	ok := len(parts) <= 1 ||
		(len(parts) == 2 && unit && !week) ||
		(len(parts) == 2 && week && (base.Group != 0 || by == report.Group))
	if ok {
		return nil
	}
	return errs.E("release: answer", errs.Invalid, errs.Msgf("Số liệu công khai không có bảng %s cùng lúc. %s", strings.Join(parts, " × "), Tables))
}

// rowsOf lists the cells of the rows grouped by by under base (those holding lines).
func (r *Release) rowsOf(base CellKey, by report.Dimension) []CellKey {
	var keys []CellKey
	with := func(k CellKey) {
		if r.cells[k] != nil {
			keys = append(keys, k)
		}
	}
	programs := []int64{base.Program}
	if base.Program == 0 {
		programs = r.programIDs()
	}
	switch by {
	case "":
		with(base) // no grouping: one row, the total, as stats answers
	case report.Province, report.District, report.Ward:
		for _, u := range r.tree.at(base.Unit, levelOf(by)) {
			k := base
			k.Unit = u
			if r.tree.level[base.Unit] >= levelOf(by) {
				k.Unit = base.Unit // a unit below the rows' level: its one row holds the unit's figures
			}
			with(k)
		}
	case report.Program:
		for _, p := range r.programIDs() {
			k := base
			k.Program = p
			if base.Program == 0 || base.Program == p {
				with(k)
			}
		}
	case report.Group, report.Fund:
		for _, p := range programs {
			parts := r.programs[p]
			ids := parts.groups
			if by == report.Fund {
				ids = parts.funds
			}
			for _, id := range ids {
				k := base
				k.Program = p
				if by == report.Group {
					k.Group = id
				} else {
					k.Fund = id
				}
				if (by == report.Group && base.Group != 0 && base.Group != id) || (by == report.Fund && base.Fund != 0 && base.Fund != id) {
					continue
				}
				with(k)
			}
		}
	case report.Month, report.Week:
		parts := r.programs[base.Program]
		labels := parts.months
		if by == report.Week {
			labels = parts.weeks
		}
		for _, l := range labels {
			if base.Period != "" && base.Period != l {
				continue
			}
			k := base
			k.Period = l
			with(k)
		}
	}
	return keys
}

// rowKey is a row's grouping values as a stats row carries them (only the dimension grouped by).
func (r *Release) rowKey(k CellKey, by report.Dimension) report.Key {
	switch by {
	case report.Province, report.District, report.Ward:
		u := k.Unit
		for r.tree.level[u] > levelOf(by) {
			u = r.tree.parent[u]
		}
		return r.tree.key[u]
	case report.Program:
		return report.Key{ProgramID: k.Program}
	case report.Group:
		return report.Key{GroupID: k.Group}
	case report.Fund:
		return report.Key{FundID: k.Fund}
	case report.Month, report.Week:
		if c := r.cells[k]; c != nil && c.period != nil {
			p := *c.period
			return report.Key{Period: &p}
		}
	}
	return report.Key{}
}

// public is the cell as the public sees it: its totals, or withheld; a cell without lines is zero.
func (r *Release) public(k CellKey, key report.Key) report.PublicCell {
	c := r.cells[k]
	switch {
	case c == nil:
		return report.PublicCell{Key: key, Totals: &report.Totals{}}
	case c.Withheld:
		return report.PublicCell{Key: key, Suppressed: true}
	}
	t := c.Totals
	return report.PublicCell{Key: key, Totals: &t}
}

func (r *Release) programIDs() []int64 {
	var ids []int64
	for p := range r.programs {
		if p != 0 {
			ids = append(ids, p)
		}
	}
	slices.Sort(ids)
	return ids
}

// at lists the units at the level under unit u (u itself or its ancestor when u is that deep).
func (t unitTree) at(u int64, level int) []int64 {
	if t.level[u] >= level {
		return []int64{u}
	}
	var out []int64
	for _, c := range t.children[u] {
		out = append(out, t.at(c, level)...)
	}
	return out
}

func levelOf(d report.Dimension) int {
	switch d {
	case report.Province:
		return levelProvince
	case report.District:
		return levelDistrict
	}
	return levelWard
}

func dimensionName(d report.Dimension) string {
	return map[report.Dimension]string{
		report.Day: "ngày", report.Quarter: "quý", report.Year: "năm",
		report.Status: "trạng thái", report.Channel: "hình thức chi trả", report.Round: "đợt chi trả",
	}[d]
}
