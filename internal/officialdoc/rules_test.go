package officialdoc

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"hotro/internal/errs"
)

func TestDateLine(t *testing.T) {
	tests := []struct {
		day  time.Time
		want string
	}{
		{time.Date(2020, 5, 20, 0, 0, 0, 0, time.UTC), "Thái Nguyên, ngày 20 tháng 5 năm 2020"},
		{time.Date(2021, 2, 5, 0, 0, 0, 0, time.UTC), "Thái Nguyên, ngày 05 tháng 02 năm 2021"},
		{time.Date(2021, 1, 31, 0, 0, 0, 0, time.UTC), "Thái Nguyên, ngày 31 tháng 01 năm 2021"},
		{time.Date(2020, 12, 9, 0, 0, 0, 0, time.UTC), "Thái Nguyên, ngày 09 tháng 12 năm 2020"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := dateLine("Thái Nguyên", tt.day); got != tt.want {
				t.Errorf("dateLine = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{money(1234567), "1.234.567 đồng"},
		{money(0), "0 đồng"},
		{count(13935), "13.935"},
		{percent(13186800000, 16000000000), "82,4%"},
		{percent(1, 3), "33,3%"},
		{percent(2, 3), "66,7%"},
		{percent(5, 5), "100,0%"},
		{percent(1, 0), ""},
		{strings.Join(recipientLines([]string{"Như trên;", "- UBND tỉnh (b/c)", " ", "Lưu: VT."}), "|"), "- Như trên;|- UBND tỉnh (b/c);|- Lưu: VT."},
		{clean("Phu\u0301c  Ha\u0300\n\x00x"), "Phúc Hà x"},
		{roman(4) + roman(9) + roman(6), "IVIXVI"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// A report missing what the decree needs, or far too large, is refused with a message that says
// what is wrong, and nothing is written.
func TestInvalidReportIsRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Report)
		want   string
	}{
		{"no issuing body", func(r *Report) { r.IssuingBody = "  " }, "thiếu cơ quan ban hành"},
		{"no number", func(r *Report) { r.Number = "" }, "thiếu số, ký hiệu văn bản"},
		{"no date", func(r *Report) { r.Date = time.Time{} }, "thiếu ngày ban hành"},
		{"no signer", func(r *Report) { r.Signer.Name = "" }, "thiếu họ tên người ký"},
		{"no recipients", func(r *Report) { r.Recipients = nil }, "thiếu nơi nhận"},
		{"negative amount", func(r *Report) { r.Figures.ByWard[3].AmountPaid = -1 }, "số liệu không được âm"},
		{"negative allocation", func(r *Report) { n := int64(-5); r.Figures.Funds[0].Allocated = &n }, "số liệu không được âm"},
		{"too many wards", func(r *Report) { r.Figures.ByWard = make([]Row, maxRows+1) }, "quá nhiều dòng theo phường, xã"},
		{"a chart too tall for a page", func(r *Report) { r.Figures.Chart.Bars = make([]Bar, maxBars+1) }, "biểu đồ có quá nhiều cột"},
		{"a huge paragraph", func(r *Report) { r.Closing = []string{strings.Repeat("á", maxTextRunes+1)} }, "dài quá 4000 ký tự"},
		{"a subject longer than a page", func(r *Report) { r.Subject = strings.Repeat("kết quả ", maxLineRunes) }, "dài quá 300 ký tự"},
		{"a ward name longer than a page", func(r *Report) { r.Figures.ByWard[0].Name = strings.Repeat("x", maxLineRunes+1) }, "dài quá 300 ký tự"},
		{"too many recipients", func(r *Report) { r.Recipients = make([]string, maxRecipients+1) }, "quá nhiều nơi nhận"},
		{"a bad byte in a paragraph", func(r *Report) { r.Opening = []string{"\xff"} }, "không phải UTF-8"},
		{"not UTF-8", func(r *Report) { r.Subject = "B\xc3o cáo" }, "không phải UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := thaiNguyenReport()
			tt.change(&r)
			for name, write := range map[string]func(io.Writer, Report) error{"docx": WriteDOCX, "pdf": WritePDF} {
				var buf bytes.Buffer
				err := write(&buf, r)
				if !errs.Is(errs.Invalid, err) {
					t.Fatalf("%s: err = %v, want an invalid-input error", name, err)
				}
				if msg := errs.Message(err); !strings.Contains(msg, tt.want) {
					t.Errorf("%s: message %q does not say %q", name, msg, tt.want)
				}
				if buf.Len() != 0 {
					t.Errorf("%s: wrote %d bytes of a refused report", name, buf.Len())
				}
			}
		})
	}
}

// The vendored fonts are byte for byte what Debian's fonts-liberation2 ships, each listed in
// SHA256SUMS, with the licence beside them.
func TestVendoredFonts(t *testing.T) {
	sums, err := fs.ReadFile(vendored, "fonts/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS: bad line %q", sc.Text())
		}
		listed[name] = true
		b, err := fs.ReadFile(vendored, "fonts/"+name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s differs from what was vendored", name)
		}
	}
	entries, err := fs.ReadDir(vendored, "fonts")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "SHA256SUMS" && !listed[e.Name()] {
			t.Errorf("%s is not in SHA256SUMS", e.Name())
		}
	}
	for _, f := range faceFiles {
		if !listed[strings.TrimPrefix(f, "fonts/")] {
			t.Errorf("%s is used but not listed", f)
		}
	}
	licence, err := fs.ReadFile(vendored, "fonts/LiberationSerif-LICENSE.txt")
	if err != nil || !bytes.Contains(licence, []byte("SIL OPEN FONT LICENSE Version 1.1")) {
		t.Errorf("the fonts' licence is missing or not the SIL OFL 1.1 (%v)", err)
	}
	// Every letter of Vietnamese has a glyph: a missing one would print as nothing.
	font := parsedFonts()[regular].font
	for _, r := range "ăâđêôơưĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ" {
		if g, err := font.GlyphIndex(nil, r); err != nil || g == 0 {
			t.Errorf("Liberation Serif has no glyph for %q", r)
		}
	}
}

