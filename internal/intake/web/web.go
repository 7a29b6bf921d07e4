// Package web serves the pages and files of the intake over HTTP: the blank list templates, the full
// row report of a checked upload as CSV, and the printable public posting list of a ward.
package web

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/export"
	"hotro/internal/feedback"
	"hotro/internal/httperr"
	"hotro/internal/intake"
	"hotro/internal/program"
	"hotro/internal/vntext"
)

//go:embed posting.html feedback.html posting.css
var files embed.FS

// ReportURL is the address of the report of checked upload uploadID (every row with its outcome).
func ReportURL(uploadID int64) string {
	return "/intake/uploads/" + strconv.FormatInt(uploadID, 10) + "/report.csv"
}

// PostingURL is the address of the printable posting list of batch batchID in the ward wardCode.
func PostingURL(wardCode string, batchID int64) string {
	return "/wards/" + url.PathEscape(wardCode) + "/posting?batch=" + strconv.FormatInt(batchID, 10)
}

// Handler serves, under the same mux:
//
//	GET /intake/template.xlsx?group=HO_NGHEO[&program=NQ42-2020]   blank list with instructions
//	GET /intake/template.csv?group=HO_NGHEO[&program=NQ42-2020]    the same header as CSV (UTF-8 BOM)
//	GET /intake/uploads/{id}/report.csv                            every row of a checked upload
//	GET /wards/{code}/posting[?program=&group=&batch=&draft=1]     the printable posting list; for
//	                                                               anyone else, the public list with
//	                                                               residents' feedback (?line=, ?code=)
//	POST /wards/{code}/feedback                                    a resident's report (a form)
//	GET /intake/assets/posting.css                                 its style sheet
//
// Templates are open to everyone (they hold no personal data); the report and the printed posting
// list are for admins and the ward's officers; everyone else reads the public posting list (names
// and IDs masked) and may send a report on it, and follow it by its code.
type Handler struct {
	svc     *intake.Service
	reports *feedback.Service
	errors  httperr.Writer
	page    *template.Template
	mux     *http.ServeMux
}

// New returns the handler over the import service. classify names the kind of an error no domain
// package classified (db.Classify: the database down or too slow); nil: such errors are internal.
func New(svc *intake.Service, reports *feedback.Service, log *slog.Logger, classify func(error) errs.Kind) *Handler {
	h := &Handler{svc: svc, reports: reports, errors: httperr.Writer{Op: "intake page", Classify: classify, Logger: log}}
	h.page = template.Must(template.New("posting.html").Funcs(template.FuncMap{"money": vntext.Number, "words": words}).
		ParseFS(files, "posting.html", "feedback.html"))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /intake/template.xlsx", h.template(intake.TemplateXLSX))
	mux.HandleFunc("GET /intake/template.csv", h.template(intake.TemplateCSV))
	mux.HandleFunc("GET /intake/uploads/{id}/report.csv", h.report)
	mux.HandleFunc("GET /intake/assets/posting.css", h.css)
	mux.HandleFunc("GET /wards/{code}/posting", h.posting)
	mux.HandleFunc("POST /wards/{code}/feedback", h.submit)
	h.mux = mux
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) template(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g, err := h.svc.TemplateGroup(r.Context(), r.URL.Query().Get("program"), r.URL.Query().Get("group"))
		if err != nil {
			h.errors.Error(w, r, err)
			return
		}
		var buf bytes.Buffer
		if err := intake.WriteTemplate(&buf, format, g); err != nil {
			h.errors.Error(w, r, err)
			return
		}
		ctype := "text/csv; charset=utf-8"
		if format == intake.TemplateXLSX {
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mau-danh-sach-%s.%s"`, g.Code, format))
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(buf.Bytes())
	}
}

