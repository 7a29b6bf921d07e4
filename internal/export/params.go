package export

import (
	"net/url"
	"slices"
	"strings"

	"hotro/internal/errs"
	"hotro/internal/report"
)

// request is one export: the stats query and the language of the file.
type request struct {
	query report.Query
	lang  lang
	// pivot, when set, lays the answer out wide: a column per value of this dimension, holding
	// measure (see pivot.go).
	pivot   *report.Dimension
	measure report.OrderField
}

// exportURL reads the stats query of an export URL: the arguments of the GraphQL stats query,
// flattened, strictly (see report.URLSyntax); lang is the export's own.
var exportURL = report.URLSyntax{Names: report.ExportNames}

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
	params := append(exportURL.Params(), "lang", "pivot", "measure")
	for name := range values {
		if !slices.Contains(params, name) {
			return request{}, bad("Tham số %q không được hỗ trợ. Các tham số: %s.", name, strings.Join(params, ", "))
		}
	}
	var req request
	if req.query, err = exportURL.Parse(op, values); err != nil {
		return request{}, err
	}
	if err := parsePivot(values, &req); err != nil {
		return request{}, err
	}
	req.lang = vi
	switch s := values["lang"]; {
	case len(s) == 0:
	case len(s) > 1:
		return request{}, bad("Tham số lang chỉ được nêu một lần.")
	case lang(strings.TrimSpace(s[0])) == vi || lang(strings.TrimSpace(s[0])) == en:
		req.lang = lang(strings.TrimSpace(s[0]))
	case strings.TrimSpace(s[0]) == "":
		return request{}, bad("Tham số lang có giá trị rỗng.")
	default:
		return request{}, bad("lang: %q không hợp lệ; dùng vi hoặc en.", s[0])
	}
	return req, nil
}

// parsePivot reads pivot (a dimension) and measure (a measure, default AMOUNT_PAID; only with pivot).
func parsePivot(values url.Values, req *request) error {
	const op = "export: parse"
	bad := func(format string, args ...any) error { return errs.E(op, errs.Invalid, errs.Msgf(format, args...)) }
	one := func(name string) (string, error) {
		switch vs := values[name]; {
		case len(vs) == 0:
			return "", nil
		case len(vs) > 1:
			return "", bad("Tham số %s chỉ được nêu một lần.", name)
		case strings.TrimSpace(vs[0]) == "":
			return "", bad("Tham số %s có giá trị rỗng.", name)
		default:
			return strings.TrimSpace(vs[0]), nil
		}
	}
	pivot, err := one("pivot")
	if err != nil {
		return err
	}
	measure, err := one("measure")
	if err != nil {
		return err
	}
	var measures []string
	for _, f := range report.OrderFields {
		if f != report.ByKey {
			measures = append(measures, string(f))
		}
	}
	switch {
	case pivot == "" && measure != "":
		return bad("measure chỉ dùng cùng pivot (bảng xoay).")
	case pivot == "":
		return nil
	case !slices.Contains(report.Dimensions, report.Dimension(pivot)):
		return bad("pivot: %q không hợp lệ; dùng một chiều của groupBy (ví dụ GROUP).", pivot)
	case measure != "" && !slices.Contains(measures, measure):
		return bad("measure: %q không hợp lệ; dùng một trong %s.", measure, strings.Join(measures, ", "))
	}
	d := report.Dimension(pivot)
	req.pivot, req.measure = &d, report.ByAmountPaid
	if measure != "" {
		req.measure = report.OrderField(measure)
	}
	return nil
}
