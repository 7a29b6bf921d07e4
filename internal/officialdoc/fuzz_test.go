package officialdoc

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"hotro/internal/errs"
)

// FuzzWrite writes a small report whose texts and figures come from the fuzzer: each format is
// either written (the DOCX a package of well-formed parts holding the subject as given, cleaned)
// or refused as invalid input; never a panic nor an internal error.
func FuzzWrite(f *testing.F) {
	f.Add("Ủy ban nhân dân\nthành phố Thái Nguyên", "Kết quả hỗ trợ", "Phường Quán Triều", int64(647), int64(900650000))
	f.Add("<w:p>&amp;", "\x00\u202e😀", "]]>", int64(-1), int64(0))
	f.Add("", "B\xc3o", "漢", int64(1<<62), int64(-1<<63))
	f.Fuzz(func(t *testing.T, body, subject, ward string, people, amount int64) {
		r := thaiNguyenReport()
		r.IssuingBody, r.Subject = body, subject
		r.Figures.ByRound, r.Figures.ByGroup, r.Figures.Funds = nil, nil, nil
		r.Figures.ByWard = []Row{{Name: ward, Totals: Totals{PeopleSupported: people, Beneficiaries: people, AmountPaid: amount}}}
		r.Figures.Chart.Bars = []Bar{{Label: ward, Value: amount}}
		var d, p bytes.Buffer
		errDOCX, errPDF := WriteDOCX(&d, r), WritePDF(&p, r)
		if (errDOCX == nil) != (errPDF == nil) {
			t.Fatalf("one format written, the other refused: docx %v, pdf %v", errDOCX, errPDF)
		}
		if errDOCX != nil {
			if !errs.Is(errs.Invalid, errDOCX) || !errs.Is(errs.Invalid, errPDF) {
				t.Fatalf("want invalid input or success, got docx %v, pdf %v", errDOCX, errPDF)
			}
			return
		}
		if !bytes.HasPrefix(p.Bytes(), []byte("%PDF-")) {
			t.Fatal("the PDF does not start as one")
		}
		paras := docxParagraphs(t, d.Bytes())
		if want := strings.Join(strings.Fields(clean(subject)), " "); utf8.ValidString(subject) && want != "" &&
			!strings.Contains(strings.Join(paras, "\n"), want) {
			t.Errorf("the DOCX does not hold the subject %q", want)
		}
	})
}