// report streams the outcome of every row of a checked upload, checked again now, as CSV.
func (h *Handler) report(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		httperr.Write(w, http.StatusBadRequest, errs.Invalid, "Mã lần tải lên không hợp lệ.")
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	// Names and numbers come from the uploaded file: none may reach Excel as a formula.
	write := func(cells ...string) {
		for i := range cells {
			cells[i] = export.Defuse(cells[i])
		}
		_ = cw.Write(cells)
	}
	write("Dòng", "Kết quả", "Họ và tên", "Số CCCD/CMND", "Số người", "Số tháng", "Số tiền (đồng)", "Mức quy định (đồng)", "Lỗi và cảnh báo")
	rep, err := h.svc.Recheck(r.Context(), id, func(row intake.RowResult) {
		var notes []string
		for _, i := range row.Issues {
			kind := "Lỗi"
			if i.Warning {
				kind = "Cảnh báo"
			}
			where := ""
			if i.Column != "" {
				where = " (cột " + i.Column + ")"
			}
			notes = append(notes, kind+where+": "+i.Message)
		}
		due := ""
		if row.AmountDue != nil {
			due = strconv.FormatInt(*row.AmountDue, 10)
		}
		write(strconv.Itoa(row.Row), outcomeLabel[row.Outcome], row.FullName, row.CitizenID, strconv.Itoa(row.People),
			strconv.Itoa(row.Months), strconv.FormatInt(row.Amount, 10), due, strings.Join(notes, " | "))
	})
	if err != nil {
		h.errors.Error(w, r, err)
		return
	}
	for _, i := range rep.Issues {
		if i.Row == 0 || i.Code == "unknown_column" || i.Code == "empty_rows_stop" {
			write(strconv.Itoa(i.Row), "Toàn tệp", "", "", "", "", "", "", i.Message)
		}
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ket-qua-kiem-tra-%d.csv"`, id))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}

var outcomeLabel = map[intake.Outcome]string{intake.Accepted: "Hợp lệ", intake.Warned: "Có cảnh báo",
	intake.Skipped: "Đã có, bỏ qua", intake.Rejected: "Lỗi"}

func (h *Handler) css(w http.ResponseWriter, r *http.Request) {
	b, _ := files.ReadFile("posting.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(b)
}

// pageGroup is a group as the page shows it.
type pageGroup struct {
	*intake.PostingGroup
	Index     int
	Name      string
	Household bool
	PostedOn  string
}

type page struct {
	*intake.Posting
	Groups     []pageGroup
	PrintedDay string
	LegalBasis string
	// Status is the state of the lines shown, in the words of the one table (package disbursement).
	Status string
	// Feedback is the public list's feedback part.
	Feedback feedbackPart
}

func (h *Handler) posting(w http.ResponseWriter, r *http.Request) {
	fb := feedbackPart{Code: r.URL.Query().Get("code")}
	if n, err := strconv.ParseInt(r.URL.Query().Get("line"), 10, 64); err == nil {
		fb.Values.LineID = n
	}
	h.render(w, r, http.StatusOK, fb)
}

// render writes the posting list with its feedback part, with the HTTP status given.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, httpStatus int, fb feedbackPart) {
	q := r.URL.Query()
	pq := intake.PostingQuery{Ward: r.PathValue("code"), Program: q.Get("program"), Group: q.Get("group"), Draft: q.Get("draft") == "1"}
	if b := q.Get("batch"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			httperr.Write(w, http.StatusBadRequest, errs.Invalid, "Mã lô nhập không hợp lệ.")
			return
		}
		pq.BatchID = n
	}
	p, err := h.svc.Posting(r.Context(), pq)
	if err != nil {
		h.errors.Error(w, r, err)
		return
	}
	data := page{Posting: p, PrintedDay: civilDay(p.PrintedOn), Status: disbursement.Posted.Label()}
	if p.Draft {
		data.Status = disbursement.Listed.Label()
	}
	if p.Program != nil {
		data.LegalBasis = strings.Join(strings.Split(p.Program.LegalBasis, "\n"), "; ")
	}
	for i, g := range p.Groups {
		pg := pageGroup{PostingGroup: g, Index: i + 1, Name: g.Group.Name, Household: g.Group.SupportUnit != program.PerPerson}
		var days []string
		for _, d := range g.PostedOn {
			days = append(days, d.Time().Format("02/01/2006"))
		}
		pg.PostedOn = strings.Join(days, ", ")
		data.Groups = append(data.Groups, pg)
	}
	if p.Public {
		if err := h.feedbackPart(r, p, &fb); err != nil {
			h.errors.Error(w, r, err)
			return
		}
		data.Feedback = fb
	}
	var buf bytes.Buffer
	if err := h.page.Execute(&buf, data); err != nil {
		h.errors.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	// Forms go to this server only; nothing on the page runs a script or loads from elsewhere.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(buf.Bytes())
}

func civilDay(d civil.Date) string {
	return fmt.Sprintf("%02d tháng %02d năm %d", d.Day, int(d.Month), d.Year)
}
