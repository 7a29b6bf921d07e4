package snapshot

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"hotro/internal/auth"
	"hotro/internal/errs"
	"hotro/internal/reference"
	"hotro/internal/report"
)

// Reason is why a line changed between two snapshots (or a snapshot and now).
type Reason string

// The reasons a line changed.
const (
	Added           Reason = "ADDED"            // listed after the first snapshot
	Removed         Reason = "REMOVED"          // gone since (deleted)
	Paid            Reason = "PAID"             // paid after the first snapshot (a late payment)
	Returned        Reason = "RETURNED"         // returned since
	Cancelled       Reason = "CANCELLED"        // cancelled since
	StatusChanged   Reason = "STATUS_CHANGED"   // moved along the approval chain otherwise
	AmountCorrected Reason = "AMOUNT_CORRECTED" // its amount was corrected
	Moved           Reason = "MOVED"            // its programme, ward, group, fund or round changed
	PaidOnChanged   Reason = "PAID_ON_CHANGED"  // its paid date changed
)

// LineChange is a line that differs between the two sides: as it stood before and after (nil when
// it did not exist) and why.
type LineChange struct {
	ID            int64
	Before, After *Line
	Reasons       []Reason
}

// CellChange is a row whose figures differ: its key, its totals on both sides and the lines that
// explain the difference (at most MaxLinesPerCell of them; LineCount says how many).
type CellChange struct {
	Key           report.Key
	Before, After report.Totals
	Lines         []LineChange
	LineCount     int
}

// MaxLinesPerCell bounds the lines listed under one changed cell.
const MaxLinesPerCell = 200

// Diff is what changed between a snapshot and a later one, or the data now.
type Diff struct {
	From, To   *Snapshot // To is nil for the data now
	ToVersion  int64
	from, to   *Figures
	changes    []LineChange
	changeByID map[int64]int
}

// Lines returns every changed line, by ID.
func (d *Diff) Lines() []LineChange { return d.changes }

// Diff compares a snapshot with another (to: its ID) or with the data now (to: "now").
func (s *Service) Diff(ctx context.Context, from int64, to string) (*Diff, error) {
	const op = "snapshot: diff"
	if err := CanRead(auth.FromContext(ctx), op); err != nil {
		return nil, err
	}
	a, err := s.get(ctx, from)
	if err != nil {
		return nil, err
	}
	d := &Diff{From: a}
	if d.from, err = s.Figures(ctx, a); err != nil {
		return nil, err
	}
	if to == "now" {
		if d.to, err = s.current(ctx); err != nil {
			return nil, err
		}
	} else {
		id, perr := strconv.ParseInt(to, 10, 64)
		if perr != nil {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("to là số của một bản số liệu hoặc \"now\" (số liệu hiện tại), không phải %q.", to))
		}
		if d.To, err = s.get(ctx, id); err != nil {
			return nil, err
		}
		if d.to, err = s.Figures(ctx, d.To); err != nil {
			return nil, err
		}
	}
	d.ToVersion = d.to.Version
	d.changes = changedLines(d.from.lines, d.to.lines)
	d.changeByID = map[int64]int{}
	for i, c := range d.changes {
		d.changeByID[c.ID] = i
	}
	return d, nil
}

// current returns the figures of the data now, as a snapshot would keep them: built once per data
// version, however many diffs ask at once.
func (s *Service) current(ctx context.Context) (*Figures, error) {
	s.nowMu.Lock()
	defer s.nowMu.Unlock()
	v, err := s.version(ctx)
	if err != nil {
		return nil, err
	}
	if s.nowFigures != nil && s.nowFigures.Version == v {
		return s.nowFigures, nil
	}
	for range 3 {
		ref, err := s.reference.Get(ctx)
		if err != nil {
			return nil, err
		}
		f, err := Build(ctx, s.engine, s.db, ref, v)
		if err != nil {
			return nil, err
		}
		after, err := s.version(ctx)
		if err != nil {
			return nil, err
		}
		if after == v {
			s.nowFigures = f
			return f, nil
		}
		v = after
	}
	return nil, errs.E("snapshot: diff", errs.Unavailable, errs.Msg("Số liệu đang được cập nhật liên tục; vui lòng thử lại sau ít phút."))
}

