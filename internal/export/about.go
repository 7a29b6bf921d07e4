package export

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"hotro/internal/civil"
	"hotro/internal/dataset"
)

// about is what the query sheet tells besides the query.
type about struct {
	request   request
	url       string
	generated time.Time
	dataset   *dataset.Info // nil: not known
	minCount  int           // of a public answer; 0 for a full one
	public    bool          // the public figures (the six measures only)
	// unitCodes say the filter's codes that have named more than one unit (Vietnamese sentences).
	unitCodes []string
}

// aboutRows are the query sheet's lines: the query, when and from which data it was made, and
// what each measure means.
func aboutRows(tx *text, ab about) [][2]string {
	a := tx.about
	q := ab.request.query
	or := func(vs []string, none string) string {
		if len(vs) == 0 {
			return none
		}
		return strings.Join(vs, ", ")
	}
	date := func(d *civil.Date, none string) string {
		if d == nil {
			return none
		}
		return d.String()
	}
	order := a.defaultOrder
	if q.Order != nil {
		order = string(q.Order.Field) + map[bool]string{true: " DESC", false: " ASC"}[q.Order.Desc]
	}
	first := a.allRows
	if q.First != nil {
		first = strconv.Itoa(*q.First)
	}
	f := q.Filter
	rows := [][2]string{
		{a.field, a.value},
		{a.report, a.reportName},
		{a.groupBy, or(strs(q.GroupBy), a.noGrouping)},
		{a.orderBy, order},
		{a.first, first},
		{a.unitsAsOf, date(q.UnitsAsOf, a.unitsWherePaid)},
		{a.programs, or(f.Programs, a.all)},
		{a.provinces, or(f.Provinces, a.all)},
		{a.districts, or(f.Districts, a.all)},
		{a.wards, or(f.Wards, a.all)},
		{a.groups, or(f.Groups, a.all)},
		{a.funds, or(f.Funds, a.all)},
		{a.rounds, or(f.Rounds, a.all)},
		{a.statuses, or(strs(f.Statuses), a.all)},
		{a.channels, or(strs(f.Channels), a.all)},
		{a.paidFrom, date(f.PaidFrom, a.all)},
		{a.paidTo, date(f.PaidTo, a.all)},
		{a.totalRow, a.totalRowNote},
	}
	for _, n := range ab.unitCodes {
		rows = append(rows, [2]string{a.unitCodes, n})
	}
	if q.Scope.WardIDs != nil {
		rows = append(rows, [2]string{a.scope, fmt.Sprintf(a.scopeWards, len(q.Scope.WardIDs))})
	}
	if ab.minCount > 0 {
		rows = append(rows, [2]string{a.withheld, fmt.Sprintf(a.withheldCells, ab.minCount)})
	}
	rows = append(rows, [][2]string{
		{a.generated, ab.generated.In(civil.Location).Format("2006-01-02 15:04:05") + " (" + a.timeZone + ")"},
	}...)
	if ab.dataset != nil {
		demo := a.demoNo
		if ab.dataset.Demo {
			demo = a.demoYes
		}
		rows = append(rows, [2]string{a.dataVersion, strconv.FormatInt(ab.dataset.Version, 10)}, [2]string{a.demo, demo})
	}
	rows = append(rows, [2]string{a.requestURL, ab.url}, [2]string{})
	for i, m := range tx.measures {
		rows = append(rows, [2]string{m, a.definitions[i]})
	}
	return rows
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
