package export

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/report"
)

// request is one export: the stats query and the language of the file.
type request struct {
	query report.Query
	lang  lang
}

// The URL parameters: the arguments of the GraphQL stats query, flattened. Lists are comma
// separated, or the parameter repeated, or both.
var (
	listParams   = []string{"groupBy", "programs", "provinces", "districts", "wards", "groups", "funds", "rounds", "statuses", "channels"}
	singleParams = []string{"orderBy", "direction", "first", "unitsAsOf", "paidFrom", "paidTo", "lang"}

	dimensions = []report.Dimension{report.Program, report.Province, report.District, report.Ward, report.Group,
		report.Fund, report.Round, report.Status, report.Channel, report.Day, report.Week, report.Month, report.Quarter, report.Year}
	orderFields = []report.OrderField{report.ByAmountPaid, report.ByPeopleSupported, report.ByBeneficiaries,
		report.ByDisbursements, report.ByAmountListed, report.ByAmountApproved, report.ByKey}
)

// parseRequest reads the URL query strictly: an unknown parameter, an empty value, a repeated
// single value, a bad date, number or enum value is an Invalid error that says what is wrong.
// Whether codes exist is the engine's to check.
func parseRequest(rawQuery string) (request, error) {
	const op = "export: parse"
	bad := func(format string, args ...any) error { return errs.E(op, errs.Invalid, errs.Msgf(format, args...)) }
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return request{}, bad("Chuỗi tham số không hợp lệ: %v.", err)
	}
	for name := range values {
		if !slices.Contains(listParams, name) && !slices.Contains(singleParams, name) {
			return request{}, bad("Tham số %q không được hỗ trợ. Các tham số: %s.", name,
				strings.Join(append(slices.Clone(listParams), singleParams...), ", "))
		}
	}
	list := func(name string) ([]string, error) {
		var out []string
		for _, v := range values[name] {
			for item := range strings.SplitSeq(v, ",") {
				item = strings.TrimSpace(item)
				if item == "" {
					return nil, bad("Tham số %s có giá trị rỗng.", name)
				}
				out = append(out, item)
			}
		}
		return out, nil
	}
	single := func(name string) (string, bool, error) {
		vs, ok := values[name]
		switch {
		case !ok:
			return "", false, nil
		case len(vs) > 1:
			return "", false, bad("Tham số %s chỉ được nêu một lần.", name)
		case strings.TrimSpace(vs[0]) == "":
			return "", false, bad("Tham số %s có giá trị rỗng.", name)
		}
		return strings.TrimSpace(vs[0]), true, nil
	}
	date := func(name string) (*civil.Date, error) {
		s, ok, err := single(name)
		if err != nil || !ok {
			return nil, err
		}
		d, err := civil.Parse(s)
		if err != nil {
			return nil, bad("%s: %q không phải một ngày có thật, viết dạng YYYY-MM-DD.", name, s)
		}
		return &d, nil
	}

	var req request
	q := &req.query
	for _, p := range []struct {
		name string
		dst  *[]string
	}{{"programs", &q.Filter.Programs}, {"provinces", &q.Filter.Provinces}, {"districts", &q.Filter.Districts},
		{"wards", &q.Filter.Wards}, {"groups", &q.Filter.Groups}, {"funds", &q.Filter.Funds}, {"rounds", &q.Filter.Rounds}} {
		if *p.dst, err = list(p.name); err != nil {
			return request{}, err
		}
	}
	if q.GroupBy, err = enumList(list, "groupBy", dimensions, bad); err != nil {
		return request{}, err
	}
	if q.Filter.Statuses, err = enumList(list, "statuses", disbursement.Statuses, bad); err != nil {
		return request{}, err
	}
	if q.Filter.Channels, err = enumList(list, "channels", disbursement.Channels, bad); err != nil {
		return request{}, err
	}
	if q.Filter.PaidFrom, err = date("paidFrom"); err != nil {
		return request{}, err
	}
	if q.Filter.PaidTo, err = date("paidTo"); err != nil {
		return request{}, err
	}
	if q.UnitsAsOf, err = date("unitsAsOf"); err != nil {
		return request{}, err
	}

	field, hasOrder, err := single("orderBy")
	if err != nil {
		return request{}, err
	}
	direction, hasDirection, err := single("direction")
	if err != nil {
		return request{}, err
	}
	switch {
	case hasOrder && !slices.Contains(orderFields, report.OrderField(field)):
		return request{}, bad("orderBy: %q không hợp lệ; dùng một trong %s.", field, joinAll(orderFields))
	case hasDirection && !hasOrder:
		return request{}, bad("direction chỉ dùng cùng orderBy.")
	case hasDirection && direction != "ASC" && direction != "DESC":
		return request{}, bad("direction: %q không hợp lệ; dùng ASC hoặc DESC.", direction)
	case hasOrder:
		// As in the GraphQL input StatsOrder, the direction defaults to DESC.
		q.Order = &report.Order{Field: report.OrderField(field), Desc: direction != "ASC"}
	}

	if s, ok, err := single("first"); err != nil {
		return request{}, err
	} else if ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return request{}, bad("first: %q không hợp lệ; cần một số nguyên không âm.", s)
		}
		q.First = &n
	}

	req.lang = vi
	if s, ok, err := single("lang"); err != nil {
		return request{}, err
	} else if ok {
		switch lang(s) {
		case vi, en:
			req.lang = lang(s)
		default:
			return request{}, bad("lang: %q không hợp lệ; dùng vi hoặc en.", s)
		}
	}
	return req, nil
}

// enumList reads a list parameter whose values must be one of allowed, written exactly.
func enumList[T ~string](list func(string) ([]string, error), name string, allowed []T, bad func(string, ...any) error) ([]T, error) {
	items, err := list(name)
	if err != nil {
		return nil, err
	}
	var out []T
	for _, s := range items {
		if !slices.Contains(allowed, T(s)) {
			return nil, bad("%s: %q không hợp lệ; dùng một trong %s.", name, s, joinAll(allowed))
		}
		out = append(out, T(s))
	}
	return out, nil
}

func joinAll[T ~string](values []T) string { return strings.Join(strs(values), ", ") }

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