// changedLines compares two lists of lines ordered by ID.
func changedLines(before, after []Line) []LineChange {
	var out []LineChange
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		switch {
		case j == len(after) || (i < len(before) && before[i].ID < after[j].ID):
			b := before[i]
			out = append(out, LineChange{ID: b.ID, Before: &b, Reasons: []Reason{Removed}})
			i++
		case i == len(before) || after[j].ID < before[i].ID:
			a := after[j]
			out = append(out, LineChange{ID: a.ID, After: &a, Reasons: []Reason{Added}})
			j++
		default:
			b, a := before[i], after[j]
			i++
			j++
			if rs := reasons(b, a); len(rs) > 0 {
				out = append(out, LineChange{ID: a.ID, Before: &b, After: &a, Reasons: rs})
			}
		}
	}
	return out
}

func reasons(b, a Line) []Reason {
	var rs []Reason
	if b.Status != a.Status {
		switch a.Status {
		case "PAID":
			rs = append(rs, Paid)
		case "RETURNED":
			rs = append(rs, Returned)
		case "CANCELLED":
			rs = append(rs, Cancelled)
		default:
			rs = append(rs, StatusChanged)
		}
	}
	if b.Amount != a.Amount {
		rs = append(rs, AmountCorrected)
	}
	if b.ProgramID != a.ProgramID || b.WardID != a.WardID || b.GroupID != a.GroupID || b.FundID != a.FundID || b.RoundID != a.RoundID {
		rs = append(rs, Moved)
	}
	if (b.PaidOn == nil) != (a.PaidOn == nil) || (b.PaidOn != nil && *b.PaidOn != *a.PaidOn) {
		if b.Status == a.Status {
			rs = append(rs, PaidOnChanged)
		}
	}
	return rs
}

// Cells answers the question on both sides (see Figures.Stats: the same questions are answered or
// refused) and returns the rows that differ, with the lines that fall in each on either side, the
// rows whose amount paid moved most first (q.First keeps that many), and the totals of both sides.
func (d *Diff) Cells(q report.Query, ref *reference.Snapshot) (changes []CellChange, before, after report.Totals, err error) {
	pb, err := d.from.plan(q, ref)
	if err != nil {
		return nil, before, after, err
	}
	pa, err := d.to.plan(q, ref)
	if err != nil {
		return nil, before, after, err
	}
	sel := pb.sel
	if sel.empty {
		sel = pa.sel
	}
	// Each side's rows and total as Stats answers them (shares of that side's total, undefined
	// measures); a row changed when what the lines add up to changed.
	arrangedB, arrangedA := arranged(pb, q), arranged(pa, q)
	changes = d.cells(sel, pb, pa, q.GroupBy, arrangedB.rows, arrangedA.rows)
	moved := func(c CellChange) int64 {
		m := c.After.AmountPaid - c.Before.AmountPaid
		if m < 0 {
			m = -m
		}
		return m
	}
	slices.SortStableFunc(changes, func(a, b CellChange) int { return cmp.Compare(moved(b), moved(a)) })
	if q.First != nil && *q.First < len(changes) {
		changes = changes[:*q.First]
	}
	return changes, arrangedB.total, arrangedA.total, nil
}

// sideAnswer is one side of a diff answered as Stats answers it: its total and its rows by key.
type sideAnswer struct {
	total report.Totals
	rows  map[string]report.Totals
}

// arranged runs on a side's cells what Stats runs (report.Arrange) over every row: no order, cut
// or having, which pick rows; the diff picks its own.
func arranged(p *plan, q report.Query) sideAnswer {
	res := &report.Result{Total: p.total.totals()}
	for _, c := range p.rows {
		res.Rows = append(res.Rows, report.Row{Key: c.key, Totals: c.cell.Totals})
	}
	report.Arrange(res, report.Query{Filter: q.Filter, GroupBy: q.GroupBy, DateField: q.DateField})
	out := sideAnswer{total: res.Total, rows: make(map[string]report.Totals, len(res.Rows))}
	for _, r := range res.Rows {
		out.rows[keyString(r.Key)] = r.Totals
	}
	return out
}

