// Package snapshotweb serves the report a leader signs, written from an official snapshot, as a
// download: GET /reports/{id}.docx or /reports/{id}.pdf.
package snapshotweb

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"hotro/internal/errs"
	"hotro/internal/httperr"
	"hotro/internal/officialdoc"
	"hotro/internal/snapshot"
)

// Handler serves /reports/. Leaders and admins only (snapshot.Service.Report says so); the query's
// signer, position, authority, parentBody, number and place fill the signature block and heading,
// the organisation the rest.
type Handler struct {
	Snapshots    *snapshot.Service
	Organisation string
	Classify     func(error) errs.Kind
	Logger       *slog.Logger
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hw := httperr.Writer{Op: "report", Classify: h.Classify, Logger: h.Logger}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		hw.ErrorStatus(w, r, errs.E("report", errs.Invalid, errs.Msg("Chỉ tải báo cáo bằng GET.")), http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/reports/")
	idText, format, ok := strings.Cut(name, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 || (format != "docx" && format != "pdf") {
		hw.Error(w, r, errs.E("report", errs.NotFound, errs.Msg("Địa chỉ báo cáo là /reports/{số bản số liệu}.docx hoặc .pdf.")))
		return
	}
	ctx := r.Context()
	snap, err := h.Snapshots.Get(ctx, id)
	if err != nil {
		hw.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	in := snapshot.DefaultReportInput(h.Organisation, snapshot.ReportInput{ParentBody: q.Get("parentBody"), Number: q.Get("number"), Place: q.Get("place"),
		Signer: officialdoc.Signer{Authority: q.Get("authority"), Position: q.Get("position"), Name: q.Get("signer")}})
	rep, err := h.Snapshots.Report(ctx, snap, in)
	if err != nil {
		hw.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	write, contentType := officialdoc.WritePDF, "application/pdf"
	if format == "docx" {
		write, contentType = officialdoc.WriteDOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	if err := write(&buf, rep); err != nil {
		hw.Error(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bao-cao-so-lieu-%d.%s"`, snap.ID, format))
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}
