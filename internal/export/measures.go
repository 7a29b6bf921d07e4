package export

import (
	"fmt"
	"strconv"
	"strings"

	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/report"
)

// shareKind is a fraction (0.9), shown as a percentage in XLSX and as a decimal in CSV.
const shareKind kind = 100

// extraMeasure is a measure of the files after the six of text.measures: the pipeline's returned
// and cancelled amounts, the averages and the shares, and on request the days from listing to
// payment. Its cell is empty when the measure has no value (undefined under the filter, nothing to
// divide by) and in public files, which hold the six only.
type extraMeasure struct {
	measure            report.Measure
	kind               kind
	header, definition map[lang]string
}

var extraMeasures = []extraMeasure{
	{report.MeasureAmountReturned, moneyKind,
		map[lang]string{vi: "Số tiền bị trả lại (đồng)", en: "Amount returned (VND)"},
		map[lang]string{vi: "tổng số tiền của các dòng bị trả lại (RETURNED)", en: "sum of the amounts of RETURNED lines"}},
	{report.MeasureAmountCancelled, moneyKind,
		map[lang]string{vi: "Số tiền đã huỷ (đồng)", en: "Amount cancelled (VND)"},
		map[lang]string{vi: "tổng số tiền của các dòng đã huỷ (CANCELLED)", en: "sum of the amounts of CANCELLED lines"}},
	{report.MeasureAveragePerRecipient, moneyKind,
		map[lang]string{vi: "Bình quân mỗi đối tượng (đồng)", en: "Average per recipient (VND)"},
		map[lang]string{vi: "số tiền đã chi chia cho số đối tượng, làm tròn đến đồng", en: "amount paid over beneficiaries, to the nearest đồng"}},
	{report.MeasureAveragePerPerson, moneyKind,
		map[lang]string{vi: "Bình quân mỗi người (đồng)", en: "Average per person (VND)"},
		map[lang]string{vi: "số tiền đã chi chia cho số người được hỗ trợ, làm tròn đến đồng", en: "amount paid over people supported, to the nearest đồng"}},
	{report.MeasureShareOfTotal, shareKind,
		map[lang]string{vi: "Tỷ trọng trong tổng số đã chi", en: "Share of total paid"},
		map[lang]string{vi: "số tiền đã chi của dòng chia cho của dòng tổng cộng", en: "the row's amount paid over the total row's"}},
	{report.MeasurePaidShareOfListed, shareKind,
		map[lang]string{vi: "Tỷ lệ đã chi trên danh sách", en: "Paid share of listed"},
		map[lang]string{vi: "số tiền đã chi chia cho số tiền trong danh sách", en: "amount paid over amount listed"}},
}

// dayMeasures are the columns of daysListedToPaid=true.
var dayMeasures = []extraMeasure{
	{report.MeasureDaysListedToPaidMedian, countKind,
		map[lang]string{vi: "Số ngày từ lập danh sách đến chi trả: trung vị", en: "Days from listing to payment: median"},
		map[lang]string{vi: "của các dòng đã chi trả; phân vị theo hạng gần nhất", en: "of the PAID lines; nearest-rank percentile"}},
	{report.MeasureDaysListedToPaidP90, countKind,
		map[lang]string{vi: "Số ngày từ lập danh sách đến chi trả: phân vị 90", en: "Days from listing to payment: 90th percentile"},
		map[lang]string{vi: "của các dòng đã chi trả; 90% số dòng được chi trong số ngày này", en: "of the PAID lines; 90 % of them were paid within it"}},
}

// measureSet is the measures a file has after the six.
func measureSet(q report.Query, public bool) []extraMeasure {
	if public {
		return nil
	}
	out := extraMeasures
	if q.Days {
		out = append(out[:len(out):len(out)], dayMeasures...)
	}
	return out
}

// sixMeasures are the measures of text.measures, in their order.
var sixMeasures = [6]report.Measure{report.MeasureAmountPaid, report.MeasurePeopleSupported, report.MeasureBeneficiaries,
	report.MeasureDisbursements, report.MeasureAmountListed, report.MeasureAmountApproved}

// measureCells are a row's measure cells: the six, then the extra ones; nil (empty) for a withheld
// row and for a measure without a value.
func measureCells(t *report.Totals, extra []extraMeasure) []any {
	out := make([]any, 0, len(money)+len(extra))
	if t == nil {
		return append(out, make([]any, len(money)+len(extra))...)
	}
	for i, v := range measureValues(*t) {
		if t.Undefined.Has(sixMeasures[i]) {
			out = append(out, nil)
			continue
		}
		out = append(out, v)
	}
	for _, m := range extra {
		v, ok := t.Value(m.measure)
		switch {
		case !ok:
			out = append(out, nil)
		case m.kind == shareKind:
			out = append(out, v)
		default:
			out = append(out, int64(v))
		}
	}
	return out
}

