package snapshot

import (
	"fmt"
	"slices"
	"strings"

	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// selection is what a filter pins, as IDs of what the snapshot holds: a programme (0: all), a unit
// at a level (0: the whole area), a group, fund or round (0: all) and a month or week ("": all).
type selection struct {
	program            int64
	level              int
	unit               int64
	group, fund, round int64
	period             string
	periodDim          report.Dimension
	// empty: the filter names something the snapshot has no lines of; the answer is zeros.
	empty bool
}

// seconds are the dimensions besides units the selection pins.
func (s selection) seconds() []report.Dimension {
	var out []report.Dimension
	if s.group != 0 {
		out = append(out, report.Group)
	}
	if s.fund != 0 {
		out = append(out, report.Fund)
	}
	if s.round != 0 {
		out = append(out, report.Round)
	}
	if s.periodDim != "" {
		out = append(out, s.periodDim)
	}
	return out
}

// holds reports whether a cell (a row key of a table) is within the selection.
func (s selection) holds(k report.Key, tbl string) bool {
	switch s.level {
	case 1:
		if k.ProvinceID != s.unit {
			return false
		}
	case 2:
		if k.DistrictID != s.unit {
			return false
		}
	case 3:
		if k.WardID != s.unit {
			return false
		}
	}
	if (s.group != 0 && k.GroupID != s.group) || (s.fund != 0 && k.FundID != s.fund) || (s.round != 0 && k.RoundID != s.round) {
		return false
	}
	if s.period != "" {
		id := idOfKey(tbl, k)
		if id.period != s.period {
			return false
		}
	}
	return true
}

// Stats answers a stats question from the snapshot's cells, in the shape stats answers it: each
// row and the total are one stored cell. A question whose rows are not cells of one table (several
// values of one filter, days, statuses, units as of a date…) is refused with a message saying
// what the snapshot holds, never answered another way.
func (f *Figures) Stats(q report.Query, ref *reference.Snapshot) (*report.Result, error) {
	plan, err := f.plan(q, ref)
	if err != nil {
		return nil, err
	}
	res := &report.Result{Total: plan.total.totals()}
	for _, c := range plan.rows {
		res.Rows = append(res.Rows, report.Row{Key: c.key, Totals: c.cell.Totals})
	}
	report.Arrange(res, q)
	return res, nil
}

// plan is the cells that answer a question: the total's and the rows' (in no set order).
type plan struct {
	sel   selection
	total planned
	rows  []planned
}

// planned is a cell with the key of its row; cell is nil for a total with no lines.
type planned struct {
	cell *Cell
	key  report.Key
}

func (p planned) totals() report.Totals {
	if p.cell == nil {
		return report.Totals{}
	}
	return p.cell.Totals
}

func (f *Figures) plan(q report.Query, ref *reference.Snapshot) (*plan, error) {
	const op = "snapshot: stats"
	refuse := func(format string, args ...any) error {
		return errs.E(op, errs.Invalid, errs.Msg(fmt.Sprintf(format, args...)+" "+Held))
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := q.Filter.CheckCodesKnown(ref.Known); err != nil {
		return nil, err
	}
	if asked := lineOnly(q); len(asked) > 0 {
		return nil, refuse("Số liệu chính thức không trả lời được %s: chỉ các dòng chi trả trả lời được, còn bản số liệu chỉ lưu các ô đã cộng.", strings.Join(asked, ", "))
	}
	fl := q.Filter
	switch {
	case q.UnitsAsOf != nil:
		return nil, refuse("Số liệu chính thức tính theo đơn vị hành chính lúc chi trả, không theo unitsAsOf.")
	case len(fl.Statuses) > 0 || len(fl.Channels) > 0:
		return nil, refuse("Số liệu chính thức không lọc theo trạng thái hay hình thức chi trả.")
	case fl.ProgramIDs != nil || fl.GroupIDs != nil || fl.FundIDs != nil || fl.WardIDs != nil:
		return nil, refuse("Số liệu chính thức không lọc theo mã nội bộ.")
	case len(fl.Programs) > 1 || len(fl.Groups) > 1 || len(fl.Funds) > 1 || len(fl.Rounds) > 1:
		return nil, refuse("Số liệu chính thức chỉ lọc theo một chương trình, một nhóm đối tượng, một nguồn kinh phí và một đợt chi trả mỗi lần.")
	case len(fl.Wards)+len(fl.Districts)+len(fl.Provinces) > 1:
		return nil, refuse("Số liệu chính thức chỉ lọc theo một đơn vị (một phường/xã, một quận/huyện hoặc một tỉnh) mỗi lần.")
	}
	groupLevel := 0
	var groupSeconds []report.Dimension
	byProgram := false
	for _, d := range q.GroupBy {
		switch d {
		case report.Program:
			byProgram = true
		case report.Province, report.District, report.Ward:
			groupLevel = max(groupLevel, unitLevel(d))
		case report.Group, report.Fund, report.Round, report.Month, report.Week:
			groupSeconds = append(groupSeconds, d)
		default:
			return nil, refuse("Số liệu chính thức không chia theo %s.", dimensionName(d))
		}
	}
	sel, err := f.selectionOf(fl, ref)
	if err != nil {
		return nil, err
	}
	secs := sel.seconds()
	for _, d := range groupSeconds {
		if !slices.Contains(secs, d) {
			secs = append(secs, d)
		}
	}
	level := max(sel.level, groupLevel)
	tbl, ok := tableOf(level, secs)
	totalTbl, totalOK := tableOf(sel.level, sel.seconds())
	if !ok || !totalOK {
		return nil, refuse("Bản số liệu chính thức không có bảng này.")
	}
	p := &plan{sel: sel}
	if sel.empty {
		return p, nil
	}
	for _, c := range f.cells[tableKey{sel.program, totalTbl}] {
		if sel.holds(c.Key, totalTbl) {
			p.total = planned{cell: c}
			break
		}
	}
	if len(q.GroupBy) == 0 {
		if p.total.cell != nil {
			p.rows = []planned{{cell: p.total.cell}}
		}
		return p, nil
	}
	scopes := []int64{sel.program}
	if byProgram {
		scopes = nil
		for _, id := range f.programs {
			if sel.program == 0 || sel.program == id {
				scopes = append(scopes, id)
			}
		}
	}
	seen := map[report.Key]bool{}
	for _, scope := range scopes {
		for _, c := range f.cells[tableKey{scope, tbl}] {
			if !sel.holds(c.Key, tbl) {
				continue
			}
			k := project(c.Key, scope, q.GroupBy)
			pk := k
			pk.Period = nil
			if k.Period != nil {
				pk.ProvinceCode += "|" + k.Period.Label // a comparable stand-in for the period
			}
			if seen[pk] {
				return nil, refuse("Các ô của bảng không tách được theo cách nhóm này.")
			}
			seen[pk] = true
			p.rows = append(p.rows, planned{cell: c, key: k})
		}
	}
	return p, nil
}

// project keeps of a cell's key the dimensions grouped by.
func project(k report.Key, program int64, by []report.Dimension) report.Key {
	var out report.Key
	for _, d := range by {
		switch d {
		case report.Program:
			out.ProgramID = program
		case report.Province:
			out.ProvinceID, out.ProvinceCode = k.ProvinceID, k.ProvinceCode
		case report.District:
			out.DistrictID, out.DistrictCode = k.DistrictID, k.DistrictCode
		case report.Ward:
			out.WardID, out.WardCode = k.WardID, k.WardCode
		case report.Group:
			out.GroupID = k.GroupID
		case report.Fund:
			out.FundID = k.FundID
		case report.Round:
			out.RoundID = k.RoundID
		case report.Month, report.Week:
			if k.Period != nil {
				p := *k.Period
				out.Period = &p
			}
		}
	}
	return out
}

// selectionOf reads a filter as what the snapshot holds.
func (f *Figures) selectionOf(fl report.Filter, ref *reference.Snapshot) (selection, error) {
	const op = "snapshot: stats"
	var sel selection
	one := func(code string, ids []int64, codeOf func(int64) (string, int64)) (int64, error) {
		var found []int64
		for _, id := range ids {
			c, program := codeOf(id)
			if c == code && (sel.program == 0 || program == 0 || program == sel.program) {
				found = append(found, id)
			}
		}
		switch len(found) {
		case 0:
			sel.empty = true
			return 0, nil
		case 1:
			return found[0], nil
		}
		return 0, errs.E(op, errs.Invalid, errs.Msgf("Mã %s có ở nhiều chương trình hoặc nhiều thời kỳ: hãy lọc thêm theo chương trình. %s", code, Held))
	}
	var err error
	if len(fl.Programs) == 1 {
		if sel.program, err = one(fl.Programs[0], f.programs, func(id int64) (string, int64) {
			return codeOrEmpty(ref.Program(id) != nil, func() string { return ref.Program(id).Code }), 0
		}); err != nil {
			return sel, err
		}
		if sel.empty {
			return sel, nil
		}
	}
	if len(fl.Groups) == 1 {
		if sel.group, err = one(fl.Groups[0], f.idsOf(report.Group), func(id int64) (string, int64) {
			if g := ref.Group(id); g != nil {
				return g.Code, g.ProgramID
			}
			return "", 0
		}); err != nil || sel.empty {
			return sel, err
		}
	}
	if len(fl.Funds) == 1 {
		if sel.fund, err = one(fl.Funds[0], f.idsOf(report.Fund), func(id int64) (string, int64) {
			if x := ref.Fund(id); x != nil {
				return x.Code, x.ProgramID
			}
			return "", 0
		}); err != nil || sel.empty {
			return sel, err
		}
	}
	if len(fl.Rounds) == 1 {
		if sel.round, err = one(fl.Rounds[0], f.idsOf(report.Round), func(id int64) (string, int64) {
			if x := ref.Round(id); x != nil {
				return x.Code, x.ProgramID
			}
			return "", 0
		}); err != nil || sel.empty {
			return sel, err
		}
	}
	for level, list := range map[int][]string{1: fl.Provinces, 2: fl.Districts, 3: fl.Wards} {
		if len(list) != 1 {
			continue
		}
		sel.level = level
		if sel.unit, err = one(list[0], f.units(level), func(id int64) (string, int64) {
			if u := ref.Unit(id); u != nil {
				return u.Code, 0
			}
			return "", 0
		}); err != nil || sel.empty {
			return sel, err
		}
	}
	switch {
	case fl.PaidFrom == nil && fl.PaidTo == nil:
	case fl.PaidFrom == nil || fl.PaidTo == nil:
		return sel, errs.E(op, errs.Invalid, errs.Msg("Số liệu chính thức chọn được trọn một tháng hoặc một tuần: hãy nêu cả ngày đầu và ngày cuối. "+Held))
	default:
		label, dim, ok := wholePeriod(*fl.PaidFrom, *fl.PaidTo)
		if !ok {
			return sel, errs.E(op, errs.Invalid, errs.Msgf("Số liệu chính thức chọn được trọn một tháng hoặc trọn một tuần (thứ Hai đến Chủ nhật); %s – %s không phải. %s",
				fl.PaidFrom.Vietnamese(), fl.PaidTo.Vietnamese(), Held))
		}
		sel.period, sel.periodDim = label, dim
	}
	return sel, nil
}

func codeOrEmpty(ok bool, code func() string) string {
	if !ok {
		return ""
	}
	return code()
}

// idsOf lists the groups, funds or rounds that have cells.
func (f *Figures) idsOf(d report.Dimension) []int64 {
	var ids []int64
	for _, c := range f.cells[tableKey{0, string(d)}] {
		switch d {
		case report.Group:
			ids = append(ids, c.Key.GroupID)
		case report.Fund:
			ids = append(ids, c.Key.FundID)
		case report.Round:
			if c.Key.RoundID != 0 {
				ids = append(ids, c.Key.RoundID)
			}
		}
	}
	return ids
}

// units lists the units of a level that have cells.
func (f *Figures) units(level int) []int64 {
	var ids []int64
	for _, c := range f.cells[tableKey{0, tableName(levelDims[level])}] {
		switch level {
		case 1:
			ids = append(ids, c.Key.ProvinceID)
		case 2:
			if c.Key.DistrictID != 0 {
				ids = append(ids, c.Key.DistrictID)
			}
		case 3:
			ids = append(ids, c.Key.WardID)
		}
	}
	return ids
}

// wholePeriod returns the label of the month or ISO week that runs exactly from..to.
func wholePeriod(from, to civil.Date) (string, report.Dimension, bool) {
	for _, d := range []report.Dimension{report.Month, report.Week} {
		if p := report.PeriodOf(d, from); p.Start == from && p.End == to {
			return p.Label, d, true
		}
	}
	return "", "", false
}

// lineOnly names, as the API does, what the question asks that only the lines answer
// (report.Query.NeedsLines): a snapshot keeps the cells its tables add up, not these.
func lineOnly(q report.Query) []string {
	var asked []string
	fl := q.Filter.LineFilter
	add := func(on bool, what string) {
		if on {
			asked = append(asked, what)
		}
	}
	add(fl.ListedFrom != nil || fl.ListedTo != nil, "khoảng ngày lập danh sách (listedFrom/listedTo)")
	add(fl.ApprovedFrom != nil || fl.ApprovedTo != nil, "khoảng ngày phê duyệt (approvedFrom/approvedTo)")
	add(len(fl.Kinds) > 0, "lọc theo cá nhân hay hộ (kinds)")
	add(len(fl.Instalments) > 0, "lọc theo lần chi trả (instalments)")
	add(fl.AmountFrom != nil || fl.AmountTo != nil, "khoảng số tiền (amountFrom/amountTo)")
	add(fl.BreaksRule, "các dòng lệch mức quy định (breaksRule)")
	add(slices.Contains(q.GroupBy, report.Kind), "chia theo cá nhân hay hộ (KIND)")
	add(slices.Contains(q.GroupBy, report.Instalment), "chia theo lần chi trả (INSTALMENT)")
	add(q.DateField.OrPaid() != report.PaidOn, fmt.Sprintf("mốc thời gian theo %s (dateField; bản số liệu chia theo ngày chi trả PAID_ON)", q.DateField))
	add(q.WantsDays(), "số ngày từ lập danh sách đến chi trả (daysListedToPaid)")
	return asked
}

func dimensionName(d report.Dimension) string {
	return map[report.Dimension]string{
		report.Day: "ngày", report.Quarter: "quý", report.Year: "năm",
		report.Status: "trạng thái", report.Channel: "hình thức chi trả",
	}[d]
}

// Traced is a row of a snapshot's answer with its provenance: the cell's lines and their digest.
type Traced struct {
	Row        report.Row
	Lines      int64
	LineDigest string

	f   *Figures
	sel lineSel
}

// LineIDs returns the IDs of the first n lines of the cell, in ascending order: the lines whose
// digest the cell carries.
func (t Traced) LineIDs(n int) []int64 {
	var ids []int64
	for _, l := range t.f.lines {
		if len(ids) >= n {
			break
		}
		if t.sel.holdsLine(t.f, l) {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// Provenance answers a question as Stats does (the same rows, in the same order, and the same
// refusals) with each row's and the total's provenance.
func (f *Figures) Provenance(q report.Query, ref *reference.Snapshot) (total Traced, rows []Traced, err error) {
	p, err := f.plan(q, ref)
	if err != nil {
		return total, nil, err
	}
	res := &report.Result{Total: p.total.totals()}
	byKey := map[string]planned{}
	for _, c := range p.rows {
		res.Rows = append(res.Rows, report.Row{Key: c.key, Totals: c.cell.Totals})
		byKey[keyString(c.key)] = c
	}
	report.Arrange(res, q)
	// Each row and the total are as Stats answers them (shares, ranks, running totals…); the
	// provenance is the cell's.
	trace := func(row report.Row, c planned, by []report.Dimension) Traced {
		t := Traced{Row: row, f: f, sel: narrow(p.sel, c.key, by)}
		if c.cell != nil {
			t.Lines, t.LineDigest = c.cell.Lines, c.cell.LineDigest
		} else {
			t.LineDigest = LineDigest(nil)
		}
		if p.sel.empty {
			t.sel.program = -1 // the filter names nothing the snapshot holds: no line
		}
		return t
	}
	total = trace(report.Row{Totals: res.Total}, p.total, nil)
	for _, r := range res.Rows {
		rows = append(rows, trace(r, byKey[keyString(r.Key)], q.GroupBy))
	}
	return total, rows, nil
}
