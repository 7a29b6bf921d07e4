package officialdoc

import (
	"fmt"
	"strings"
)

// The page, in millimetres (A4, and margins within the decree's ranges).
const (
	pageWidthMM    = 210.0
	pageHeightMM   = 297.0
	marginTopMM    = 20.0
	marginBottomMM = 20.0
	marginLeftMM   = 30.0
	marginRightMM  = 15.0
	textWidthMMAll = pageWidthMM - marginLeftMM - marginRightMM // 165

	// The heading's two columns: the issuer on the left, the nation on the right.
	issuerColumnMM = 62.0
	nationColumnMM = textWidthMMAll - issuerColumnMM

	// The closing's two columns: "Nơi nhận" on the left, the signature on the right.
	recipientsColumnMM = 75.0
	signatureColumnMM  = textWidthMMAll - recipientsColumnMM
)

// Type sizes, in points.
const (
	sizeBody       = 14.0
	sizeTable      = 13.0
	sizeBodies     = 13.0 // parent and issuing body
	sizeNumber     = 13.0
	sizeNation     = 12.0 // CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
	sizeMotto      = 13.0 // Độc lập - Tự do - Hạnh phúc
	sizeDate       = 14.0
	sizeTitle      = 14.0
	sizeRecipients = 11.0
	sizeRecipHead  = 12.0
	sizeSignature  = 14.0
	sizePageNumber = 14.0

	firstLineIndentMM = 12.7
	signSpaceMM       = 25.0 // between the position and the signer's name, to sign and stamp
	paragraphSpacePt  = 6.0
	lineSpacing       = 1.15 // times the size
)

const (
	nationLine = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	mottoLine  = "Độc lập - Tự do - Hạnh phúc"
)

type alignment int

const (
	alignLeft alignment = iota
	alignCenter
	alignRight
	alignJustify
)

// run is a stretch of text in one style.
type run struct {
	text         string
	bold, italic bool
}

// paragraph is a body paragraph.
type paragraph struct {
	runs     []run
	align    alignment
	indent   bool    // the first line indented
	size     float64 // pt
	keepNext bool    // kept on the page of the next block (headings, captions)
}

// table is a table of figures; its first row is the header, repeated on each page.
type table struct {
	widthsMM []float64
	aligns   []alignment
	header   []string
	rows     [][]string
	totalRow bool // the last row is the total, in bold
}

// picture is a PNG drawn at a width and height in millimetres.
type picture struct {
	png               []byte
	widthMM, heightMM float64
}

// block is one of a paragraph, a table or a picture.
type block struct {
	para    *paragraph
	table   *table
	picture *picture
}

// layout is the whole document, laid out once for both formats.
type layout struct {
	parentBody, issuingBody string // a line break in them is kept
	number                  string // "Số: 123/BC-UBND"
	dateLine                string
	kind, subject           string
	body                    []block
	recipients              []string
	authority, position     string
	signerName              string
	title                   string // the document's title in its properties
}

// compose lays r out. r must be valid.
func compose(r Report) (layout, error) {
	l := layout{
		parentBody:  upperLines(r.ParentBody),
		issuingBody: upperLines(r.IssuingBody),
		number:      "Số: " + clean(r.Number),
		dateLine:    dateLine(clean(r.Place), r.Date),
		kind:        upper(r.Kind),
		subject:     clean(r.Subject),
		recipients:  recipientLines(r.Recipients),
		authority:   upper(r.Signer.Authority),
		position:    upper(r.Signer.Position),
		signerName:  clean(r.Signer.Name),
	}
	if l.kind == "" {
		l.kind = "BÁO CÁO"
	}
	l.title = l.kind + " " + clean(r.Number) + ": " + l.subject
	for _, p := range r.Opening {
		l.body = append(l.body, text(clean(p)))
	}
	f := r.Figures
	sections := 0
	heading := func(title string) {
		sections++
		l.body = append(l.body, block{para: &paragraph{
			runs: []run{{text: roman(sections) + ". " + title, bold: true}}, align: alignJustify,
			indent: true, size: sizeBody, keepNext: true,
		}})
	}

	heading("KẾT QUẢ CHUNG")
	l.body = append(l.body, block{para: &paragraph{runs: []run{
		{text: "Tổng số người được hỗ trợ: "}, {text: count(f.Total.PeopleSupported) + " người", bold: true},
		{text: ", thuộc "}, {text: count(f.Total.Beneficiaries), bold: true},
		{text: " đối tượng được chi trả (người hoặc hộ); tổng số tiền đã chi: "},
		{text: money(f.Total.AmountPaid), bold: true}, {text: "."},
	}, align: alignJustify, indent: true, size: sizeBody}})
	if s := clean(f.Source); s != "" {
		l.body = append(l.body, block{para: &paragraph{runs: []run{{text: s, italic: true}},
			align: alignJustify, indent: true, size: sizeBody}})
	}

	for _, t := range []struct {
		title, column string
		rows          []Row
	}{
		{"KẾT QUẢ THEO ĐỢT CHI TRẢ", "Đợt chi trả", f.ByRound},
		{"KẾT QUẢ THEO NHÓM ĐỐI TƯỢNG", "Nhóm đối tượng", f.ByGroup},
		{"KẾT QUẢ THEO PHƯỜNG, XÃ", "Phường, xã", f.ByWard},
	} {
		if len(t.rows) == 0 {
			continue
		}
		heading(t.title)
		l.body = append(l.body, block{table: figuresTable(t.column, t.rows, f.Total)})
		if note := overlapNote(t.rows, f.Total); note != "" {
			l.body = append(l.body, block{para: &paragraph{runs: []run{{text: note, italic: true}},
				align: alignJustify, indent: true, size: sizeTable}})
		}
	}

	if len(f.Funds) > 0 {
		heading("SỬ DỤNG NGUỒN KINH PHÍ")
		l.body = append(l.body, block{table: fundsTable(f.Funds)})
	}

	if len(f.Chart.Bars) > 0 {
		png, heightMM, err := drawChart(f.Chart, textWidthMMAll)
		if err != nil {
			return layout{}, err
		}
		title := clean(f.Chart.Title)
		if title == "" {
			title = "Biểu đồ"
		}
		heading("BIỂU ĐỒ")
		l.body = append(l.body,
			block{para: &paragraph{runs: []run{{text: title + " (đồng)", bold: true}}, align: alignCenter,
				size: sizeTable, keepNext: true}},
			block{picture: &picture{png: png, widthMM: textWidthMMAll, heightMM: heightMM}})
	}

	for _, p := range r.Closing {
		l.body = append(l.body, text(clean(p)))
	}
	return l, nil
}

