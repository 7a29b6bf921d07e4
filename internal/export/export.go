// Package export writes the answer to any stats query as a spreadsheet (CSV or XLSX) with human
// column names in Vietnamese or English, for analysts who carry on in Excel.
//
// It reads its URL with report.URLSyntax (the parameters of the GraphQL stats query) and names
// statuses and channels with package disbursement's table of words; the column headers and the
// query sheet are its own (text.go).
package export

import (
	"bytes"
	"context"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hotro/internal/adminunit"
	"hotro/internal/dataset"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/httperr"
	"hotro/internal/program"
	"hotro/internal/report"
)

// UnitStore names administrative units (adminunit.Store is one).
type UnitStore interface {
	// ByIDs returns the units with the IDs; IDs with no unit are absent from the map.
	ByIDs(ctx context.Context, ids []int64) (map[int64]*adminunit.Unit, error)
	// SuccessorIDs returns, for each ID asked, the units it became (none if unchanged).
	SuccessorIDs(ctx context.Context, ids []int64) (map[int64][]int64, error)
}

// ProgramStore names programmes and beneficiary groups (program.Store is one).
type ProgramStore interface {
	ProgramsByIDs(ctx context.Context, ids []int64) (map[int64]*program.Program, error)
	GroupsByIDs(ctx context.Context, ids []int64) (map[int64]*program.Group, error)
	RoundsByIDs(ctx context.Context, ids []int64) (map[int64]*program.Round, error)
}

// FundStore names funds (fund.Store is one).
type FundStore interface {
	ByIDs(ctx context.Context, ids []int64) (map[int64]*fund.Fund, error)
}

// DatasetStore tells whether the data is the demo set, and its version (dataset.Store is one).
type DatasetStore interface {
	Get(ctx context.Context) (dataset.Info, error)
}

// Config is what the handler needs. Stats, Units, Programs, Funds and Scope are required.
type Config struct {
	Stats    report.Engine
	Units    UnitStore
	Programs ProgramStore
	Funds    FundStore
	// Dataset, when set, marks demo data and the data version on the XLSX query sheet.
	Dataset DatasetStore
	// Scope says what the caller of a request may see; its error (Unauthorized, Permission)
	// refuses the request. Every export is limited to it.
	Scope func(*http.Request) (report.Scope, error)
	// Public, when set, says which requests get the public answer (anonymous visitors): as in the
	// API's publicStats, from PublicStats (the release tables), a withheld cell left empty.
	Public      func(*http.Request) bool
	PublicStats report.Publisher
	// Classify names the kind of an error no domain package classified (database down, timeout).
	// Nil: such errors are internal.
	Classify func(error) errs.Kind
	// Lines and Recipients, when both set, serve /export/lines.csv and /export/lines.xlsx: the
	// payment lines of a disbursements query, one row each, names and IDs as the caller may see them.
	Lines      LineSource
	Recipients RecipientSource
	// UnitCodes, when set, says each unit code of a query's filter that has named more than one
	// unit over time and which of them the filter matched (the API's extensions.unitCodes): the
	// query sheet of an XLSX lists them.
	UnitCodes func(ctx context.Context, q report.Query) ([]string, error)
	Logger    *slog.Logger     // nil: discard
	Now       func() time.Time // nil: time.Now; dates the file name and the query sheet
}

// Handler serves GET /export/stats.csv and GET /export/stats.xlsx: the answer to a stats query as a
// file to download; and, when Config.Lines is set, /export/lines.csv and /export/lines.xlsx: the
// payment lines of a disbursements query (see parseLineRequest), one row per line. The URL parameters are the arguments of the GraphQL stats query: groupBy,
// orderBy with direction (ASC or DESC, default DESC), first, unitsAsOf, the filter's programs,
// provinces, districts, wards, groups, funds, statuses, channels, paidFrom and paidTo; and lang (vi,
// the default, or en). Lists are comma separated, or the parameter repeated. Anything else, or a bad
// value, is a 400 with {"error": "<message>", "code": "BAD_USER_INPUT"}; other failures have the
// status of their kind and the code of internal/errs.
type Handler struct {
	c      Config
	errors httperr.Writer
}

