package portal

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/dataset"
	"hotro/internal/errs"
	"hotro/internal/httperr"
	"hotro/internal/program"
	"hotro/internal/report"
)

// The charts the portal can embed.
const (
	ChartWards      = "wards"      // a sorted bar chart by ward
	ChartGroups     = "groups"     // the breakdown by beneficiary group
	ChartTimeSeries = "timeseries" // paid per day, week or month, with the running total
	ChartKPI        = "kpi"        // one headline figure
	ChartKPIs       = "kpis"       // paid, people and wards paid together: the portal's strip
	ChartTable      = "table"      // every ward with every measure
	ChartPipeline   = "pipeline"   // listed, approved, paid by group: signed links only
	ChartMap        = "map"        // the wards as a tile map (or the city's own boundaries)
)

// Charts lists the chart names in the order the portal's picker shows them.
var Charts = []string{ChartWards, ChartGroups, ChartTimeSeries, ChartKPI, ChartKPIs, ChartTable, ChartPipeline, ChartMap}

// measures a chart can draw.
var measures = []string{"amountPaid", "peopleSupported", "beneficiaries"}

// chartParams are the recognised query parameters; any other is refused.
var chartParams = append(embedURL.Params(), "measure", "bucket", "lang", "theme", "title", "full", "exp", "sig")

// Handler serves GET /embed/data/{chart}.
type Handler struct {
	Engine   report.Engine
	Units    *adminunit.Store
	Programs *program.Store
	Dataset  *dataset.Store
	Signer   *Signer
	// Public answers unsigned links, from the release tables.
	Public report.Publisher
	// Classify names the kind of an error no domain package classified (the database down or too
	// slow). Nil: such errors are internal.
	Classify func(error) errs.Kind
	Logger   *slog.Logger // nil: discard
}

// Point is one bar, slice or point of a chart.
type Point struct {
	Code       string  `json:"code,omitempty"`
	Label      string  `json:"label"`
	Start      string  `json:"start,omitempty"`
	Value      *int64  `json:"value"`
	Cumulative *int64  `json:"cumulative,omitempty"`
	Suppressed bool    `json:"suppressed,omitempty"`
	Values     *Values `json:"values,omitempty"` // every measure, for tables and breakdowns
	// Withheld counts the wards whose figures are withheld, beside the wards paid of a KPI strip:
	// whether any was paid is not public.
	Withheld int `json:"withheld,omitempty"`
}

// Values are the measures of a point.
type Values struct {
	AmountPaid      *int64 `json:"amountPaid"`
	PeopleSupported *int64 `json:"peopleSupported"`
	Beneficiaries   *int64 `json:"beneficiaries"`
	AmountListed    *int64 `json:"amountListed,omitempty"`
	AmountApproved  *int64 `json:"amountApproved,omitempty"`
}

// Chart is the JSON an embed page draws.
type Chart struct {
	Chart    string  `json:"chart"`
	Measure  string  `json:"measure"`
	Lang     string  `json:"lang"`
	Title    string  `json:"title"`
	Points   []Point `json:"points"`
	Total    Values  `json:"total"`
	MinCount int     `json:"minCount"`
	Public   bool    `json:"public"` // false for a signed link that lifts suppression
	Demo     bool    `json:"demo"`
	Version  int64   `json:"dataVersion"`
	Bucket   string  `json:"bucket,omitempty"`
}

// ServeHTTP answers GET /embed/data/{chart}?params. Public answers are kept by the response cache
// in front of it (see CacheRequest), so that a chart seen by many visitors is computed once.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	chart, err := h.chart(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body, err := json.Marshal(chart)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}

