// Package report answers read-only aggregate questions about payments: totals by any combination of
// unit, program, group, fund, status, channel and calendar period, under any filter.
//
// It owns the vocabulary of a stats query: the dimensions and order fields (Dimensions,
// OrderFields) and the one reader of a stats query written as URL parameters (URLSyntax, with the
// export and embed names), which the exports and the portal's chart data both use.
package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
)

// Dimension is something rows can be grouped by.
type Dimension string

// The dimensions. At most one of the time buckets (DAY..YEAR) may be used in one query.
const (
	Program  Dimension = "PROGRAM"
	Province Dimension = "PROVINCE"
	District Dimension = "DISTRICT"
	Ward     Dimension = "WARD"
	Group    Dimension = "GROUP"
	Fund     Dimension = "FUND"
	// Round is the payment round of a line's group (program.Round): a function of the group, so
	// every engine that answers by group answers by round exactly.
	Round   Dimension = "ROUND"
	Status  Dimension = "STATUS"
	Channel Dimension = "CHANNEL"
	Day     Dimension = "DAY"
	Week    Dimension = "WEEK"
	Month   Dimension = "MONTH"
	Quarter Dimension = "QUARTER"
	Year    Dimension = "YEAR"
)

// IsTime reports whether d buckets payments by their paid date.
func (d Dimension) IsTime() bool {
	switch d {
	case Day, Week, Month, Quarter, Year:
		return true
	}
	return false
}

// Filter selects payment lines; see disbursement.Filter.
type Filter = disbursement.Filter

// Engine answers stats queries.
type Engine interface {
	Stats(ctx context.Context, q Query) (*Result, error)
}

// Scope is what the caller may see: nil WardIDs means every ward. It is applied under every filter.
type Scope struct {
	WardIDs []int64
}

// OrderField is what rows are sorted by.
type OrderField string

// The order fields: a measure, or KEY (the grouping values in their natural order).
const (
	ByAmountPaid      OrderField = "AMOUNT_PAID"
	ByPeopleSupported OrderField = "PEOPLE_SUPPORTED"
	ByBeneficiaries   OrderField = "BENEFICIARIES"
	ByDisbursements   OrderField = "DISBURSEMENTS"
	ByAmountListed    OrderField = "AMOUNT_LISTED"
	ByAmountApproved  OrderField = "AMOUNT_APPROVED"
	ByKey             OrderField = "KEY"
)

// Order sorts rows.
type Order struct {
	Field OrderField
	Desc  bool
}

// MaxRows bounds the rows one query may return before `first` cuts them, so that one request
// cannot ask for millions of groups.
const MaxRows = 100_000

// MaxUnpagedRows bounds the rows of an API answer without `first`: a table a person reads, or a
// chart draws. A longer answer (many dimensions at once) is refused with a message that says to page
// it (CheckUnpaged). Exports, which are meant to be long, are bounded by MaxRows only.
const MaxUnpagedRows = 2_000

// CheckRows refuses an answer of n rows (before `first` cuts them) that is over MaxRows.
func CheckRows(op string, n int) error {
	if n > MaxRows {
		return errs.E(op, errs.TooComplex, errs.Msgf("Kết quả có %d nhóm, vượt giới hạn %d: hãy lọc hẹp hơn hoặc nhóm thô hơn.", n, MaxRows))
	}
	return nil
}

// CheckUnpaged refuses an answer of n rows to q that is over MaxUnpagedRows when q is not paged
// with `first`.
func CheckUnpaged(op string, q Query, n int) error {
	if q.First == nil && n > MaxUnpagedRows {
		return errs.E(op, errs.TooComplex, errs.Msgf("Kết quả có %d nhóm, vượt giới hạn %d nhóm khi không phân trang: hãy thêm first (ví dụ first: 100), lọc hẹp hơn hoặc nhóm theo ít chiều hơn.", n, MaxUnpagedRows))
	}
	return nil
}

// Query is one stats question.
type Query struct {
	Filter    Filter
	GroupBy   []Dimension
	Order     *Order // nil: by KEY ascending
	First     *int   // keep the first N rows after ordering
	UnitsAsOf *civil.Date
	Scope     Scope
}

