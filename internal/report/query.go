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

	"hotro/internal/beneficiary"
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
	// Kind is the recipient's kind (person or household) and Instalment the line's instalment
	// number: the rollups keep neither, so they are answered from the lines (NeedsLines).
	Kind       Dimension = "KIND"
	Instalment Dimension = "INSTALMENT"
	Day        Dimension = "DAY"
	Week       Dimension = "WEEK"
	Month      Dimension = "MONTH"
	Quarter    Dimension = "QUARTER"
	Year       Dimension = "YEAR"
)

// IsTime reports whether d buckets payments by a date (Query.DateField, the paid date by default).
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
	// The measures added with the pipeline and the derived measures; see Measure.
	ByAmountReturned      OrderField = "AMOUNT_RETURNED"
	ByAmountCancelled     OrderField = "AMOUNT_CANCELLED"
	ByAveragePerRecipient OrderField = "AVERAGE_PER_RECIPIENT"
	ByAveragePerPerson    OrderField = "AVERAGE_PER_PERSON"
	ByShareOfTotal        OrderField = "SHARE_OF_TOTAL"
	ByPaidShareOfListed   OrderField = "PAID_SHARE_OF_LISTED"
	ByDaysMedian          OrderField = "DAYS_LISTED_TO_PAID_MEDIAN"
	ByDaysP90             OrderField = "DAYS_LISTED_TO_PAID_P90"
	ByKey                 OrderField = "KEY"
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

	// DateField is the date the time bucket groups by: the paid date when empty.
	DateField DateField
	// Days asks for the time from listing to payment (Totals.DaysListedToPaid) of every row, which
	// only the lines can answer.
	Days bool
	// Having keeps the rows whose measures pass every condition, after grouping; the total stays
	// over the whole filter.
	Having []Condition
	// FirstWithin keeps the first rows of each group of rows that share some dimensions (the top 3
	// groups of every ward), after Having and before First.
	FirstWithin *Within
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
	return q.validateAfterGrouping()
}

// Dimensions lists every dimension, in the order the API documents them: the one list that the
// GraphQL enum, the export URLs and the embed links accept.
var Dimensions = []Dimension{Program, Province, District, Ward, Group, Fund, Round, Status, Channel, Kind, Instalment, Day, Week, Month, Quarter, Year}

// OrderFields lists every order field: the measures, then KEY.
var OrderFields = []OrderField{ByAmountPaid, ByPeopleSupported, ByBeneficiaries, ByDisbursements, ByAmountListed, ByAmountApproved,
	ByAmountReturned, ByAmountCancelled, ByAveragePerRecipient, ByAveragePerPerson, ByShareOfTotal, ByPaidShareOfListed,
	ByDaysMedian, ByDaysP90, ByKey}

// Totals are the measures of a set of payment lines.
type Totals struct {
	AmountPaid      int64 // sum of amounts of PAID lines
	AmountListed    int64 // sum of amounts of lines on a list and not withdrawn (not RETURNED or CANCELLED)
	AmountApproved  int64 // sum of amounts of lines approved by decision (APPROVED or PAID)
	PeopleSupported int64 // distinct persons covered by PAID lines
	Beneficiaries   int64 // distinct recipients with a PAID line
	Disbursements   int64 // lines, any status
	AmountReturned  int64 // sum of amounts of RETURNED lines
	AmountCancelled int64 // sum of amounts of CANCELLED lines

	// DaysListedToPaid is the time from listing to payment of the PAID lines, when the query asks
	// for it (Query.Days); nil otherwise.
	DaysListedToPaid *DayStats
	// ShareOfTotal is the row's amountPaid over the total's, set by Arrange; nil when the total
	// paid nothing.
	ShareOfTotal *float64
	// Undefined is the measures the filter (or the row's period) makes meaningless here, set by
	// Arrange: the API answers them null instead of a figure that only repeats another.
	Undefined MeasureSet
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
	Kind       *beneficiary.Kind
	Instalment int // 0: not grouped by instalment
	// WardSplit is set when the ward was split between several units as of UnitsAsOf; its figures
	// stay under the old ward instead of being divided.
	WardSplit bool
}

// Row is the totals of one group of lines.
type Row struct {
	Key
	Totals
	// Within a time bucket's series (the rows that agree on every other dimension), set by
	// Arrange: Running adds up the series' additive measures up to this period, Previous is the
	// period before (zero when it had no lines, nil before the answer's first period), and Rank is
	// the row's place in its FirstWithin group (in the whole answer without it), from 1.
	Running  *Totals
	Previous *Totals
	Rank     int
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
	start := periodStart(unit, day)
	var end civil.Date
	var label string
	switch unit {
	case Day:
		end, label = day, day.String()
	case Week:
		end = start.AddDays(6)
		y, w := day.Time().ISOWeek()
		label = fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		end = start.AddMonths(1).AddDays(-1)
		label = fmt.Sprintf("%04d-%02d", day.Year, int(day.Month))
	case Quarter:
		end = start.AddMonths(3).AddDays(-1)
		label = fmt.Sprintf("%04d-Q%d", day.Year, (int(day.Month)-1)/3+1)
	case Year:
		end = civil.New(day.Year, 12, 31)
		label = fmt.Sprintf("%04d", day.Year)
	}
	return Period{Start: start, End: end, Label: label, Unit: unit}
}

// periodStart is the first day of PeriodOf(unit, day), without its label.
func periodStart(unit Dimension, day civil.Date) civil.Date {
	switch unit {
	case Day:
		return day
	case Week:
		return day.AddDays(-((int(day.Time().Weekday()) + 6) % 7)) // days since Monday
	case Month:
		return civil.New(day.Year, day.Month, 1)
	case Quarter:
		return civil.New(day.Year, time.Month(1+3*((int(day.Month)-1)/3)), 1)
	case Year:
		return civil.New(day.Year, 1, 1)
	}
	return civil.Date{}
}
