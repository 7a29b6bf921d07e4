package report

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
)

// URLNames names the URL parameters that carry a stats query: the arguments of the GraphQL stats
// query, flattened. An empty name is a parameter the URL does not take. ExportNames is the full
// set; the embed links take a few under shorter names (EmbedNames).
type URLNames struct {
	Programs, Provinces, Districts, Wards, Groups, Funds, Rounds, Statuses, Channels string
	PaidFrom, PaidTo, UnitsAsOf                                                      string
	GroupBy, OrderBy, Direction, First                                               string
	// The filters only the lines answer and the arguments after grouping (see urlmore.go).
	More URLMoreNames
}

// ExportNames are the parameters of the export URLs (/export/stats.csv?groupBy=WARD&paidFrom=...):
// the GraphQL argument names.
var ExportNames = URLNames{
	Programs: "programs", Provinces: "provinces", Districts: "districts", Wards: "wards", Groups: "groups",
	Funds: "funds", Rounds: "rounds", Statuses: "statuses", Channels: "channels",
	PaidFrom: "paidFrom", PaidTo: "paidTo", UnitsAsOf: "unitsAsOf",
	GroupBy: "groupBy", OrderBy: "orderBy", Direction: "direction", First: "first",
	More: exportMoreNames,
}

// EmbedNames are the filter parameters of the embed links (/embed/data/wards?program=...&from=...):
// the chart picks its own grouping and order.
var EmbedNames = URLNames{
	Programs: "program", Districts: "district", Wards: "ward", Groups: "group", PaidFrom: "from", PaidTo: "to",
}

// URLSyntax reads a stats query from URL parameters. Lists are comma separated, or the parameter
// repeated, or both; dates are YYYY-MM-DD; enum values are written exactly as in the API.
//
// Strict (the exports) refuses an empty value, an empty list item and a repeated single value.
// Lenient (the embed links, pasted into other sites) skips empty values and takes the first of a
// repeated one. Both refuse a bad date, number or enum value with an Invalid error that says what
// is wrong; whether codes exist is the engine's to check.
type URLSyntax struct {
	Names   URLNames
	Lenient bool
}

// Params lists the parameter names the syntax reads, lists first.
func (s URLSyntax) Params() []string {
	n := s.Names
	var out []string
	for _, name := range []string{n.GroupBy, n.Programs, n.Provinces, n.Districts, n.Wards, n.Groups, n.Funds, n.Rounds,
		n.Statuses, n.Channels, n.OrderBy, n.Direction, n.First, n.UnitsAsOf, n.PaidFrom, n.PaidTo} {
		if name != "" {
			out = append(out, name)
		}
	}
	return append(out, n.More.params()...)
}

// Parse reads the query from values; parameters it does not name are the caller's.
func (s URLSyntax) Parse(op string, values url.Values) (Query, error) {
	p := urlParser{URLSyntax: s, op: op, values: values}
	var q Query
	n := s.Names
	for _, l := range []struct {
		name string
		dst  *[]string
	}{{n.Programs, &q.Filter.Programs}, {n.Provinces, &q.Filter.Provinces}, {n.Districts, &q.Filter.Districts},
		{n.Wards, &q.Filter.Wards}, {n.Groups, &q.Filter.Groups}, {n.Funds, &q.Filter.Funds}, {n.Rounds, &q.Filter.Rounds}} {
		var err error
		if *l.dst, err = p.list(l.name); err != nil {
			return Query{}, err
		}
	}
	var err error
	if q.GroupBy, err = enumList(p, n.GroupBy, Dimensions); err != nil {
		return Query{}, err
	}
	if q.Filter.Statuses, err = enumList(p, n.Statuses, disbursement.Statuses); err != nil {
		return Query{}, err
	}
	if q.Filter.Channels, err = enumList(p, n.Channels, disbursement.Channels); err != nil {
		return Query{}, err
	}
	for _, d := range []struct {
		name string
		dst  **civil.Date
	}{{n.PaidFrom, &q.Filter.PaidFrom}, {n.PaidTo, &q.Filter.PaidTo}, {n.UnitsAsOf, &q.UnitsAsOf}} {
		if *d.dst, err = p.date(d.name); err != nil {
			return Query{}, err
		}
	}
	if q.Order, err = p.order(); err != nil {
		return Query{}, err
	}
	if v, ok, err := p.single(n.First); err != nil {
		return Query{}, err
	} else if ok {
		first, err := strconv.Atoi(v)
		if err != nil || first < 0 {
			return Query{}, p.bad("%s: %q không hợp lệ; cần một số nguyên không âm.", n.First, v)
		}
		q.First = &first
	}
	if err := p.more(&q); err != nil {
		return Query{}, err
	}
	return q, nil
}