func (h *Handler) chart(r *http.Request) (*Chart, error) {
	const op = "portal: chart"
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Chỉ hỗ trợ GET."))
	}
	name := strings.TrimPrefix(r.URL.Path, "/embed/data/")
	if !slices.Contains(Charts, name) {
		return nil, errs.E(op, errs.NotFound, errs.Msgf("Không có biểu đồ %q.", name))
	}
	q := r.URL.Query()
	for k := range q {
		if !slices.Contains(chartParams, k) {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Tham số %q không được hỗ trợ.", k))
		}
	}
	signed := q.Get("sig") != ""
	if signed {
		if err := h.Signer.Verify(name, q); err != nil {
			return nil, err
		}
	}
	full := signed && q.Get("full") == "1"
	if name == ChartPipeline && !signed {
		return nil, errs.E(op, errs.Permission, errs.Msg("Biểu đồ tiến độ chỉ nhúng được bằng liên kết có chữ ký."))
	}
	if q.Get("full") != "" && !signed {
		return nil, errs.E(op, errs.Permission, errs.Msg("Số liệu đầy đủ chỉ nhúng được bằng liên kết có chữ ký."))
	}
	lang := orDefault(q.Get("lang"), "vi")
	if lang != "vi" && lang != "en" {
		return nil, errs.E(op, errs.Invalid, errs.Msg("lang phải là vi hoặc en."))
	}
	measure := orDefault(q.Get("measure"), "amountPaid")
	if !slices.Contains(measures, measure) {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("measure phải là một trong %s.", strings.Join(measures, ", ")))
	}
	f, err := filterOf(q)
	if err != nil {
		return nil, err
	}
	c := &Chart{Chart: name, Measure: measure, Lang: lang, Public: !full, Points: []Point{}}
	info, err := h.Dataset.Get(r.Context())
	if err != nil {
		return nil, err
	}
	c.Demo, c.Version = info.Demo, info.Version

	query := report.Query{Filter: f}
	switch name {
	case ChartWards, ChartTable, ChartMap:
		query.GroupBy = []report.Dimension{report.Ward}
	case ChartGroups:
		query.GroupBy = []report.Dimension{report.Group}
	case ChartPipeline:
		query.GroupBy = []report.Dimension{report.Group}
	case ChartTimeSeries:
		bucket := report.Dimension(strings.ToUpper(orDefault(q.Get("bucket"), "WEEK")))
		if bucket != report.Day && bucket != report.Week && bucket != report.Month {
			return nil, errs.E(op, errs.Invalid, errs.Msg("bucket phải là DAY, WEEK hoặc MONTH."))
		}
		c.Bucket = string(bucket)
		query.GroupBy = []report.Dimension{bucket}
		query.Order = &report.Order{Field: report.ByKey}
	}
	res, err := h.run(r.Context(), query, full)
	if err != nil {
		return nil, err
	}
	c.Total = valuesOf(res.Total)
	c.MinCount = res.MinCount
	names, err := h.names(r.Context(), name, res, lang)
	if err != nil {
		return nil, err
	}
	var running int64
	for _, cell := range res.Rows {
		p := Point{Suppressed: cell.Suppressed}
		switch name {
		case ChartWards, ChartTable, ChartMap:
			p.Code, p.Label = cell.WardCode, names[cell.WardID]
		case ChartGroups, ChartPipeline:
			p.Code, p.Label = names[cell.GroupID+1<<40], names[cell.GroupID]
		case ChartTimeSeries:
			if cell.Period == nil {
				continue // lines not paid yet have no date
			}
			p.Label, p.Start = cell.Period.Label, cell.Period.Start.String()
		}
		v := valuesOf(cell)
		p.Value = pick(v, measure)
		if name != ChartWards && name != ChartTimeSeries {
			p.Values = &v
		}
		if name == ChartTimeSeries && p.Value != nil {
			running += *p.Value
			cum := running
			p.Cumulative = &cum
		}
		c.Points = append(c.Points, p)
	}
	if name == ChartWards {
		sortPoints(c.Points)
	}
	if name == ChartKPIs {
		byWard, err := h.run(r.Context(), report.Query{Filter: f, GroupBy: []report.Dimension{report.Ward}}, full)
		if err != nil {
			return nil, err
		}
		c.Points = kpiPoints(res.Total, byWard.Rows, lang)
	}
	c.Title = title(name, measure, lang)
	return c, nil
}

// kpiPoints are the KPI strip's figures: paid and people of the total (withheld with it), and
// the wards paid, those whose public figures show a payment; the wards whose figures are withheld
// are counted apart, since whether they were paid is not public.
func kpiPoints(total report.PublicCell, wards []report.PublicCell, lang string) []Point {
	v := valuesOf(total)
	var paid, withheld int
	for _, w := range wards {
		switch {
		case w.Suppressed || w.Totals == nil:
			withheld++
		case w.Totals.AmountPaid > 0:
			paid++
		}
	}
	n := int64(paid)
	return []Point{
		{Code: "amountPaid", Label: pickLang(lang, "Đã chi trả", "Amount paid"), Value: v.AmountPaid, Suppressed: total.Suppressed},
		{Code: "peopleSupported", Label: pickLang(lang, "Người được hỗ trợ", "People supported"), Value: v.PeopleSupported, Suppressed: total.Suppressed},
		{Code: "wards", Label: pickLang(lang, "Phường, xã đã chi trả", "Wards paid"), Value: &n, Withheld: withheld},
	}
}