// Text from the database is printed as text: markup stays literal in the DOCX, a character the
// font cannot draw becomes "?" in both formats (fpdf would panic on some), and control and
// direction-changing characters are gone.
func TestHostileText(t *testing.T) {
	r := thaiNguyenReport()
	r.Subject = "Báo cáo 😀 漢 \u202e\x00 phường \U0010FFFF cũ"
	r.Figures.ByWard[0].Name = `</w:t></w:r><w:p>&amp; "q" ]]>`
	docx, pdf := writeBoth(t, r)
	paras := docxParagraphs(t, docx)
	for _, want := range []string{"Báo cáo ? ? phường ? cũ", `</w:t></w:r><w:p>&amp; "q" ]]>`} {
		if !slices.Contains(paras, want) {
			t.Errorf("the DOCX has no paragraph %q", want)
		}
	}
	flat := strings.Join(strings.Fields(strings.Join(pdfText(t, pdf), " ")), " ")
	for _, want := range []string{"Báo cáo ? ? phường ? cũ", `</w:t></w:r><w:p>&amp;`} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF's text has no %q", want)
		}
	}
}

// The largest report allowed (every table at its limit, the chart at its limit, the longest
// texts) is written both ways, its chart on one page.
func TestLargestReport(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes a report of some 70 pages: not under -short, nor -race (it runs in the pass without it)")
	}
	r := thaiNguyenReport()
	rows := make([]Row, maxRows)
	for i := range rows {
		rows[i] = Row{Name: strings.Repeat("Phường Hoàng Văn Thụ ", maxLineRunes/21), Totals: Totals{PeopleSupported: 999999, Beneficiaries: 999999, AmountPaid: 999999999999}}
	}
	r.Figures.ByRound, r.Figures.ByGroup, r.Figures.ByWard = rows[:10], rows[:50], rows
	r.Figures.Chart.Bars = make([]Bar, maxBars)
	for i := range r.Figures.Chart.Bars {
		r.Figures.Chart.Bars[i] = Bar{Label: strings.Repeat("Phường Hoàng Văn Thụ ", 3), Value: int64(i) * 999999999}
	}
	r.Closing = []string{strings.Repeat("á ", maxTextRunes/2)}
	r.Subject = strings.Repeat("kết quả ", maxLineRunes/8)
	r.IssuingBody = strings.Repeat("ủy ban ", maxLineRunes/7)
	r.ParentBody = r.IssuingBody
	r.Recipients = make([]string, maxRecipients)
	for i := range r.Recipients {
		r.Recipients[i] = strings.Repeat("Ủy ban nhân dân phường ", 2)
	}
	r.Signer.Authority = strings.Repeat("TM. Ủy ban nhân dân ", 3)
	docx, pdf := writeBoth(t, r)
	checkInsideMargins(t, pdf)
	if n := len(docxParagraphs(t, docx)); n < maxRows*5 {
		t.Errorf("the DOCX has %d paragraphs, want the %d rows' cells", n, maxRows)
	}
	if len(pdf) > 20<<20 {
		t.Errorf("the PDF is %d MB", len(pdf)>>20)
	}
	_, heightMM, err := drawChart(r.Figures.Chart, textWidthMMAll)
	if err != nil {
		t.Fatal(err)
	}
	if usable := pageHeightMM - marginTopMM - marginBottomMM - 20; heightMM > usable {
		t.Errorf("the chart of %d bars is %.0f mm tall, more than a page's %.0f mm", maxBars, heightMM, usable)
	}
}

