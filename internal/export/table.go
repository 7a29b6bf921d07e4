package export

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"hotro/internal/adminunit"
	"hotro/internal/civil"
	"hotro/internal/report"
)

// A kind says how a column's cells are written: text, a count, an amount of VND, or a date.
type kind int

const (
	textKind kind = iota
	countKind
	moneyKind
	dateKind
)

type column struct {
	header string
	kind   kind
}

// A table is a file's content before it is written in a format. A cell is a string, an int64, a
// civil.Date or nil (empty).
type table struct {
	text     *text
	fileName string // without extension: hotro-thong-ke-2026-11-27
	columns  []column
	rows     [][]any
	total    []any
	about    [][2]string // the query sheet: what was asked, when, of which data
}

// allRows are the rows then the total row.
func (t *table) allRows() [][]any {
	return append(t.rows[:len(t.rows):len(t.rows)], t.total)
}

// A line is one group's key and measures; nil measures are withheld from the public.
type line struct {
	report.Key
	totals *report.Totals
}

// build lays out the result: for each grouped dimension a code and a name column (a label, first
// and last day for a time bucket), then the measures; a row per group and the total row.
func (h *Handler) build(ctx context.Context, req request, lines []line, total *report.Totals, ab about) (*table, error) {
	q := req.query
	var rows []line
	if len(q.GroupBy) > 0 { // ungrouped, the one row is the total
		rows = lines
	}
	n, err := h.lookUp(ctx, rows)
	if err != nil {
		return nil, err
	}
	l := layout{text: texts[req.lang], lang: req.lang, names: n,
		splitColumn: q.UnitsAsOf != nil && slices.Contains(q.GroupBy, report.Ward), extra: measureSet(q, ab.public)}
	t := &table{text: l.text, fileName: l.text.fileName + "-" + civil.Of(ab.generated).String(), columns: l.columns(q.GroupBy)}
	for _, r := range rows {
		var cells []any
		for _, d := range q.GroupBy {
			cells = append(cells, l.keyCells(d, r)...)
		}
		t.rows = append(t.rows, append(cells, measureCells(r.totals, l.extra)...))
	}
	t.total = make([]any, len(t.columns)-len(money)-len(l.extra), len(t.columns))
	t.total[0] = l.text.total
	t.total = append(t.total, measureCells(total, l.extra)...)
	t.about = append(aboutRows(l.text, ab), aboutMore(req.lang, q, l.extra, total)...)
	return t, nil
}

// layout writes keys as cells in one language.
type layout struct {
	text        *text
	lang        lang
	names       names
	splitColumn bool // the wards that were split are named (unitsAsOf with WARD)
	extra       []extraMeasure
}

func (l layout) columns(dims []report.Dimension) []column {
	var cols []column
	for _, d := range dims {
		switch {
		case d.IsTime():
			cols = append(cols, column{l.text.name[d], textKind}, column{l.text.periodStart, dateKind}, column{l.text.periodEnd, dateKind})
		default:
			cols = append(cols, column{l.text.code[d], textKind}, column{l.text.name[d], textKind})
			if isUnit(d) {
				// Codes are reused after 2025: a unit is its code and its validity period.
				cols = append(cols, column{l.text.validFrom, dateKind}, column{l.text.validTo, dateKind})
			}
			if d == report.Ward && l.splitColumn {
				cols = append(cols, column{l.text.splitInto, textKind})
			}
		}
	}
	if len(dims) == 0 {
		cols = append(cols, column{"", textKind}) // for the label of the total row
	}
	for i, header := range l.text.measures {
		k := countKind
		if money[i] {
			k = moneyKind
		}
		cols = append(cols, column{header, k})
	}
	for _, m := range l.extra {
		cols = append(cols, column{m.header[l.lang], m.kind})
	}
	return cols
}

// keyCells are the cells of one dimension of a row: its code and name, or label, first and last day.
func (l layout) keyCells(d report.Dimension, r line) []any {
	n, tx := l.names, l.text
	switch d {
	case report.Program:
		if p := n.programs[r.ProgramID]; p != nil {
			return []any{p.Code, l.name(p.Name, p.NameEn)}
		}
	case report.Group:
		if g := n.groups[r.GroupID]; g != nil {
			return []any{g.Code, l.name(g.Name, g.NameEn)}
		}
	case report.Fund:
		if f := n.funds[r.FundID]; f != nil {
			return []any{f.Code, l.name(f.Name, f.NameEn)}
		}
	case report.Round:
		if rd := n.rounds[r.RoundID]; rd != nil {
			return []any{rd.Code, l.name(rd.Name, rd.NameEn)}
		}
	case report.Province:
		return l.unit(r.ProvinceID, r.ProvinceCode)
	case report.District:
		if r.NoDistrict {
			return []any{nil, adminunit.NoDistrictLabel(n.units[r.ProvinceID], l.lang == en), nil, nil}
		}
		return l.unit(r.DistrictID, r.DistrictCode)
	case report.Ward:
		cells := l.unit(r.WardID, r.WardCode)
		if l.splitColumn {
			cells = append(cells, l.splitInto(r))
		}
		return cells
	case report.Status:
		if r.Status != nil {
			return []any{string(*r.Status), r.Status.Text().In(string(l.lang))}
		}
	case report.Channel:
		if r.Channel != nil {
			return []any{string(*r.Channel), r.Channel.Text().In(string(l.lang))}
		}
		return []any{nil, tx.notPaid}
	case report.Kind, report.Instalment:
		return l.lineKeyCells(d, r)
	default: // a time bucket
		if r.Period != nil {
			return []any{r.Period.Label, r.Period.Start, r.Period.End}
		}
		return []any{tx.notPaid, nil, nil}
	}
	return []any{nil, tx.none}
}

func (l layout) name(nameVi, nameEn string) string {
	if l.lang == en && nameEn != "" {
		return nameEn
	}
	return nameVi
}

// unit is the code, name and validity period of a unit (no end: valid today); a row may have none.
func (l layout) unit(id int64, code string) []any {
	if u := l.names.units[id]; u != nil {
		var validTo any
		if u.ValidTo != nil {
			validTo = *u.ValidTo
		}
		return []any{u.Code, l.name(u.Name, u.NameEn), u.ValidFrom, validTo}
	}
	if id == 0 && code == "" {
		return []any{nil, l.text.none, nil, nil}
	}
	return []any{code, nil, nil, nil}
}

// isUnit reports whether d groups by administrative unit, whose columns carry a validity period.
func isUnit(d report.Dimension) bool {
	return d == report.Province || d == report.District || d == report.Ward
}

// splitInto names the units a split ward became, e.g. "Phường A (05443); Phường B (05444)".
func (l layout) splitInto(r line) any {
	if !r.WardSplit {
		return nil
	}
	var parts []string
	for _, id := range l.names.successors[r.WardID] {
		if u := l.names.units[id]; u != nil {
			parts = append(parts, fmt.Sprintf("%s (%s)", l.name(u.Name, u.NameEn), u.Code))
		}
	}
	return strings.Join(parts, "; ")
}
