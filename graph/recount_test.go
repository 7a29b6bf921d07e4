package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/program"
	"hotro/internal/report"
	"hotro/internal/seed/seedtest"
)

// recountLine is one payment line as the recount reads it, with everything the new filters,
// dimensions and measures look at.
type recountLine struct {
	Ward       string      `bun:"ward"`
	Group      string      `bun:"grp"`
	GroupID    int64       `bun:"group_id"`
	Round      *string     `bun:"round"`
	Status     string      `bun:"status"`
	Amount     int64       `bun:"amount"`
	People     int         `bun:"people_covered"`
	Months     int         `bun:"months_covered"`
	Instalment int         `bun:"instalment"`
	Kind       string      `bun:"kind"`
	Recipient  int64       `bun:"beneficiary_id"`
	ListedOn   civil.Date  `bun:"listed_on"`
	ApprovedOn *civil.Date `bun:"approved_on"`
	PaidOn     *civil.Date `bun:"paid_on"`
}

func loadRecountLines(t *testing.T, d bun.IDB) []recountLine {
	t.Helper()
	var lines []recountLine
	err := d.NewRaw(`SELECT w.code AS ward, g.code AS grp, d.group_id, r.code AS round, d.status, d.amount, d.people_covered,
		d.months_covered, d.instalment, b.kind, d.beneficiary_id, d.listed_on, d.approved_on, d.paid_on
		FROM disbursements AS d
		JOIN admin_units AS w ON w.id = d.ward_id
		JOIN beneficiary_groups AS g ON g.id = d.group_id
		JOIN beneficiaries AS b ON b.id = d.beneficiary_id
		LEFT JOIN payment_round_groups AS rg ON rg.group_id = d.group_id
		LEFT JOIN payment_rounds AS r ON r.id = rg.round_id`).Scan(context.Background(), &lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 10_000 {
		t.Fatalf("%d lines: not the demo data", len(lines))
	}
	return lines
}

// recount is the measures of a set of lines, counted in Go as the README defines them.
type recount struct {
	AmountPaid, AmountListed, AmountApproved, AmountReturned, AmountCancelled int64
	Disbursements, Beneficiaries, PeopleSupported                             int64
	days                                                                      []int
}

func count(lines []recountLine) recount {
	var c recount
	people := map[int64]int{}
	for _, l := range lines {
		c.Disbursements++
		switch l.Status {
		case "PAID":
			c.AmountPaid += l.Amount
			people[l.Recipient] = max(people[l.Recipient], l.People)
			c.days = append(c.days, int(l.PaidOn.Time().Sub(l.ListedOn.Time()).Hours()/24))
		case "RETURNED":
			c.AmountReturned += l.Amount
		case "CANCELLED":
			c.AmountCancelled += l.Amount
		}
		if l.Status != "RETURNED" && l.Status != "CANCELLED" {
			c.AmountListed += l.Amount
		}
		if l.Status == "APPROVED" || l.Status == "PAID" {
			c.AmountApproved += l.Amount
		}
	}
	c.Beneficiaries = int64(len(people))
	for _, n := range people {
		c.PeopleSupported += int64(n)
	}
	return c
}

// nearestRank is the smallest value with at least p of the values at or below it.
func nearestRank(values []int, p float64) int {
	s := slices.Sorted(slices.Values(values))
	return s[max(int(math.Ceil(p*float64(len(s))))-1, 0)]
}

func keep(lines []recountLine, ok func(recountLine) bool) []recountLine {
	var out []recountLine
	for _, l := range lines {
		if ok(l) {
			out = append(out, l)
		}
	}
	return out
}

func by(lines []recountLine, key func(recountLine) string) map[string][]recountLine {
	out := map[string][]recountLine{}
	for _, l := range lines {
		out[key(l)] = append(out[key(l)], l)
	}
	return out
}

func within(d *civil.Date, from, to string) bool {
	return d != nil && d.String() >= from && d.String() <= to
}

// askExample runs an example query of testdata/queries and decodes its data.
func askExample(t *testing.T, url, name string, into any) {
	t.Helper()
	q, err := os.ReadFile("testdata/queries/" + name + ".graphql")
	if err != nil {
		t.Fatal(err)
	}
	r, raw := post(t, url, string(q), nil)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %s", name, raw)
	}
	if err := json.Unmarshal(r.Data, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

type apiTotals struct {
	AmountPaid, Disbursements, Beneficiaries, PeopleSupported     int64
	AmountListed, AmountApproved, AmountReturned, AmountCancelled *int64
	AveragePerRecipient, AveragePerPerson                         *int64
	PaidShareOfListed, ShareOfTotal                               *float64
	UndefinedMeasures                                             []string
	DaysListedToPaid                                              *struct {
		Lines       int64
		Median, P90 *int
	}
}

func val(p *int64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// TestNewQuestionsRecountFromTheLines answers the analysts' questions of the examples (the dates
// that each filter their own date, the pipeline measures, kinds and instalments, rule breaks and
// amounts, the time to payment, having, running totals and the top N of every ward) through the
// API, on both databases, and recounts every figure from the lines in Go.
func TestNewQuestionsRecountFromTheLines(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			srv := newServer(t, d, analyst)
			lines := loadRecountLines(t, d)
			round2 := keep(lines, func(l recountLine) bool { return l.Round != nil && *l.Round == "NQ42_DOT2" })

			t.Run("listed in June keeps every status", func(t *testing.T) {
				var got struct {
					Stats struct {
						Total apiTotals
						Rows  []struct {
							Group  struct{ Code string }
							Totals apiTotals
						}
					}
				}
				askExample(t, srv.URL, "round-2-listed-in-june", &got)
				june := keep(round2, func(l recountLine) bool { return within(&l.ListedOn, "2020-06-01", "2020-06-30") })
				groups := by(june, func(l recountLine) string { return l.Group })
				if len(got.Stats.Rows) != len(groups) || len(groups) == 0 {
					t.Fatalf("%d rows, recount %d groups", len(got.Stats.Rows), len(groups))
				}
				check := func(name string, a apiTotals, want recount) {
					t.Helper()
					if a.AmountPaid != want.AmountPaid || a.Disbursements != want.Disbursements || val(a.AmountListed) != fmt.Sprint(want.AmountListed) ||
						val(a.AmountApproved) != fmt.Sprint(want.AmountApproved) || val(a.AmountReturned) != fmt.Sprint(want.AmountReturned) ||
						val(a.AmountCancelled) != fmt.Sprint(want.AmountCancelled) {
						t.Errorf("%s: got %+v, recount %+v", name, a, want)
					}
					if a.PaidShareOfListed == nil || math.Abs(*a.PaidShareOfListed-float64(want.AmountPaid)/float64(want.AmountListed)) > 1e-12 {
						t.Errorf("%s: paid share %v, recount %d/%d", name, a.PaidShareOfListed, want.AmountPaid, want.AmountListed)
					}
				}
				for _, r := range got.Stats.Rows {
					check(r.Group.Code, r.Totals, count(groups[r.Group.Code]))
				}
				total := count(june)
				check("total", got.Stats.Total, total)
				if total.AmountListed == total.AmountPaid {
					t.Errorf("listed %d = paid: the example shows nothing", total.AmountListed)
				}
			})

			t.Run("paid in June says the pipeline is undefined", func(t *testing.T) {
				var got struct {
					Stats struct {
						Total apiTotals
						Rows  []struct {
							Group  struct{ Code string }
							Totals apiTotals
						}
					}
				}
				askExample(t, srv.URL, "round-2-paid-in-june-pipeline", &got)
				paid := keep(round2, func(l recountLine) bool { return within(l.PaidOn, "2020-06-01", "2020-06-30") })
				groups := by(paid, func(l recountLine) string { return l.Group })
				for _, r := range got.Stats.Rows {
					if want := count(groups[r.Group.Code]); r.Totals.AmountPaid != want.AmountPaid {
						t.Errorf("%s: paid %d, recount %d", r.Group.Code, r.Totals.AmountPaid, want.AmountPaid)
					}
				}
				tot := got.Stats.Total
				if tot.AmountListed != nil || tot.AmountApproved != nil || tot.AmountReturned != nil || tot.AmountCancelled != nil || tot.PaidShareOfListed != nil {
					t.Errorf("pipeline measures under a paid date range: %+v, want null", tot)
				}
				if want := []string{"AMOUNT_LISTED", "AMOUNT_APPROVED", "AMOUNT_RETURNED", "AMOUNT_CANCELLED", "PAID_SHARE_OF_LISTED"}; !slices.Equal(tot.UndefinedMeasures, want) {
					t.Errorf("undefinedMeasures %v, want %v", tot.UndefinedMeasures, want)
				}
				if want := count(paid); tot.AmountPaid != want.AmountPaid || tot.Disbursements != want.Disbursements {
					t.Errorf("total %+v, recount %+v", tot, want)
				}
			})

			t.Run("approved in June", func(t *testing.T) {
				var got struct {
					Stats struct {
						Total apiTotals
						Rows  []struct {
							Round  struct{ Code string }
							Status string
							Totals apiTotals
						}
					}
				}
				askExample(t, srv.URL, "approved-in-june-pipeline", &got)
				approved := keep(lines, func(l recountLine) bool { return within(l.ApprovedOn, "2020-06-01", "2020-06-30") })
				want := count(approved)
				tot := got.Stats.Total
				if tot.Disbursements != want.Disbursements || val(tot.AmountApproved) != fmt.Sprint(want.AmountApproved) ||
					val(tot.AmountReturned) != fmt.Sprint(want.AmountReturned) || tot.AmountListed != nil || tot.AmountPaid != want.AmountPaid {
					t.Errorf("total %+v, recount %+v (amountListed null)", tot, want)
				}
				cells := by(approved, func(l recountLine) string { return *l.Round + "|" + l.Status })
				for _, r := range got.Stats.Rows {
					if w := count(cells[r.Round.Code+"|"+r.Status]); r.Totals.Disbursements != w.Disbursements {
						t.Errorf("%s %s: %d lines, recount %d", r.Round.Code, r.Status, r.Totals.Disbursements, w.Disbursements)
					}
				}
				if len(got.Stats.Rows) != len(cells) {
					t.Errorf("%d rows, recount %d", len(got.Stats.Rows), len(cells))
				}
			})

			t.Run("weekly by listing date with running totals", func(t *testing.T) {
				var got struct {
					Stats struct {
						Rows []struct {
							Period  struct{ Start, Label string }
							Totals  apiTotals
							Running struct {
								AmountPaid    int64
								AmountListed  *int64
								Disbursements int64
							}
						}
					}
				}
				askExample(t, srv.URL, "weekly-by-listing-date", &got)
				weeks := by(lines, func(l recountLine) string { return report.PeriodOf(report.Week, l.ListedOn).Start.String() })
				if len(got.Stats.Rows) != len(weeks) {
					t.Fatalf("%d weeks, recount %d", len(got.Stats.Rows), len(weeks))
				}
				var runPaid, runListed int64
				for _, r := range got.Stats.Rows {
					w := count(weeks[r.Period.Start])
					runPaid += w.AmountPaid
					runListed += w.AmountListed
					if r.Totals.AmountPaid != w.AmountPaid || val(r.Totals.AmountListed) != fmt.Sprint(w.AmountListed) {
						t.Errorf("%s: %+v, recount %+v", r.Period.Label, r.Totals, w)
					}
					if r.Running.AmountPaid != runPaid || val(r.Running.AmountListed) != fmt.Sprint(runListed) {
						t.Errorf("%s: running %+v, recount paid %d listed %d", r.Period.Label, r.Running, runPaid, runListed)
					}
				}
			})

			t.Run("days from listing to payment by round and kind", func(t *testing.T) {
				var got struct {
					Stats struct {
						Total apiTotals
						Rows  []struct {
							Round  struct{ Code string }
							Kind   string
							Totals apiTotals
						}
					}
				}
				askExample(t, srv.URL, "days-listed-to-paid-by-round-and-kind", &got)
				cells := by(lines, func(l recountLine) string { return *l.Round + "|" + l.Kind })
				for _, r := range got.Stats.Rows {
					w := count(cells[r.Round.Code+"|"+r.Kind])
					ds := r.Totals.DaysListedToPaid
					if ds == nil || ds.Lines != int64(len(w.days)) || *ds.Median != nearestRank(w.days, 0.5) || *ds.P90 != nearestRank(w.days, 0.9) {
						t.Errorf("%s %s: %+v, recount %d lines median %d p90 %d", r.Round.Code, r.Kind, ds, len(w.days), nearestRank(w.days, 0.5), nearestRank(w.days, 0.9))
					}
				}
				all := count(lines)
				if ds := got.Stats.Total.DaysListedToPaid; ds == nil || *ds.Median != nearestRank(all.days, 0.5) || *ds.P90 != nearestRank(all.days, 0.9) {
					t.Errorf("total %+v, recount median %d p90 %d", ds, nearestRank(all.days, 0.5), nearestRank(all.days, 0.9))
				}
			})

			t.Run("kinds and instalments", func(t *testing.T) {
				var got struct {
					Stats struct {
						Rows []struct {
							Kind       string
							Instalment int
							Totals     apiTotals
						}
					}
				}
				askExample(t, srv.URL, "households-by-instalment", &got)
				cells := by(lines, func(l recountLine) string { return fmt.Sprintf("%s|%d", l.Kind, l.Instalment) })
				if len(got.Stats.Rows) != len(cells) || len(cells) < 3 {
					t.Fatalf("%d rows, recount %d", len(got.Stats.Rows), len(cells))
				}
				for _, r := range got.Stats.Rows {
					w := count(cells[fmt.Sprintf("%s|%d", r.Kind, r.Instalment)])
					avg := int64(math.Round(float64(w.AmountPaid) / float64(w.Beneficiaries)))
					if r.Totals.AmountPaid != w.AmountPaid || r.Totals.Beneficiaries != w.Beneficiaries || r.Totals.PeopleSupported != w.PeopleSupported ||
						r.Totals.Disbursements != w.Disbursements || val(r.Totals.AveragePerRecipient) != fmt.Sprint(avg) {
						t.Errorf("%s %d: %+v, recount %+v (average %d)", r.Kind, r.Instalment, r.Totals, w, avg)
					}
				}
			})

			t.Run("lines breaking the rule, from an amount", func(t *testing.T) {
				groups, err := program.NewStore(d).Groups(context.Background(), "")
				if err != nil {
					t.Fatal(err)
				}
				byID := map[int64]*program.Group{}
				for _, g := range groups {
					byID[g.ID] = g
				}
				breaking := keep(lines, func(l recountLine) bool {
					due, ok := byID[l.GroupID].AmountDue(l.Months, l.People)
					return ok && due != l.Amount && l.Amount >= 1_000_000
				})
				var got struct {
					Stats struct {
						Total apiTotals
						Rows  []struct {
							Ward   struct{ Code string }
							Totals apiTotals
						}
					}
				}
				askExample(t, srv.URL, "rule-breaks-by-ward", &got)
				wards := by(breaking, func(l recountLine) string { return l.Ward })
				if got.Stats.Total.Disbursements != int64(len(breaking)) || len(got.Stats.Rows) != len(wards) || len(breaking) == 0 {
					t.Errorf("%d lines in %d wards, recount %d in %d", got.Stats.Total.Disbursements, len(got.Stats.Rows), len(breaking), len(wards))
				}
				for _, r := range got.Stats.Rows {
					if w := count(wards[r.Ward.Code]); r.Totals.Disbursements != w.Disbursements || val(r.Totals.AmountListed) != fmt.Sprint(w.AmountListed) {
						t.Errorf("%s: %+v, recount %+v", r.Ward.Code, r.Totals, w)
					}
				}
			})

			t.Run("having keeps the wards below 90 per cent", func(t *testing.T) {
				var got struct {
					Stats struct {
						Rows []struct {
							Ward   struct{ Code string }
							Totals apiTotals
						}
					}
				}
				askExample(t, srv.URL, "wards-paid-share-below-90", &got)
				var want []string
				for code, ls := range by(lines, func(l recountLine) string { return l.Ward }) {
					c := count(ls)
					if c.AmountListed > 0 && float64(c.AmountPaid)/float64(c.AmountListed) < 0.9 && c.PeopleSupported > 300 {
						want = append(want, code)
					}
				}
				var gotCodes []string
				for _, r := range got.Stats.Rows {
					gotCodes = append(gotCodes, r.Ward.Code)
				}
				sort.Strings(want)
				sort.Strings(gotCodes)
				if !slices.Equal(gotCodes, want) || len(want) == 0 {
					t.Errorf("wards %v, recount %v", gotCodes, want)
				}
			})

			t.Run("top 3 groups of every ward", func(t *testing.T) {
				var got struct {
					Stats struct {
						Rows []struct {
							Ward   struct{ Code string }
							Group  struct{ Code string }
							Rank   int
							Totals apiTotals
						}
					}
				}
				q, err := os.ReadFile("testdata/queries/top-3-groups-of-every-ward.graphql")
				if err != nil {
					t.Fatal(err)
				}
				// Without the example's `first: 12`: every ward of the city.
				all := strings.Replace(string(q), "first: 12\n", "", 1)
				if all == string(q) {
					t.Fatal("the example has no `first: 12` line to take out")
				}
				r, raw := post(t, srv.URL, all, nil)
				if len(r.Errors) > 0 {
					t.Fatalf("%s", raw)
				}
				if err := json.Unmarshal(r.Data, &got); err != nil {
					t.Fatal(err)
				}
				perWard := map[string][]string{}
				for _, r := range got.Stats.Rows {
					perWard[r.Ward.Code] = append(perWard[r.Ward.Code], r.Group.Code)
					if r.Rank != len(perWard[r.Ward.Code]) {
						t.Errorf("%s %s: rank %d, place %d", r.Ward.Code, r.Group.Code, r.Rank, len(perWard[r.Ward.Code]))
					}
				}
				for ward, ls := range by(lines, func(l recountLine) string { return l.Ward }) {
					sums := map[string]int64{}
					for _, l := range ls {
						if l.Status == "PAID" {
							sums[l.Group] += l.Amount
						}
					}
					if _, listed := perWard[ward]; !listed {
						continue // a ward of another district
					}
					groupsOf := perWard[ward]
					if len(groupsOf) != min(3, len(by(ls, func(l recountLine) string { return l.Group }))) {
						t.Errorf("%s: %d groups kept", ward, len(groupsOf))
					}
					// No group left out paid more than the last one kept.
					last := sums[groupsOf[len(groupsOf)-1]]
					for g, s := range sums {
						if !slices.Contains(groupsOf, g) && s > last {
							t.Errorf("%s: group %s paid %d, more than %d of the third kept", ward, g, s, last)
						}
					}
				}
				if len(perWard) < 20 {
					t.Errorf("%d wards: want every ward of the city", len(perWard))
				}
			})
		})
	}
}