// The same report gives the same bytes, also when many are written at once (the fonts are parsed
// once and shared).
func TestSameReportSameBytes(t *testing.T) {
	r := thaiNguyenReport()
	wantDOCX, wantPDF := writeBoth(t, r)
	const writers = 2
	type result struct{ docx, pdf []byte }
	results := make(chan result, writers)
	for range writers {
		go func() {
			var d, p bytes.Buffer
			if err := WriteDOCX(&d, r); err != nil {
				t.Error(err)
			}
			if err := WritePDF(&p, r); err != nil {
				t.Error(err)
			}
			results <- result{d.Bytes(), p.Bytes()}
		}()
	}
	for range writers {
		got := <-results
		if !bytes.Equal(got.docx, wantDOCX) {
			t.Error("the DOCX differs from one writing to the next")
		}
		if !bytes.Equal(got.pdf, wantPDF) {
			t.Error("the PDF differs from one writing to the next")
		}
	}
}

// A report with only what the decree requires and the totals: no parent body, no authority, no
// tables, no chart. The sections left out leave no empty heading, and the numbering stays in order.
func TestMinimalReport(t *testing.T) {
	r := Report{
		IssuingBody: "UBND phường Quán Triều",
		Number:      "07/BC-UBND",
		Place:       "Quán Triều",
		Date:        time.Date(2021, 2, 3, 15, 0, 0, 0, time.UTC),
		Subject:     "Kết quả chi trả hỗ trợ đợt 1",
		Figures:     Figures{Total: Totals{PeopleSupported: 647, Beneficiaries: 520, AmountPaid: 900650000}},
		Recipients:  []string{"UBND thành phố", "Lưu: VT"},
		Signer:      Signer{Position: "Chủ tịch", Name: "Trần Thị Hoa"},
	}
	docx, pdf := writeBoth(t, r)
	paras := docxParagraphs(t, docx)
	want := []string{
		"UBND PHƯỜNG QUÁN TRIỀU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: 07/BC-UBND", "Quán Triều, ngày 03 tháng 02 năm 2021", "BÁO CÁO", "Kết quả chi trả hỗ trợ đợt 1",
		"I. KẾT QUẢ CHUNG",
		"Tổng số người được hỗ trợ: 647 người, thuộc 520 đối tượng được chi trả (người hoặc hộ); tổng số tiền đã chi: 900.650.000 đồng.",
		"Nơi nhận:", "- UBND thành phố;", "- Lưu: VT.", "CHỦ TỊCH", "Trần Thị Hoa",
	}
	if strings.Join(paras, "\n") != strings.Join(want, "\n") {
		t.Errorf("the DOCX's paragraphs:\n%s\nwant:\n%s", strings.Join(paras, "\n"), strings.Join(want, "\n"))
	}
	checkInsideMargins(t, pdf)
	pages := pdfText(t, pdf)
	if len(pages) != 1 {
		t.Errorf("%d pages, want 1", len(pages))
	}
	flat := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("the PDF's text has no %q", w)
		}
	}
}

// A total that is not the sum of its rows (a person paid in two rounds counts once) is explained
// under its table; a fund with nothing allocated says so, and the total of allocations is left
// empty rather than short.
func TestNotesAndUnallocatedFunds(t *testing.T) {
	r := thaiNguyenReport()
	r.Figures.ByRound[1].PeopleSupported += 40 // 40 people of round 2 were also paid in round 1
	r.Figures.Funds[2].Allocated = nil
	docx, _ := writeBoth(t, r)
	paras := docxParagraphs(t, docx)
	text := strings.Join(paras, "\n")
	note := "Ghi chú: dòng Tổng cộng tính mỗi người, mỗi đối tượng một lần"
	if n := strings.Count(text, note); n != 1 {
		t.Errorf("the note is under %d tables, want 1 (the rounds')", n)
	}
	i := slices.Index(paras, "III. KẾT QUẢ THEO NHÓM ĐỐI TƯỢNG")
	if j := slices.IndexFunc(paras, func(p string) bool { return strings.HasPrefix(p, note) }); j < 0 || j > i {
		t.Errorf("the note is at paragraph %d, want it under the rounds' table (before %d)", j, i)
	}
	fund := slices.Index(paras, "Ngân sách thành phố Thái Nguyên")
	if fund < 0 || paras[fund+1] != "Chưa phân bổ" || paras[fund+2] != "1.891.050.000" {
		t.Errorf("the unallocated fund's row reads %q", paras[max(fund, 0):min(fund+5, len(paras))])
	}
	total := slices.Index(paras[fund:], "Tổng cộng") + fund
	// The empty cells read as nothing: the paid total, then the next section.
	if got := paras[total+1 : total+3]; got[0] != "18.692.500.000" || got[1] != "VI. BIỂU ĐỒ" {
		t.Errorf("the funds' total reads %q, want only what was paid", got)
	}
}
