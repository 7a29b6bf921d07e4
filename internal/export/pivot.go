package export

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/report"
)

// A pivot lays a stats answer out wide: one row per value of the other dimensions, one column per
// value of the pivot dimension (pivot=GROUP: a column per beneficiary group) holding one measure
// (measure=, default AMOUNT_PAID), then the row's total; the last row is the total of each column.
// Every cell is a figure the engine computed, never a sum made here: the row and column totals are
// answers to the query grouped without the pivot and by the pivot alone, so that measures that do
// not add up across groups (people supported, recipients) are exact in the totals too. A cell with
// no line is 0; a cell the public figures withhold is empty.

// checkPivot refuses a pivot that the query cannot be laid out by.
func checkPivot(req request) error {
	const op = "export: pivot"
	q := req.query
	switch {
	case !slices.Contains(q.GroupBy, *req.pivot):
		return errs.E(op, errs.Invalid, errs.Msgf("pivot=%s: chiều xoay phải nằm trong groupBy (ví dụ groupBy=WARD,%s&pivot=%s).", *req.pivot, *req.pivot, *req.pivot))
	case len(q.GroupBy) < 2:
		return errs.E(op, errs.Invalid, errs.Msgf("pivot=%s cần thêm ít nhất một chiều khác trong groupBy để làm dòng (ví dụ groupBy=WARD,%s).", *req.pivot, *req.pivot))
	case q.Order != nil && q.Order.Field != report.ByKey && q.Order.Field != req.measure:
		return errs.E(op, errs.Invalid, errs.Msgf("Bảng xoay chỉ sắp xếp theo KEY hoặc theo chỉ tiêu của nó (measure=%s), không theo %s.", req.measure, q.Order.Field))
	}
	return nil
}

// pivotTable answers the request's three questions and lays them out wide.
func (h *Handler) pivotTable(r *http.Request, req request, ab about) (*table, error) {
	if err := checkPivot(req); err != nil {
		return nil, err
	}
	q, pivot := req.query, *req.pivot
	var rowDims []report.Dimension
	for _, d := range q.GroupBy {
		if d != pivot {
			rowDims = append(rowDims, d)
		}
	}
	rowsQ := q // the rows: ordered and cut as asked, with their totals
	rowsQ.GroupBy = rowDims
	cellsQ := q // the cells: every row × column
	cellsQ.Order, cellsQ.First = nil, nil
	colsQ := q // the columns, in their natural order, with their totals
	colsQ.GroupBy, colsQ.Order, colsQ.First = []report.Dimension{pivot}, nil, nil
	rows, total, err := h.figures(r, rowsQ, &ab)
	if err != nil {
		return nil, err
	}
	cells, _, err := h.figures(r, cellsQ, &ab)
	if err != nil {
		return nil, err
	}
	cols, _, err := h.figures(r, colsQ, &ab)
	if err != nil {
		return nil, err
	}
	n, err := h.lookUp(r.Context(), slices.Concat(rows, cols))
	if err != nil {
		return nil, err
	}
	l := layout{text: texts[req.lang], lang: req.lang, names: n}
	t := &table{text: l.text, fileName: l.text.fileName + "-" + req.lang.pivotName() + "-" + civil.Of(ab.generated).String(), about: aboutRows(l.text, ab)}
	keyCols := l.columns(rowDims)
	t.columns = keyCols[:len(keyCols)-len(l.text.measures)]
	kind := countKind
	if i := slices.Index(report.OrderFields, req.measure); i >= 0 && money[i] {
		kind = moneyKind
	}
	for _, c := range cols {
		t.columns = append(t.columns, column{l.pivotHeader(pivot, c), kind})
	}
	t.columns = append(t.columns, column{l.text.total, kind})
	byKey := make(map[string]*report.Totals, len(cells))
	for _, c := range cells {
		byKey[pivotKey(rowDims, c.Key)+"|"+pivotKey([]report.Dimension{pivot}, c.Key)] = c.totals
	}
	value := func(t *report.Totals, present bool) any {
		switch {
		case !present:
			return int64(0) // no line in this cell
		case t == nil:
			return nil // withheld from the public
		}
		v, ok := t.Value(report.Measure(req.measure))
		if !ok {
			return nil // undefined under the filter
		}
		return int64(v)
	}
	for _, row := range rows {
		var out []any
		for _, d := range rowDims {
			out = append(out, l.keyCells(d, row)...)
		}
		rk := pivotKey(rowDims, row.Key)
		for _, c := range cols {
			cell, ok := byKey[rk+"|"+pivotKey([]report.Dimension{pivot}, c.Key)]
			out = append(out, value(cell, ok))
		}
		t.rows = append(t.rows, append(out, value(row.totals, true)))
	}
	t.total = make([]any, len(t.columns)-len(cols)-1, len(t.columns))
	t.total[0] = l.text.total
	for _, c := range cols {
		t.total = append(t.total, value(c.totals, true))
	}
	t.total = append(t.total, value(total, true))
	t.about = append(t.about, [2]string{l.text.pivot, fmt.Sprintf("%s: %s", pivot, req.measure)})
	return t, nil
}

// pivotHeader names a column of the pivot by its value: "Hộ nghèo (HO_NGHEO)", "2020-05".
func (l layout) pivotHeader(d report.Dimension, c line) string {
	cells := l.keyCells(d, c)
	if d.IsTime() {
		return fmt.Sprint(cells[0])
	}
	name, _ := cells[1].(string)
	code, _ := cells[0].(string)
	switch {
	case name == "":
		return code
	case code == "":
		return name
	}
	return name + " (" + code + ")"
}

// pivotKey identifies a row's values of the dimensions: IDs for units, programmes, groups, funds and
// rounds (a code may name units of two periods), the value for the others.
func pivotKey(dims []report.Dimension, k report.Key) string {
	var b strings.Builder
	for _, d := range dims {
		switch d {
		case report.Program:
			fmt.Fprintf(&b, "p%d;", k.ProgramID)
		case report.Province:
			fmt.Fprintf(&b, "v%d;", k.ProvinceID)
		case report.District:
			fmt.Fprintf(&b, "d%d/%d/%t;", k.DistrictID, k.ProvinceID, k.NoDistrict)
		case report.Ward:
			fmt.Fprintf(&b, "w%d/%t;", k.WardID, k.WardSplit)
		case report.Group:
			fmt.Fprintf(&b, "g%d;", k.GroupID)
		case report.Fund:
			fmt.Fprintf(&b, "f%d;", k.FundID)
		case report.Round:
			fmt.Fprintf(&b, "r%d;", k.RoundID)
		case report.Status:
			if k.Status != nil {
				fmt.Fprintf(&b, "s%s", *k.Status)
			}
			b.WriteString(";")
		case report.Channel:
			if k.Channel != nil {
				fmt.Fprintf(&b, "c%s", *k.Channel)
			}
			b.WriteString(";")
		default:
			if k.Period != nil {
				b.WriteString(k.Period.Start.String())
			}
			b.WriteString(";")
		}
	}
	return b.String()
}

// pivotName is the file name's word for a wide table.
func (l lang) pivotName() string {
	if l == en {
		return "wide"
	}
	return "bang-xoay"
}