type urlParser struct {
	URLSyntax
	op     string
	values url.Values
}

func (p urlParser) bad(format string, args ...any) error {
	return errs.E(p.op, errs.Invalid, errs.Msgf(format, args...))
}

// list reads a list parameter; an unnamed parameter is an empty list.
func (p urlParser) list(name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	var out []string
	for _, v := range p.values[name] {
		for item := range strings.SplitSeq(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				if p.Lenient {
					continue
				}
				return nil, p.bad("Tham số %s có giá trị rỗng.", name)
			}
			out = append(out, item)
		}
	}
	return out, nil
}

// single reads a parameter given at most once; ok is false when it is absent (or empty, leniently).
func (p urlParser) single(name string) (v string, ok bool, err error) {
	vs, ok := p.values[name]
	switch {
	case name == "" || !ok:
		return "", false, nil
	case p.Lenient:
		v = strings.TrimSpace(vs[0])
		return v, v != "", nil
	case len(vs) > 1:
		return "", false, p.bad("Tham số %s chỉ được nêu một lần.", name)
	case strings.TrimSpace(vs[0]) == "":
		return "", false, p.bad("Tham số %s có giá trị rỗng.", name)
	}
	return strings.TrimSpace(vs[0]), true, nil
}

func (p urlParser) date(name string) (*civil.Date, error) {
	s, ok, err := p.single(name)
	if err != nil || !ok {
		return nil, err
	}
	d, err := civil.Parse(s)
	if err != nil {
		return nil, p.bad("%s: %q không phải một ngày có thật, viết dạng YYYY-MM-DD.", name, s)
	}
	return &d, nil
}

// order reads orderBy and direction; as in the GraphQL input StatsOrder, the direction defaults to
// ascending for KEY and descending for a measure (DefaultDesc).
func (p urlParser) order() (*Order, error) {
	n := p.Names
	field, hasOrder, err := p.single(n.OrderBy)
	if err != nil {
		return nil, err
	}
	direction, hasDirection, err := p.single(n.Direction)
	if err != nil {
		return nil, err
	}
	switch {
	case hasOrder && !slices.Contains(OrderFields, OrderField(field)):
		return nil, p.bad("%s: %q không hợp lệ; dùng một trong %s.", n.OrderBy, field, joinAll(OrderFields))
	case hasDirection && !hasOrder:
		return nil, p.bad("%s chỉ dùng cùng %s.", n.Direction, n.OrderBy)
	case hasDirection && direction != "ASC" && direction != "DESC":
		return nil, p.bad("%s: %q không hợp lệ; dùng ASC hoặc DESC.", n.Direction, direction)
	case hasOrder:
		return OrderOf(OrderField(field), direction), nil
	}
	return nil, nil
}

// enumList reads a list parameter whose values must be one of allowed, written exactly.
func enumList[T ~string](p urlParser, name string, allowed []T) ([]T, error) {
	items, err := p.list(name)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, s := range items {
		if !slices.Contains(allowed, T(s)) {
			return nil, p.bad("%s: %q không hợp lệ; dùng một trong %s.", name, s, joinAll(allowed))
		}
		out = append(out, T(s))
	}
	return out, nil
}

func joinAll[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	return strings.Join(parts, ", ")
}
