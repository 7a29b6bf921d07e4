package report

import (
	"fmt"
	"math"
	"slices"

	"hotro/internal/errs"
)

// DateField is the date of a line that a time bucket groups by.
type DateField string

// The dates a time bucket may group by.
const (
	ListedOn   DateField = "LISTED_ON"
	ApprovedOn DateField = "APPROVED_ON"
	PaidOn     DateField = "PAID_ON"
)

// DateFields lists the dates a time bucket may group by.
var DateFields = []DateField{ListedOn, ApprovedOn, PaidOn}

// OrPaid is the field, the paid date when empty.
func (f DateField) OrPaid() DateField {
	if f == "" {
		return PaidOn
	}
	return f
}

// column is the line's column of the date.
func (f DateField) column() string {
	switch f.OrPaid() {
	case ListedOn:
		return "d.listed_on"
	case ApprovedOn:
		return "d.approved_on"
	}
	return "d.paid_on"
}

// Comparison compares a measure with a value.
type Comparison string

// The comparisons of a Condition.
const (
	GT  Comparison = "GT"
	GTE Comparison = "GTE"
	LT  Comparison = "LT"
	LTE Comparison = "LTE"
	EQ  Comparison = "EQ"
	NE  Comparison = "NE"
)

// Comparisons lists the comparisons.
var Comparisons = []Comparison{GT, GTE, LT, LTE, EQ, NE}

// Condition tests one measure of a row: shares as fractions (0.9 for 90 %), amounts in đồng.
type Condition struct {
	Measure Measure
	Op      Comparison
	Value   float64
}

// passes reports whether the totals pass: a measure without a value (nothing to divide by) passes
// no condition.
func (c Condition) passes(t Totals) bool {
	v, ok := t.Value(c.Measure)
	if !ok {
		return false
	}
	switch c.Op {
	case GT:
		return v > c.Value
	case GTE:
		return v >= c.Value
	case LT:
		return v < c.Value
	case LTE:
		return v <= c.Value
	case EQ:
		return v == c.Value
	case NE:
		return v != c.Value
	}
	return false
}

// Within keeps the First rows of each set of rows that agree on the Dimensions.
type Within struct {
	Dimensions []Dimension
	First      int
}

// MaxHaving bounds the conditions of one query.
const MaxHaving = 20

// validateAfterGrouping checks the date field, the conditions and FirstWithin.
func (q *Query) validateAfterGrouping() error {
	const op = "report: validate"
	if q.DateField != "" && !slices.Contains(DateFields, q.DateField) {
		return errs.E(op, errs.Invalid, errs.Msgf("dateField %q không hợp lệ; dùng LISTED_ON, APPROVED_ON hoặc PAID_ON.", q.DateField))
	}
	undefined := q.UndefinedMeasures()
	if q.Order != nil && q.Order.Field != ByKey && undefined.Has(Measure(q.Order.Field)) {
		return errs.E(op, errs.Invalid, errs.Msgf("Không thể sắp xếp theo %s: %s", q.Order.Field, undefinedReason(Measure(q.Order.Field))))
	}
	if len(q.Having) > MaxHaving {
		return errs.E(op, errs.TooComplex, errs.Msgf("having có %d điều kiện, tối đa %d.", len(q.Having), MaxHaving))
	}
	for _, c := range q.Having {
		if !slices.Contains(Measures, c.Measure) {
			return errs.E(op, errs.Invalid, errs.Msgf("having: không có chỉ tiêu %q.", c.Measure))
		}
		if !slices.Contains(Comparisons, c.Op) {
			return errs.E(op, errs.Invalid, errs.Msgf("having: phép so sánh %q không hợp lệ.", c.Op))
		}
		if math.IsNaN(c.Value) || math.IsInf(c.Value, 0) {
			return errs.E(op, errs.Invalid, errs.Msgf("having: giá trị của %s phải là một số hữu hạn.", c.Measure))
		}
		if undefined.Has(c.Measure) {
			return errs.E(op, errs.Invalid, errs.Msgf("having không dùng được %s: %s", c.Measure, undefinedReason(c.Measure)))
		}
	}
	if w := q.FirstWithin; w != nil {
		if w.First < 0 {
			return errs.E(op, errs.Invalid, errs.Msg("firstWithin.first phải là số không âm."))
		}
		if len(w.Dimensions) == 0 {
			return errs.E(op, errs.Invalid, errs.Msg("firstWithin.dimensions cần ít nhất một chiều."))
		}
		for i, d := range w.Dimensions {
			if !slices.Contains(q.GroupBy, d) {
				return errs.E(op, errs.Invalid, errs.Msgf("firstWithin: chiều %s phải có trong groupBy.", d))
			}
			if slices.Contains(w.Dimensions[:i], d) {
				return errs.E(op, errs.Invalid, errs.Msgf("firstWithin: chiều %s được nêu hai lần.", d))
			}
		}
		if len(w.Dimensions) == len(q.GroupBy) {
			return errs.E(op, errs.Invalid, errs.Msg("firstWithin phải để lại ít nhất một chiều của groupBy ngoài các chiều của nhóm (ví dụ groupBy: [WARD, GROUP], firstWithin: { dimensions: [WARD], first: 3 })."))
		}
	}
	return nil
}

// undefinedReason says why a measure has no meaning under a filter, in Vietnamese.
func undefinedReason(m Measure) string {
	return fmt.Sprintf("bộ lọc (trạng thái, hoặc khoảng ngày chi trả paidFrom/paidTo hay ngày phê duyệt approvedFrom/approvedTo) chỉ giữ những dòng mà %s chỉ lặp lại một chỉ tiêu khác hoặc bằng 0 theo định nghĩa. Để xem các dòng được lập danh sách trong một khoảng thời gian, dùng listedFrom/listedTo.", m)
}

// NeedsLines reports whether only the payment lines can answer the query: a filter or dimension
// the rollups do not keep (the listing or approval date, the recipient's kind, the instalment, the
// amount, the rule), a time bucket on a date other than the paid date, or the time from listing
// to payment. Such a query is answered by an exact scan of the lines (SQL), never approximated.
func (q Query) NeedsLines() bool {
	if !q.Filter.LineFilter.IsZero() || q.Days {
		return true
	}
	for _, d := range q.GroupBy {
		if d == Kind || d == Instalment || (d.IsTime() && q.DateField.OrPaid() != PaidOn) {
			return true
		}
	}
	for _, c := range q.Having {
		if c.Measure.NeedsDays() {
			return true
		}
	}
	return q.Order != nil && Measure(q.Order.Field).NeedsDays()
}

// WantsDays reports whether the answer needs the time from listing to payment: asked for, or
// tested or ordered by.
func (q Query) WantsDays() bool { return q.Days || q.needsDaysMeasure() }

func (q Query) needsDaysMeasure() bool {
	for _, c := range q.Having {
		if c.Measure.NeedsDays() {
			return true
		}
	}
	return q.Order != nil && Measure(q.Order.Field).NeedsDays()
}
