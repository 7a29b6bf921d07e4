package snapshot

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
	"hotro/internal/officialdoc"
	"hotro/internal/report"
	"hotro/internal/vntext"
)

// ReportInput is what the signed report says besides the figures: who issues and signs it.
// Number and Date default to those in the snapshot's document ("Báo cáo số 123/BC-UBND ngày
// 20/05/2020"), the date to the day the snapshot was made.
type ReportInput struct {
	ParentBody  string
	IssuingBody string
	Number      string
	Place       string
	Date        time.Time
	Subject     string
	Opening     []string
	Recipients  []string
	Signer      officialdoc.Signer
}

var (
	numberIn = regexp.MustCompile(`(?i)số\s+([0-9][^\s,]*)`)
	dateIn   = regexp.MustCompile(`(\d{1,2})/(\d{1,2})/(\d{4})`)
)

// Report is the report a leader signs, with every figure from the snapshot: the totals, the
// figures by round, group and ward, the amount paid from each fund (with the fund's allocation of
// the snapshot, as it stood then) and a chart of the amount paid by ward (the largest 40). Leaders and admins
// only, as they make the snapshots.
func (s *Service) Report(ctx context.Context, snap *Snapshot, in ReportInput) (officialdoc.Report, error) {
	const op = "snapshot: report"
	if err := canMake(auth.FromContext(ctx), op); err != nil {
		return officialdoc.Report{}, err
	}
	if !snap.Official() {
		return officialdoc.Report{}, errs.E(op, errs.Conflict, errs.Msgf("Bản số liệu %q đã được rút; không lập báo cáo từ nó.", snap.Name))
	}
	f, err := s.Figures(ctx, snap)
	if err != nil {
		return officialdoc.Report{}, err
	}
	ref, err := s.reference.Get(ctx)
	if err != nil {
		return officialdoc.Report{}, err
	}
	if in.Number == "" {
		if m := numberIn.FindStringSubmatch(snap.Document); m != nil {
			in.Number = m[1]
		}
	}
	if in.Date.IsZero() {
		in.Date = snap.CreatedAt
		if m := dateIn.FindStringSubmatch(snap.Document); m != nil {
			if d, err := civil.Parse(fmt.Sprintf("%s-%02s-%02s", m[3], m[2], m[1])); err == nil {
				in.Date = d.Time()
			}
		}
	}
	if in.Subject == "" {
		in.Subject = "Kết quả chi trả hỗ trợ theo " + snap.Name
	}
	if len(in.Recipients) == 0 {
		in.Recipients = []string{"Như trên", "Lưu: VT"}
	}
	totals := func(t report.Totals) officialdoc.Totals {
		return officialdoc.Totals{PeopleSupported: t.PeopleSupported, Beneficiaries: t.Beneficiaries, AmountPaid: t.AmountPaid}
	}
	figs := officialdoc.Figures{
		Total: totals(f.Total()),
		Source: fmt.Sprintf("Số liệu chính thức “%s” (%s), chốt lúc %s, phiên bản dữ liệu %s.", snap.Name, snap.Document,
			snap.CreatedAt.In(civil.Location).Format("15:04 ngày 02/01/2006"), vntext.Number(snap.DataVersion)),
	}
	rounds := slices.Clone(f.cells[tableKey{0, string(report.Round)}])
	seq := func(id int64) [2]int64 {
		if r := ref.Round(id); r != nil {
			return [2]int64{r.ProgramID, int64(r.Seq)}
		}
		return [2]int64{1 << 62, 0} // the groups in no round last
	}
	slices.SortFunc(rounds, func(a, b *Cell) int {
		x, y := seq(a.Key.RoundID), seq(b.Key.RoundID)
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	for _, c := range rounds {
		name := "Nhóm không thuộc đợt nào"
		if r := ref.Round(c.Key.RoundID); r != nil {
			name = r.Name
		}
		figs.ByRound = append(figs.ByRound, officialdoc.Row{Name: name, Totals: totals(c.Totals)})
	}
	groups := slices.Clone(f.cells[tableKey{0, string(report.Group)}])
	slices.SortFunc(groups, func(a, b *Cell) int { return cmp.Compare(a.Key.GroupID, b.Key.GroupID) })
	for _, c := range groups {
		name := fmt.Sprint(c.Key.GroupID)
		if g := ref.Group(c.Key.GroupID); g != nil {
			name = g.Name
		}
		figs.ByGroup = append(figs.ByGroup, officialdoc.Row{Name: name, Totals: totals(c.Totals)})
	}
	wards := slices.Clone(f.cells[tableKey{0, "PROVINCE,DISTRICT,WARD"}])
	slices.SortFunc(wards, func(a, b *Cell) int { return strings.Compare(a.Key.WardCode, b.Key.WardCode) })
	var bars []officialdoc.Bar
	for _, c := range wards {
		name := c.Key.WardCode
		if u := ref.Unit(c.Key.WardID); u != nil {
			name = u.Name
		}
		figs.ByWard = append(figs.ByWard, officialdoc.Row{Name: name, Totals: totals(c.Totals)})
		bars = append(bars, officialdoc.Bar{Label: name, Value: c.Totals.AmountPaid})
	}
	if len(bars) > 40 {
		slices.SortStableFunc(bars, func(a, b officialdoc.Bar) int { return cmp.Compare(b.Value, a.Value) })
		bars = bars[:40]
	}
	figs.Chart = officialdoc.Chart{Title: "Số tiền đã chi theo phường, xã", Bars: bars}
	funds := slices.Clone(f.cells[tableKey{0, string(report.Fund)}])
	slices.SortFunc(funds, func(a, b *Cell) int { return cmp.Compare(a.Key.FundID, b.Key.FundID) })
	for _, c := range funds {
		use := officialdoc.FundUse{Name: fmt.Sprint(c.Key.FundID), Paid: c.Totals.AmountPaid}
		if x := ref.Fund(c.Key.FundID); x != nil {
			use.Name = x.Name
		}
		if allocated, ok := f.Allocated(c.Key.FundID); ok && allocated > 0 {
			use.Allocated = &allocated
		}
		figs.Funds = append(figs.Funds, use)
	}
	out := officialdoc.Report{ParentBody: in.ParentBody, IssuingBody: in.IssuingBody, Number: in.Number, Place: in.Place, Date: in.Date,
		Subject: in.Subject, Opening: in.Opening, Figures: figs, Recipients: in.Recipients, Signer: in.Signer}
	if err := out.Validate(); err != nil {
		return officialdoc.Report{}, err
	}
	return out, nil
}

// DefaultReportInput fills what a report needs and was not given from the organisation (the
// HOTRO_ORGANISATION setting, "UBND thành phố Thái Nguyên"): the issuing body in capitals
// ("ỦY BAN NHÂN DÂN" on its own line for a UBND), the place (the words after the kind of unit),
// and the signer's authority and position of a people's committee's chair.
func DefaultReportInput(organisation string, in ReportInput) ReportInput {
	org := strings.TrimSpace(organisation)
	if in.IssuingBody == "" {
		body := org
		if rest, ok := strings.CutPrefix(body, "UBND "); ok {
			body = "Ủy ban nhân dân\n" + rest
		}
		in.IssuingBody = strings.ToUpper(body)
	}
	if in.Place == "" {
		place := org
		for _, kind := range []string{"thành phố ", "tỉnh ", "quận ", "huyện ", "thị xã ", "phường ", "xã "} {
			if i := strings.Index(strings.ToLower(place), kind); i >= 0 {
				place = place[i+len(kind):]
				break
			}
		}
		in.Place = place
	}
	if in.Signer.Authority == "" {
		in.Signer.Authority = "TM. ỦY BAN NHÂN DÂN"
	}
	if in.Signer.Position == "" {
		in.Signer.Position = "CHỦ TỊCH"
	}
	return in
}