// Validate checks the query's shape; codes are checked against the database by the engine.
func (q *Query) Validate() error {
	const op = "report: validate"
	seen := map[Dimension]bool{}
	timeDims := 0
	for _, d := range q.GroupBy {
		if !slices.Contains(Dimensions, d) {
			return errs.E(op, errs.Invalid, errs.Msgf("Không thể nhóm theo %q.", d))
		}
		if seen[d] {
			return errs.E(op, errs.Invalid, errs.Msgf("Chiều %s được nêu hai lần trong groupBy.", d))
		}
		seen[d] = true
		if d.IsTime() {
			timeDims++
		}
	}
	if timeDims > 1 {
		return errs.E(op, errs.Invalid, errs.Msg("Chỉ được nhóm theo một mốc thời gian (DAY, WEEK, MONTH, QUARTER hoặc YEAR)."))
	}
	if q.First != nil && *q.First < 0 {
		return errs.E(op, errs.Invalid, errs.Msg("first phải là số không âm."))
	}
	if err := q.Filter.Validate(); err != nil {
		return err
	}
	if len(q.Filter.Batches) > 0 {
		return errs.E(op, errs.Invalid, errs.Msg("Lọc theo lô nhập (batches) chỉ dùng cho danh sách dòng chi trả và thao tác, không dùng cho số liệu tổng hợp."))
	}
	if q.Order != nil && !slices.Contains(OrderFields, q.Order.Field) {
		return errs.E(op, errs.Invalid, errs.Msgf("Không thể sắp xếp theo %q.", q.Order.Field))
	}
	return nil
}

// Dimensions lists every dimension, in the order the API documents them: the one list that the
// GraphQL enum, the export URLs and the embed links accept.
var Dimensions = []Dimension{Program, Province, District, Ward, Group, Fund, Round, Status, Channel, Day, Week, Month, Quarter, Year}

// OrderFields lists every order field: the measures, then KEY.
var OrderFields = []OrderField{ByAmountPaid, ByPeopleSupported, ByBeneficiaries, ByDisbursements, ByAmountListed, ByAmountApproved, ByKey}

// Totals are the measures of a set of payment lines.
type Totals struct {
	AmountPaid      int64 // sum of amounts of PAID lines
	AmountListed    int64 // sum of amounts of lines on a list and not withdrawn (not RETURNED or CANCELLED)
	AmountApproved  int64 // sum of amounts of lines approved by decision (APPROVED or PAID)
	PeopleSupported int64 // distinct persons covered by PAID lines
	Beneficiaries   int64 // distinct recipients with a PAID line
	Disbursements   int64 // lines, any status
}

// Key identifies a row by its grouping values; only the dimensions grouped by are set.
type Key struct {
	ProgramID int64
	// ProvinceID is set when grouped by PROVINCE, and, grouped by DISTRICT, on the row of the units
	// that have no district (the communes after the 2025 reorganisation report to their province
	// directly): DistrictID is then 0 and the row is the province's.
	ProvinceID int64
	DistrictID int64
	WardID     int64
	// The official codes of the units, which order rows by KEY.
	ProvinceCode, DistrictCode, WardCode string
	GroupID                              int64
	FundID                               int64
	RoundID                              int64 // 0: the group is in no round
	Status                               *disbursement.Status
	Channel                              *disbursement.Channel
	Period                               *Period
	// NoDistrict is set, grouped by DISTRICT, on the row of units that have no district: the row is
	// the province's (ProvinceID), its DistrictID 0.
	NoDistrict bool
	// WardSplit is set when the ward was split between several units as of UnitsAsOf; its figures
	// stay under the old ward instead of being divided.
	WardSplit bool
}

// Row is the totals of one group of lines.
type Row struct {
	Key
	Totals
}

// Result is the answer to a Query.
type Result struct {
	Total Totals // over the whole filter, whatever `first` keeps
	Rows  []Row
}

// Period is a calendar bucket.
type Period struct {
	Start, End civil.Date
	Label      string
	Unit       Dimension
}

// PeriodOf returns the bucket of the dimension that holds day: ISO weeks start on Monday.
func PeriodOf(unit Dimension, day civil.Date) Period {
	t := day.Time()
	var start, end civil.Date
	var label string
	switch unit {
	case Day:
		start, end, label = day, day, day.String()
	case Week:
		offset := (int(t.Weekday()) + 6) % 7 // days since Monday
		start = day.AddDays(-offset)
		end = start.AddDays(6)
		y, w := t.ISOWeek()
		label = fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		start = civil.New(day.Year, day.Month, 1)
		end = start.AddMonths(1).AddDays(-1)
		label = fmt.Sprintf("%04d-%02d", day.Year, int(day.Month))
	case Quarter:
		q := (int(day.Month) - 1) / 3
		start = civil.New(day.Year, time.Month(1+3*q), 1)
		end = start.AddMonths(3).AddDays(-1)
		label = fmt.Sprintf("%04d-Q%d", day.Year, q+1)
	case Year:
		start, end = civil.New(day.Year, 1, 1), civil.New(day.Year, 12, 31)
		label = fmt.Sprintf("%04d", day.Year)
	}
	return Period{Start: start, End: end, Label: label, Unit: unit}
}
