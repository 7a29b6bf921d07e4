package officialdoc

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hotro/internal/errs"
)

// Report is everything the signed report says. Every figure in it comes from the caller (a frozen
// snapshot): the package formats and lays out, it never computes a figure other than the totals of
// fund use (allocated − paid, paid / allocated).
type Report struct {
	// ParentBody is the body above the issuer ("UBND TỈNH THÁI NGUYÊN"); empty when there is none.
	ParentBody string
	// IssuingBody is who issues the report ("Ủy ban nhân dân\nthành phố Thái Nguyên"), written in
	// capitals; a line break in it (or in ParentBody) is kept, as the office sets the heading.
	IssuingBody string
	// Number is the number and symbol, "123/BC-UBND", written after "Số: ".
	Number string
	// Place is the place name of the date line ("Thái Nguyên").
	Place string
	// Date is the day the report is issued; only its calendar day is used.
	Date time.Time
	// Kind is the name of the kind of document; "BÁO CÁO" when empty.
	Kind string
	// Subject is the summary under the kind ("Kết quả hỗ trợ người dân gặp khó khăn do đại dịch COVID-19").
	Subject string
	// Opening holds the paragraphs before the figures (the grounds, the context); may be empty.
	Opening []string
	// Figures are the numbers the report announces.
	Figures Figures
	// Closing holds the paragraphs after the figures (assessment, proposals); may be empty.
	Closing []string
	// Recipients are the lines of "Nơi nhận" ("Như trên", "Lưu: VT"); the dash and the final
	// punctuation are added.
	Recipients []string
	// Signer is who signs.
	Signer Signer
}

// Signer is the signature block.
type Signer struct {
	// Authority is how the signer signs, when not in their own name: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH".
	Authority string
	// Position is the signer's position: "CHỦ TỊCH", "PHÓ CHỦ TỊCH".
	Position string
	// Name is the signer's full name.
	Name string
}

// Figures are the report's numbers, as the snapshot holds them.
type Figures struct {
	// Source says where the figures come from and as of when ("Số liệu chốt lúc 17:00 ngày
	// 19/5/2020, phiên bản dữ liệu 1.234"); printed under the totals. May be empty.
	Source string
	// Total is over every line the report covers.
	Total Totals
	// ByRound, ByGroup and ByWard are the tables by payment round, beneficiary group and ward, in
	// the order given; an empty one is left out.
	ByRound []Row
	ByGroup []Row
	ByWard  []Row
	// Funds is the use of each fund; left out when empty.
	Funds []FundUse
	// Chart is drawn after the tables; left out when it has no bars.
	Chart Chart
}

// Totals are the measures of a set of payment lines, as stats answers them.
type Totals struct {
	// PeopleSupported counts distinct persons covered by paid lines.
	PeopleSupported int64
	// Beneficiaries counts distinct recipients (persons or households) with a paid line.
	Beneficiaries int64
	// AmountPaid is the sum of paid lines, in đồng.
	AmountPaid int64
}

// Row is one row of a table: a round, a group or a ward, and its totals.
type Row struct {
	Name string
	Totals
}

// FundUse is what one fund allocated and what was paid from it.
type FundUse struct {
	Name string
	// Allocated is nil when nothing was allocated to the area ("chưa phân bổ").
	Allocated *int64
	// Paid is the sum of paid lines drawn on the fund, in đồng.
	Paid int64
}

// Chart is a bar chart of amounts in đồng (for example the amount paid by ward).
type Chart struct {
	Title string
	Bars  []Bar
}

// Bar is one bar of the chart.
type Bar struct {
	Label string
	Value int64
}

// Limits on what a report may hold: a report far larger is a mistake (or an attack), not a report.
const (
	maxRows       = 2000 // rows of one table, paragraphs
	maxRecipients = 30   // lines of "Nơi nhận", which stand beside the signature on one page
	maxBars       = 40   // bars of the chart, which must fit on a page (a city has some 30 wards)
	maxTextRunes  = 4000 // one paragraph
	maxLineRunes  = 300  // a heading's field, a recipient, a row's name: what must fit its place on a page
)

