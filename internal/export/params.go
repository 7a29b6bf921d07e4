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
	params := append(exportURL.Params(), "lang")
	for name := range values {
		if !slices.Contains(params, name) {
			return request{}, bad("Tham số %q không được hỗ trợ. Các tham số: %s.", name, strings.Join(params, ", "))
		}
	}
	var req request
	if req.query, err = exportURL.Parse(op, values); err != nil {
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