// lineKeyCells are the cells of the dimensions only the lines answer: the recipient's kind and
// the instalment number.
func (l layout) lineKeyCells(d report.Dimension, r line) []any {
	switch d {
	case report.Kind:
		if r.Kind != nil {
			return []any{string(*r.Kind), kindNames[*r.Kind][l.lang]}
		}
	case report.Instalment:
		if r.Instalment > 0 {
			return []any{int64(r.Instalment), fmt.Sprintf(instalmentName[l.lang], r.Instalment)}
		}
	}
	return []any{nil, l.text.none}
}

var kindNames = map[beneficiary.Kind]map[lang]string{
	beneficiary.Person:    {vi: "Cá nhân", en: "Person"},
	beneficiary.Household: {vi: "Hộ gia đình", en: "Household"},
}

var instalmentName = map[lang]string{vi: "Lần %d", en: "Instalment %d"}

// moreText is what the query sheet says of the arguments added with the line filters, in one
// language.
var moreText = map[lang]struct {
	listed, approved, kinds, instalments, amounts, breaksRule, dateField, having, firstWithin string
	undefined, undefinedNote, yes, paidOn                                                     string
}{
	vi: {"Lập danh sách từ – đến (listedFrom, listedTo)", "Phê duyệt từ – đến (approvedFrom, approvedTo)",
		"Loại đối tượng (kinds)", "Lần chi trả (instalments)", "Số tiền từ – đến (amountFrom, amountTo)",
		"Sai quy định (breaksRule)", "Mốc thời gian theo ngày (dateField)", "Điều kiện trên chỉ tiêu (having)",
		"Số dòng mỗi nhóm (firstWithin, within)", "Chỉ tiêu để trống",
		"bộ lọc chỉ giữ những dòng mà các chỉ tiêu này chỉ lặp lại một chỉ tiêu khác hoặc bằng 0 theo định nghĩa; để xem các dòng được lập danh sách trong một khoảng thời gian, dùng listedFrom/listedTo",
		"có", "PAID_ON (ngày chi trả)"},
	en: {"Listed from – to (listedFrom, listedTo)", "Approved from – to (approvedFrom, approvedTo)",
		"Recipient kinds (kinds)", "Instalments (instalments)", "Amount from – to (amountFrom, amountTo)",
		"Breaking the rule (breaksRule)", "Time buckets by date (dateField)", "Conditions on measures (having)",
		"Rows per group (firstWithin, within)", "Measures left empty",
		"the filter keeps only lines for which these measures would repeat another or be zero by definition; to see the lines listed in a period, use listedFrom/listedTo",
		"yes", "PAID_ON (the paid date)"},
}

// aboutMore are the query sheet's lines for the line filters and the arguments after grouping
// that the query uses, the measures left empty and why, and the definitions of the extra measures.
func aboutMore(lg lang, q report.Query, extra []extraMeasure, total *report.Totals) [][2]string {
	tx := moreText[lg]
	f := q.Filter.LineFilter
	var rows [][2]string
	add := func(field, value string) { rows = append(rows, [2]string{field, value}) }
	dates := func(from, to *civil.Date) string {
		s := func(d *civil.Date) string {
			if d == nil {
				return "…"
			}
			return d.String()
		}
		return s(from) + " – " + s(to)
	}
	if f.ListedFrom != nil || f.ListedTo != nil {
		add(tx.listed, dates(f.ListedFrom, f.ListedTo))
	}
	if f.ApprovedFrom != nil || f.ApprovedTo != nil {
		add(tx.approved, dates(f.ApprovedFrom, f.ApprovedTo))
	}
	if len(f.Kinds) > 0 {
		add(tx.kinds, strings.Join(strs(f.Kinds), ", "))
	}
	if len(f.Instalments) > 0 {
		var ns []string
		for _, n := range f.Instalments {
			ns = append(ns, strconv.Itoa(n))
		}
		add(tx.instalments, strings.Join(ns, ", "))
	}
	if f.AmountFrom != nil || f.AmountTo != nil {
		s := func(v *int64) string {
			if v == nil {
				return "…"
			}
			return strconv.FormatInt(*v, 10)
		}
		add(tx.amounts, s(f.AmountFrom)+" – "+s(f.AmountTo))
	}
	if f.BreaksRule {
		add(tx.breaksRule, tx.yes)
	}
	if q.DateField != "" {
		add(tx.dateField, string(q.DateField))
	}
	for _, c := range q.Having {
		add(tx.having, fmt.Sprintf("%s %s %v", c.Measure, c.Op, c.Value))
	}
	if w := q.FirstWithin; w != nil {
		add(tx.firstWithin, fmt.Sprintf("%d / %s", w.First, strings.Join(strs(w.Dimensions), ", ")))
	}
	if total != nil && total.Undefined != 0 {
		add(tx.undefined, strings.Join(strs(total.Undefined.List()), ", ")+": "+tx.undefinedNote)
	}
	for _, m := range extra {
		add(m.header[lg], m.definition[lg])
	}
	return rows
}