// cells pairs the rows of both sides by key and keeps those that differ.
func (d *Diff) cells(sel selection, before, after *plan, by []report.Dimension, beforeRows, afterRows map[string]report.Totals) []CellChange {
	type side struct {
		key               report.Key
		before, after     report.Totals
		beforeOK, afterOK bool
	}
	rows := map[string]*side{}
	var order []string
	add := func(p planned, isAfter bool) {
		k := keyString(p.key)
		r := rows[k]
		if r == nil {
			r = &side{key: p.key}
			rows[k] = r
			order = append(order, k)
		}
		if isAfter {
			r.after, r.afterOK = afterRows[k], true
		} else {
			r.before, r.beforeOK = beforeRows[k], true
		}
	}
	for _, p := range before.rows {
		add(p, false)
	}
	for _, p := range after.rows {
		add(p, true)
	}
	var out []CellChange
	for _, k := range order {
		r := rows[k]
		if r.before.Measured() == r.after.Measured() {
			continue
		}
		// A row one side lacks answers zeros there, as a row with no lines.
		if !r.beforeOK {
			r.before = report.Totals{Undefined: r.after.Undefined}
		}
		if !r.afterOK {
			r.after = report.Totals{Undefined: r.before.Undefined}
		}
		cc := CellChange{Key: r.key, Before: r.before, After: r.after}
		rowSel := narrow(sel, r.key, by)
		for _, lc := range d.changes {
			in := (lc.Before != nil && rowSel.holdsLine(d.from, *lc.Before)) || (lc.After != nil && rowSel.holdsLine(d.to, *lc.After))
			if in {
				cc.LineCount++
				if len(cc.Lines) < MaxLinesPerCell {
					cc.Lines = append(cc.Lines, lc)
				}
			}
		}
		out = append(out, cc)
	}
	return out
}

func keyString(k report.Key) string {
	s := strconv.FormatInt(k.ProgramID, 10) + "|" + strconv.FormatInt(k.ProvinceID, 10) + "|" + strconv.FormatInt(k.DistrictID, 10) + "|" +
		strconv.FormatInt(k.WardID, 10) + "|" + strconv.FormatInt(k.GroupID, 10) + "|" + strconv.FormatInt(k.FundID, 10) + "|" + strconv.FormatInt(k.RoundID, 10)
	if k.Period != nil {
		s += "|" + k.Period.Label
	}
	return s
}

// lineSel is a selection narrowed to one row: the selection's values and the row's.
type lineSel struct {
	selection
	program int64
	byDims  []report.Dimension
	key     report.Key
}

func narrow(sel selection, k report.Key, by []report.Dimension) lineSel {
	return lineSel{selection: sel, program: sel.program, byDims: by, key: k}
}

// holdsLine reports whether a line, placed in the figures of its side, falls in the row.
func (s lineSel) holdsLine(f *Figures, l Line) bool {
	c := f.coordsOf(l)
	if s.program != 0 && c.program != s.program {
		return false
	}
	switch s.level {
	case 1:
		if c.province != s.unit {
			return false
		}
	case 2:
		if c.district != s.unit {
			return false
		}
	case 3:
		if c.ward != s.unit {
			return false
		}
	}
	if (s.group != 0 && c.group != s.group) || (s.fund != 0 && c.fund != s.fund) || (s.round != 0 && c.round != s.round) {
		return false
	}
	if s.period != "" && ((s.periodDim == report.Month && c.month != s.period) || (s.periodDim == report.Week && c.week != s.period)) {
		return false
	}
	for _, d := range s.byDims {
		k := s.key
		ok := true
		switch d {
		case report.Program:
			ok = c.program == k.ProgramID
		case report.Province:
			ok = c.province == k.ProvinceID
		case report.District:
			ok = c.district == k.DistrictID
		case report.Ward:
			ok = c.ward == k.WardID
		case report.Group:
			ok = c.group == k.GroupID
		case report.Fund:
			ok = c.fund == k.FundID
		case report.Round:
			ok = c.round == k.RoundID
		case report.Month:
			ok = (k.Period == nil && c.month == Unpaid) || (k.Period != nil && c.month == k.Period.Label)
		case report.Week:
			ok = (k.Period == nil && c.week == Unpaid) || (k.Period != nil && c.week == k.Period.Label)
		}
		if !ok {
			return false
		}
	}
	return true
}

// DiffCells is Diff.Cells with the current reference data.
func (s *Service) DiffCells(ctx context.Context, d *Diff, q report.Query) ([]CellChange, report.Totals, report.Totals, error) {
	ref, err := s.reference.Get(ctx)
	if err != nil {
		return nil, report.Totals{}, report.Totals{}, err
	}
	return d.Cells(q, ref)
}