// run answers the query as the public sees it, or in full for a signed link that says so.
func (h *Handler) run(ctx context.Context, q report.Query, full bool) (*report.PublicResult, error) {
	if !full {
		return h.Public.Stats(ctx, q)
	}
	res, err := h.Engine.Stats(auth.WithIdentity(ctx, signedReader), q)
	if err != nil {
		return nil, err
	}
	out := &report.PublicResult{Total: report.PublicCell{Totals: &res.Total}}
	for _, r := range res.Rows {
		t := r.Totals
		out.Rows = append(out.Rows, report.PublicCell{Key: r.Key, Totals: &t})
	}
	return out, nil
}

// signedReader is who a signed link reads as: every aggregate, no personal data.
var signedReader = &auth.Identity{Role: auth.Analyst, Username: "signed-link"}

func valuesOf(c report.PublicCell) Values {
	if c.Suppressed || c.Totals == nil {
		return Values{}
	}
	t := *c.Totals
	v := Values{AmountPaid: &t.AmountPaid, PeopleSupported: &t.PeopleSupported, Beneficiaries: &t.Beneficiaries,
		AmountListed: &t.AmountListed, AmountApproved: &t.AmountApproved}
	// A measure the filter leaves without meaning (a paid date range: listed and approved would
	// repeat paid) is left out, as the API answers it null.
	if t.Undefined.Has(report.MeasureAmountListed) {
		v.AmountListed = nil
	}
	if t.Undefined.Has(report.MeasureAmountApproved) {
		v.AmountApproved = nil
	}
	return v
}

func pick(v Values, measure string) *int64 {
	switch measure {
	case "peopleSupported":
		return v.PeopleSupported
	case "beneficiaries":
		return v.Beneficiaries
	}
	return v.AmountPaid
}

// sortPoints puts the largest bars first and withheld ones last.
func sortPoints(ps []Point) {
	slices.SortStableFunc(ps, func(a, b Point) int {
		switch {
		case a.Value == nil && b.Value == nil:
			return strings.Compare(a.Code, b.Code)
		case a.Value == nil:
			return 1
		case b.Value == nil:
			return -1
		case *a.Value != *b.Value:
			if *a.Value > *b.Value {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Code, b.Code)
	})
}

// names looks up the labels of a chart's rows in the language (group codes under ID+2^40).
func (h *Handler) names(ctx context.Context, chart string, res *report.PublicResult, lang string) (map[int64]string, error) {
	out := map[int64]string{}
	switch chart {
	case ChartWards, ChartTable, ChartMap:
		var ids []int64
		for _, c := range res.Rows {
			ids = append(ids, c.WardID)
		}
		units, err := h.Units.ByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for id, u := range units {
			out[id] = pickLang(lang, u.Name, u.NameEn)
		}
	case ChartGroups, ChartPipeline:
		var ids []int64
		for _, c := range res.Rows {
			ids = append(ids, c.GroupID)
		}
		groups, err := h.Programs.GroupsByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for id, g := range groups {
			out[id] = pickLang(lang, g.Name, g.NameEn)
			out[id+1<<40] = g.Code
		}
	}
	return out, nil
}

func pickLang(lang, vi, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return vi
}

func title(chart, measure, lang string) string {
	m := map[string][2]string{
		"amountPaid":      {"Số tiền đã chi trả", "Amount paid"},
		"peopleSupported": {"Số người được hỗ trợ", "People supported"},
		"beneficiaries":   {"Số đối tượng được chi trả", "Recipients paid"},
	}[measure]
	c := map[string][2]string{
		ChartWards:      {" theo phường, xã", " by ward"},
		ChartGroups:     {" theo nhóm đối tượng", " by group"},
		ChartTimeSeries: {" theo thời gian", " over time"},
		ChartKPI:        {"", ""},
		ChartKPIs:       {"Chi trả hỗ trợ", "Support paid"},
		ChartTable:      {" theo phường, xã", " by ward"},
		ChartMap:        {" theo phường, xã (bản đồ)", " by ward (map)"},
		ChartPipeline:   {"Tiến độ: lập danh sách, phê duyệt, chi trả", "Progress: listed, approved, paid"},
	}[chart]
	if chart == ChartPipeline || chart == ChartKPIs {
		return pickLang(lang, c[0], c[1])
	}
	return pickLang(lang, m[0]+c[0], m[1]+c[1])
}

// embedURL reads a chart's filter, leniently: a link pasted into another site with an empty
// parameter still draws (see report.URLSyntax).
var embedURL = report.URLSyntax{Names: report.EmbedNames, Lenient: true}

// filterOf reads the chart's filter parameters.
func filterOf(q url.Values) (report.Filter, error) {
	query, err := embedURL.Parse("portal: filter", q)
	return query.Filter, err
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// fail answers with the error's kind as the HTTP status and its client message.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	httperr.Writer{Op: "portal", Classify: h.Classify, Logger: h.Logger}.Error(w, r, err)
}