// NewHandler returns the export handler. It panics when a required part is missing, as a wiring
// mistake should stop the program at start rather than fail the first export.
func NewHandler(c Config) *Handler {
	if c.Stats == nil || c.Units == nil || c.Programs == nil || c.Funds == nil || c.Scope == nil {
		panic("export: NewHandler needs Stats, Units, Programs, Funds and Scope")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Handler{c: c, errors: httperr.Writer{Op: "export", Classify: c.Classify, Logger: c.Logger}}
}

// A format is a kind of file the handler writes.
type format struct {
	ext, contentType string
	write            func(*bytes.Buffer, *table) error
}

var formats = map[string]format{
	"/export/stats.csv":  {"csv", "text/csv; charset=utf-8; header=present", writeCSV},
	"/export/stats.xlsx": {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", writeXLSX},
	"/export/lines.csv":  {"csv", "text/csv; charset=utf-8; header=present", writeCSV},
	"/export/lines.xlsx": {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", writeXLSX},
	// The lines behind a stats answer: the stats exports' filter, the lines export's rows.
	"/export/disbursements.csv":  {"csv", "text/csv; charset=utf-8; header=present", writeCSV},
	"/export/disbursements.xlsx": {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", writeXLSX},
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := formats[r.URL.Path]
	if !ok {
		httperr.Write(w, http.StatusNotFound, errs.NotFound,
			"Không có bảng xuất này. Có: /export/stats.csv, /export/stats.xlsx, /export/lines.csv, /export/lines.xlsx, /export/disbursements.csv và /export/disbursements.xlsx.")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		httperr.Write(w, http.StatusMethodNotAllowed, errs.Invalid, "Chỉ hỗ trợ phương thức GET.")
		return
	}
	build := h.table
	if strings.HasPrefix(r.URL.Path, "/export/lines.") || strings.HasPrefix(r.URL.Path, "/export/disbursements.") {
		build = h.lineTable
	}
	tbl, err := build(r)
	if err != nil {
		h.errors.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := f.write(&buf, tbl); err != nil {
		h.errors.Error(w, r, errs.E("export: write "+f.ext, errs.Internal, err))
		return
	}
	name := tbl.fileName + "." + f.ext
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = buf.WriteTo(w)
	}
}

// table answers the request's query as its caller may see it, and lays the answer out.
func (h *Handler) table(r *http.Request) (*table, error) {
	scope, err := h.c.Scope(r)
	if err != nil {
		return nil, err
	}
	req, err := parseRequest(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	req.query.Scope = scope
	ab := about{request: req, url: r.URL.RequestURI(), generated: h.c.Now()}
	if h.c.UnitCodes != nil {
		if ab.unitCodes, err = h.c.UnitCodes(r.Context(), req.query); err != nil {
			return nil, err
		}
	}
	if h.c.Dataset != nil {
		info, err := h.c.Dataset.Get(r.Context())
		if err != nil {
			return nil, err
		}
		ab.dataset = &info
	}
	if req.pivot != nil {
		return h.pivotTable(r, req, ab)
	}
	lines, total, err := h.figures(r, req.query, &ab)
	if err != nil {
		return nil, err
	}
	return h.build(r.Context(), req, lines, total, ab)
}

// figures asks the engine: the full answer, or for the public the answer with small cells withheld.
func (h *Handler) figures(r *http.Request, q report.Query, ab *about) ([]line, *report.Totals, error) {
	var lines []line
	if h.c.Public != nil && h.c.Public(r) {
		res, err := h.c.PublicStats.Stats(r.Context(), q)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range res.Rows {
			lines = append(lines, line{c.Key, c.Totals})
		}
		ab.minCount, ab.public = res.MinCount, true
		return lines, res.Total.Totals, nil
	}
	res, err := h.c.Stats.Stats(r.Context(), q)
	if err != nil {
		return nil, nil, err
	}
	for i := range res.Rows {
		lines = append(lines, line{res.Rows[i].Key, &res.Rows[i].Totals})
	}
	return lines, &res.Total, nil
}
