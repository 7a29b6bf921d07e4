package snapshotweb_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hotro/internal/auth"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/reference"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
	"hotro/internal/snapshot"
	"hotro/internal/snapshot/snapshotweb"
)

// TestReportDownloads: a leader downloads the signed report of a snapshot as PDF and as DOCX (a
// zip holding word/document.xml with the snapshot's total); other roles, visitors, wrong addresses
// and withdrawn snapshots are refused with the API's error codes.
func TestReportDownloads(t *testing.T) {
	dialect := dbtest.Dialects()[0]
	d, err := seedtest.Fresh(t, dialect)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := rollup.EnsureBuilt(ctx, d); err != nil {
		t.Fatal(err)
	}
	ref := reference.NewCache(d)
	svc := snapshot.NewService(d, rollup.NewEngineShared(d, ref), ref, dataset.NewStore(d).Version, time.Now, 5)
	leader := &auth.Identity{Role: auth.Leader, Username: "lanhdao"}
	snap, err := svc.Create(auth.WithIdentity(ctx, leader), snapshot.CreateInput{Name: "Báo cáo 123", Document: "Báo cáo số 123/BC-UBND ngày 20/05/2020"})
	if err != nil {
		t.Fatal(err)
	}
	h := &snapshotweb.Handler{Snapshots: svc, Organisation: "UBND thành phố Thái Nguyên"}
	get := func(id *auth.Identity, path string) *http.Response {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if id != nil {
			req = req.WithContext(auth.WithIdentity(req.Context(), id))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	base := fmt.Sprintf("/reports/%d", snap.ID)
	res := get(leader, base+".pdf?signer=Nguy%E1%BB%85n+V%C4%83n+A")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("pdf: %d %s %.200s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res = get(leader, base+".docx?signer=Nguy%E1%BB%85n+V%C4%83n+A")
	body, _ = io.ReadAll(res.Body)
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if res.StatusCode != 200 || err != nil {
		t.Fatalf("docx: %d %v %.200s", res.StatusCode, err, body)
	}
	figs, err := svc.Figures(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			xml, _ := io.ReadAll(rc)
			rc.Close()
			found = strings.Contains(string(xml), formatVN(figs.Total().AmountPaid))
		}
	}
	if !found {
		t.Errorf("word/document.xml does not hold the total %s", formatVN(figs.Total().AmountPaid))
	}
	for name, c := range map[string]struct {
		id   *auth.Identity
		path string
		want int
	}{
		"analyst":      {&auth.Identity{Role: auth.Analyst, Username: "a"}, base + ".pdf?signer=A", 403},
		"visitor":      {nil, base + ".pdf?signer=A", 401},
		"no signer":    {leader, base + ".pdf", 400},
		"other format": {leader, base + ".exe", 404},
		"no such":      {leader, "/reports/999999.pdf?signer=A", 404},
		"not a number": {leader, "/reports/..%2f1.pdf", 404},
		"negative":     {leader, "/reports/-1.pdf", 404},
		"ward officer": {&auth.Identity{Role: auth.WardOfficer, Username: "w", WardIDs: []int64{1}}, base + ".pdf?signer=A", 403},
	} {
		if res := get(c.id, c.path); res.StatusCode != c.want {
			b, _ := io.ReadAll(res.Body)
			t.Errorf("%s: %d %s, want %d", name, res.StatusCode, b, c.want)
		}
	}
	if _, err := svc.Withdraw(auth.WithIdentity(ctx, leader), snap.ID, "Sai số liệu"); err != nil {
		t.Fatal(err)
	}
	if res := get(leader, base+".pdf?signer=A"); res.StatusCode != 409 {
		t.Errorf("withdrawn: %d, want 409", res.StatusCode)
	}
}

func formatVN(n int64) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	return string(out)
}