// Validate says, in Vietnamese, what is missing or wrong in r; nil when r can be written.
func (r Report) Validate() error {
	const op = "officialdoc: validate"
	var problems []string
	need := func(v, what string) {
		if strings.TrimSpace(v) == "" {
			problems = append(problems, "thiếu "+what)
		}
	}
	need(r.IssuingBody, "cơ quan ban hành")
	need(r.Number, "số, ký hiệu văn bản")
	need(r.Place, "địa danh")
	need(r.Subject, "trích yếu nội dung")
	need(r.Signer.Position, "chức vụ người ký")
	need(r.Signer.Name, "họ tên người ký")
	if r.Date.IsZero() {
		problems = append(problems, "thiếu ngày ban hành")
	}
	if len(r.Recipients) == 0 {
		problems = append(problems, "thiếu nơi nhận")
	}
	// Short texts must fit their place (the heading, a cell, the signature block) on a page.
	texts := []string{r.ParentBody, r.IssuingBody, r.Number, r.Place, r.Kind, r.Subject,
		r.Signer.Authority, r.Signer.Position, r.Signer.Name, r.Figures.Chart.Title}
	texts = append(texts, r.Recipients...)
	f := r.Figures
	lists := []struct {
		what string
		n    int
	}{
		{"đoạn mở đầu", len(r.Opening)}, {"đoạn kết", len(r.Closing)},
		{"dòng theo đợt", len(f.ByRound)}, {"dòng theo nhóm", len(f.ByGroup)}, {"dòng theo phường, xã", len(f.ByWard)},
		{"dòng nguồn kinh phí", len(f.Funds)},
	}
	for _, l := range lists {
		if l.n > maxRows {
			problems = append(problems, fmt.Sprintf("quá nhiều %s (%d, tối đa %d)", l.what, l.n, maxRows))
		}
	}
	if n := len(r.Recipients); n > maxRecipients {
		problems = append(problems, fmt.Sprintf("quá nhiều nơi nhận (%d, tối đa %d)", n, maxRecipients))
	}
	if n := len(f.Chart.Bars); n > maxBars {
		problems = append(problems, fmt.Sprintf("biểu đồ có quá nhiều cột (%d, tối đa %d: chọn các phường, xã cần vẽ)", n, maxBars))
	}
	negative := false
	checkTotals := func(t Totals) {
		if t.PeopleSupported < 0 || t.Beneficiaries < 0 || t.AmountPaid < 0 {
			negative = true
		}
	}
	checkTotals(f.Total)
	for _, rows := range [][]Row{f.ByRound, f.ByGroup, f.ByWard} {
		for _, row := range rows {
			texts = append(texts, row.Name)
			checkTotals(row.Totals)
		}
	}
	for _, u := range f.Funds {
		texts = append(texts, u.Name)
		if u.Paid < 0 || (u.Allocated != nil && *u.Allocated < 0) {
			negative = true
		}
	}
	for _, b := range f.Chart.Bars {
		texts = append(texts, b.Label)
		if b.Value < 0 {
			negative = true
		}
	}
	if negative {
		problems = append(problems, "số liệu không được âm")
	}
	paragraphs := append([]string{f.Source}, r.Opening...)
	paragraphs = append(paragraphs, r.Closing...)
	if bad := tooLong(texts, maxLineRunes); bad != "" {
		problems = append(problems, bad)
	} else if bad := tooLong(paragraphs, maxTextRunes); bad != "" {
		problems = append(problems, bad)
	}
	if len(problems) > 0 {
		return errs.E(op, errs.Invalid, errs.Msg("Báo cáo chưa đủ để in: "+strings.Join(problems, "; ")+"."))
	}
	return nil
}

// tooLong says what is wrong with the first of texts that is not UTF-8 or longer than limit runes.
func tooLong(texts []string, limit int) string {
	for _, s := range texts {
		if !utf8.ValidString(s) {
			return "văn bản có ký tự không hợp lệ (không phải UTF-8)"
		}
		if n := utf8.RuneCountInString(s); n > limit {
			return fmt.Sprintf("%q… dài quá %d ký tự", string([]rune(s)[:20]), limit)
		}
	}
	return ""
}