// text is a plain body paragraph.
func text(s string) block {
	return block{para: &paragraph{runs: []run{{text: s}}, align: alignJustify, indent: true, size: sizeBody}}
}

// figuresTable is a table of rows with their totals, and the overall total last.
func figuresTable(column string, rows []Row, total Totals) *table {
	t := &table{
		widthsMM: []float64{12, 55, 31, 31, 36},
		aligns:   []alignment{alignCenter, alignLeft, alignRight, alignRight, alignRight},
		header:   []string{"STT", column, "Số người được hỗ trợ", "Số đối tượng được chi trả", "Số tiền đã chi (đồng)"},
		totalRow: true,
	}
	for i, r := range rows {
		t.rows = append(t.rows, []string{fmt.Sprint(i + 1), clean(r.Name),
			count(r.PeopleSupported), count(r.Beneficiaries), amount(r.AmountPaid)})
	}
	t.rows = append(t.rows, []string{"", "Tổng cộng",
		count(total.PeopleSupported), count(total.Beneficiaries), amount(total.AmountPaid)})
	return t
}

// overlapNote explains a total that is not the sum of its rows: a person counted once in the total
// may stand in several rows (two rounds, two groups). Empty when the rows add up.
func overlapNote(rows []Row, total Totals) string {
	var sum Totals
	for _, r := range rows {
		sum.PeopleSupported += r.PeopleSupported
		sum.Beneficiaries += r.Beneficiaries
		sum.AmountPaid += r.AmountPaid
	}
	if sum == total {
		return ""
	}
	return "Ghi chú: dòng Tổng cộng tính mỗi người, mỗi đối tượng một lần; một người có thể có ở nhiều dòng " +
		"của bảng, nên cộng các dòng có thể khác dòng Tổng cộng."
}

// fundsTable is the use of each fund: allocated, paid, remaining and the share paid.
func fundsTable(funds []FundUse) *table {
	t := &table{
		widthsMM: []float64{12, 39, 33, 33, 31, 17},
		aligns:   []alignment{alignCenter, alignLeft, alignRight, alignRight, alignRight, alignRight},
		header:   []string{"STT", "Nguồn kinh phí", "Được phân bổ (đồng)", "Đã chi (đồng)", "Còn lại (đồng)", "Tỷ lệ đã chi"},
		totalRow: true,
	}
	var allocated, paid int64
	allKnown := true
	for i, u := range funds {
		row := []string{fmt.Sprint(i + 1), clean(u.Name), "Chưa phân bổ", amount(u.Paid), "", ""}
		if u.Allocated != nil {
			row[2] = amount(*u.Allocated)
			row[4] = amount(*u.Allocated - u.Paid)
			row[5] = percent(u.Paid, *u.Allocated)
			allocated += *u.Allocated
		} else {
			allKnown = false
		}
		paid += u.Paid
		t.rows = append(t.rows, row)
	}
	total := []string{"", "Tổng cộng", "", amount(paid), "", ""}
	if allKnown {
		total[2], total[4], total[5] = amount(allocated), amount(allocated-paid), percent(paid, allocated)
	}
	t.rows = append(t.rows, total)
	return t
}

// amount writes an amount in a table, whose header says the unit: 1234567 → "1.234.567".
func amount(n int64) string { return count(n) }

// roman writes the numbers of the sections: 1 → "I".
func roman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}
