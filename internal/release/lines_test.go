package release

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"hotro/internal/civil"
	"hotro/internal/report"
)

// testLine is a payment line of a synthetic data set, counted in Go by linesEngine: the audit is
// tried on many random data sets far faster than seeding databases, and on shapes the demo lacks.
type testLine struct {
	program, province, district, ward, group, fund int64
	recipient, members                             int64
	amount                                         int64
	paid                                           *civil.Date
	status                                         string
}

// linesEngine answers stats queries over lines in memory (the dimensions the release reads).
type linesEngine struct{ lines []testLine }

func (e linesEngine) Stats(_ context.Context, q report.Query) (*report.Result, error) {
	type acc struct {
		key                report.Key
		t                  report.Totals
		people, recipients map[int64]bool
	}
	groups := map[string]*acc{}
	var order []string
	total := &acc{people: map[int64]bool{}, recipients: map[int64]bool{}}
	add := func(a *acc, l testLine) {
		a.t.Disbursements++
		switch l.status {
		case "PAID":
			a.t.AmountPaid += l.amount
			a.t.AmountApproved += l.amount
			a.recipients[l.recipient] = true
			for m := range l.members {
				a.people[l.recipient*1000+m] = true
			}
		case "APPROVED":
			a.t.AmountApproved += l.amount
		}
		if l.status != "RETURNED" && l.status != "CANCELLED" {
			a.t.AmountListed += l.amount
		}
	}
	for _, l := range e.lines {
		if len(q.Filter.ProgramIDs) > 0 && !slices.Contains(q.Filter.ProgramIDs, l.program) {
			continue
		}
		var k report.Key
		for _, d := range q.GroupBy {
			switch d {
			case report.Program:
				k.ProgramID = l.program
			case report.Province:
				k.ProvinceID, k.ProvinceCode = l.province, fmt.Sprintf("%02d", l.province)
			case report.District:
				k.DistrictID, k.DistrictCode = l.district, fmt.Sprintf("%03d", l.district)
			case report.Ward:
				k.WardID, k.WardCode = l.ward, fmt.Sprintf("%05d", l.ward)
			case report.Group:
				k.GroupID = l.group
			case report.Fund:
				k.FundID = l.fund
			case report.Month, report.Week:
				if l.paid != nil {
					p := report.PeriodOf(d, *l.paid)
					k.Period = &p
				}
			default:
				return nil, fmt.Errorf("linesEngine: no %s", d)
			}
		}
		id := fmt.Sprintf("%+v", k)
		if k.Period != nil {
			id += k.Period.Label
		}
		a := groups[id]
		if a == nil {
			a = &acc{key: k, people: map[int64]bool{}, recipients: map[int64]bool{}}
			groups[id] = a
			order = append(order, id)
		}
		add(a, l)
		add(total, l)
	}
	finish := func(a *acc) report.Totals {
		a.t.PeopleSupported, a.t.Beneficiaries = int64(len(a.people)), int64(len(a.recipients))
		return a.t
	}
	res := &report.Result{Total: finish(total)}
	for _, id := range order {
		a := groups[id]
		res.Rows = append(res.Rows, report.Row{Key: a.key, Totals: finish(a)})
	}
	return res, nil
}

// randomLines makes a data set with many small cells: a province of a few districts and wards,
// one or two programmes with their groups and funds, instalments in several months, lines not
// paid yet, and wards where almost no one is paid.
func randomLines(seed uint64) []testLine {
	rng := rand.New(rand.NewPCG(seed, 7))
	programs := 1 + rng.IntN(2)
	var lines []testLine
	recipient := int64(0)
	start := civil.New(2020, 4, 20)
	statuses := []string{"PAID", "PAID", "PAID", "PAID", "APPROVED", "LISTED", "RETURNED"}
	for p := range programs {
		program := int64(p + 1)
		groups := 2 + rng.IntN(4)
		for d := range 1 + rng.IntN(2) {
			district := int64(10 + d)
			for w := range 2 + rng.IntN(4) {
				ward := district*100 + int64(w)
				people := 3 + rng.IntN(30)
				if rng.IntN(4) == 0 {
					people = rng.IntN(6) // a ward with almost no one
				}
				for range people {
					recipient++
					g := int64(program*10) + int64(rng.IntN(groups))
					l := testLine{program: program, province: 1, district: district, ward: ward, group: g,
						fund: program*100 + int64(rng.IntN(2)), recipient: recipient, members: 1 + int64(rng.IntN(5)),
						amount: int64(1+rng.IntN(20)) * 250_000, status: statuses[rng.IntN(len(statuses))]}
					if l.status == "PAID" {
						day := start.AddDays(rng.IntN(70))
						l.paid = &day
					}
					lines = append(lines, l)
					if l.status == "PAID" && rng.IntN(3) == 0 { // a second instalment
						second := l
						day := l.paid.AddDays(20 + rng.IntN(30))
						second.paid = &day
						lines = append(lines, second)
					}
				}
			}
		}
	}
	return lines
}
