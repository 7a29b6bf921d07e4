package supervision_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/intake"
	"hotro/internal/program"
	"hotro/internal/seed/seedtest"
	"hotro/internal/supervision"
)

// now is the tests' clock: 1 December 2026, 9 o'clock in Asia/Ho_Chi_Minh.
var (
	now   = time.Date(2026, 12, 1, 9, 0, 0, 0, civil.Location)
	today = civil.Of(now)
)

func as(role auth.Role, wardIDs ...int64) context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{UserID: 7, Username: "tct." + string(role), Role: role, WardIDs: wardIDs})
}

var supervisor = as(auth.Supervisor)

func fresh(t *testing.T, fn func(t *testing.T, d *bun.DB, svc *supervision.Service)) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, d, supervision.New(d, supervision.DefaultRules, func() time.Time { return now }))
		})
	}
}

func wardID(t *testing.T, d *bun.DB, code string) int64 {
	t.Helper()
	var id int64
	if err := d.NewRaw("SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = ? ORDER BY id LIMIT 1", code).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func ids(t *testing.T, d *bun.DB, q string, args ...any) []int64 {
	t.Helper()
	var out []int64
	if err := d.NewRaw(q, args...).Scan(context.Background(), &out); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func exec(t *testing.T, d *bun.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.NewRaw(q, args...).Exec(context.Background()); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// find returns the anomalies of the kind in the ward.
func find(b *supervision.Board, kind supervision.Kind, ward int64) []*supervision.Anomaly {
	var out []*supervision.Anomaly
	for _, a := range b.Anomalies {
		if a.Kind == kind && (a.WardID == ward || (a.OtherWardID != nil && *a.OtherWardID == ward)) {
			out = append(out, a)
		}
	}
	return out
}

func hasLines(a *supervision.Anomaly, want ...int64) bool {
	for _, id := range want {
		if !slices.Contains(a.LineIDs, id) {
			return false
		}
	}
	return true
}

// TestBoardFindsWhatWasPlanted plants one case of every anomaly in the demo data and finds each on
// the board, with its ward and its lines; none of them is on the board before.
func TestBoardFindsWhatWasPlanted(t *testing.T) {
	fresh(t, func(t *testing.T, d *bun.DB, svc *supervision.Service) {
		ctx := context.Background()
		qt, ph, dt := wardID(t, d, "05431"), wardID(t, d, "05485"), wardID(t, d, "05443")
		before, err := svc.Board(supervisor, supervision.BoardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range supervision.Kinds {
			if k == supervision.AmountOffRule {
				continue // the demo data has a few; the planted line is looked for by ID below
			}
			for _, w := range []int64{qt, ph, dt} {
				if len(find(before, k, w)) > 0 {
					t.Fatalf("before planting, %s is already found in ward %d: the test cannot tell", k, w)
				}
			}
		}

		paid := ids(t, d, "SELECT d.id FROM disbursements d JOIN beneficiary_groups g ON g.id = d.group_id WHERE d.ward_id = ? AND d.status = 'PAID' AND d.amount = "+program.AmountDueSQL+" ORDER BY d.id", qt)
		// An amount off the rule.
		exec(t, d, "UPDATE disbursements SET amount = amount + 50000 WHERE id = ?", paid[0])
		// The same person in a second ward (a second instalment listed in Phúc Hà), then in a second group.
		var line disbursement.Disbursement
		if err := d.NewSelect().Model(&line).Where("id = ?", paid[1]).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		twin := line
		twin.ID, twin.WardID, twin.Instalment, twin.Status, twin.BatchID = 0, ph, 2, disbursement.Listed, nil
		twin.PostedOn, twin.AppraisedOn, twin.ApprovedOn, twin.PaidOn, twin.Channel, twin.ReceiptNumber, twin.DecisionNumber, twin.DecisionIssuer = nil, nil, nil, nil, nil, nil, nil, nil
		if _, err := d.NewInsert().Model(&twin).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		otherGroup := ids(t, d, "SELECT id FROM beneficiary_groups WHERE program_id = ? AND id <> ? ORDER BY id LIMIT 1", line.ProgramID, line.GroupID)[0]
		second := twin
		second.ID, second.WardID, second.GroupID, second.Instalment = 0, qt, otherGroup, 1
		if _, err := d.NewInsert().Model(&second).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		// A household far larger than its ward's.
		household := ids(t, d, "SELECT b.id FROM beneficiaries b WHERE b.kind = 'HOUSEHOLD' AND b.ward_id = ? AND EXISTS (SELECT 1 FROM disbursements d WHERE d.beneficiary_id = b.id) ORDER BY b.id LIMIT 1", qt)[0]
		exec(t, d, "UPDATE beneficiaries SET members = 40 WHERE id = ?", household)
		householdLines := ids(t, d, "SELECT id FROM disbursements WHERE beneficiary_id = ?", household)
		// Paid 45 days after the decision.
		late := paid[2]
		exec(t, d, "UPDATE disbursements SET paid_on = ? WHERE id = ?", (*line.ApprovedOn).AddDays(45), late)
		// One receipt on three recipients' paid lines.
		exec(t, d, "UPDATE disbursements SET receipt_number = 'PC-TRUNG-01' WHERE id IN (?)", bun.List(paid[3:6]))
		// One address for 80 recipients of Phúc Hà.
		many := ids(t, d, "SELECT b.id FROM beneficiaries b WHERE b.ward_id = ? AND EXISTS (SELECT 1 FROM disbursements d WHERE d.beneficiary_id = b.id AND d.status <> 'CANCELLED') ORDER BY b.id LIMIT 80", ph)
		exec(t, d, "UPDATE beneficiaries SET address = 'Số 7,  ngõ 12, xã Phúc Hà' WHERE id IN (?)", bun.List(many[:40]))
		exec(t, d, "UPDATE beneficiaries SET address = 'so 7, NGO 12, xa phuc ha' WHERE id IN (?)", bun.List(many[40:]))
		// Đồng Bẩm returns half its lines.
		dtLines := ids(t, d, "SELECT id FROM disbursements WHERE ward_id = ? AND status = 'PAID' ORDER BY id", dt)
		returned := dtLines[:len(dtLines)/2]
		exec(t, d, "UPDATE disbursements SET status = 'RETURNED', paid_on = NULL, channel = NULL, receipt_number = NULL WHERE id IN (?)", bun.List(returned))
		// A spot check whose visit found nobody.
		check, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05431", Size: 5, Seed: "plant"})
		if err != nil {
			t.Fatal(err)
		}
		missing := check.Lines[0].DisbursementID
		if _, err := svc.RecordVisit(supervisor, supervision.VisitRequest{CheckID: check.ID, LineID: missing, Result: supervision.NotFound, VisitedOn: today}); err != nil {
			t.Fatal(err)
		}

		start := time.Now()
		b, err := svc.Board(supervisor, supervision.BoardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("board in %v", time.Since(start))
		for _, tt := range []struct {
			name  string
			kind  supervision.Kind
			ward  int64
			lines []int64
		}{
			{"amount off the rule", supervision.AmountOffRule, qt, paid[:1]},
			{"same person in two wards", supervision.SamePersonTwoWards, ph, []int64{paid[1], twin.ID}},
			{"same person twice in the programme", supervision.SamePersonTwiceInProgram, qt, []int64{paid[1], second.ID}},
			{"large household", supervision.LargeHousehold, qt, householdLines},
			{"paid long after approval", supervision.PaidLongAfterApproval, qt, []int64{late}},
			{"shared receipt", supervision.SharedReceipt, qt, paid[3:6]},
			{"shared address, written two ways", supervision.SharedAddress, ph, nil},
			{"returned share outlier", supervision.ReturnedShareOutlier, dt, returned[:5]},
			{"spot check not found", supervision.SpotCheckFailed, qt, []int64{missing}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				found := find(b, tt.kind, tt.ward)
				if len(found) == 0 {
					t.Fatalf("no %s in ward %d", tt.kind, tt.ward)
				}
				ok := false
				for _, a := range found {
					ok = ok || hasLines(a, tt.lines...)
				}
				if !ok {
					t.Errorf("%s: lines %v, want among them %v", tt.kind, found[0].LineIDs, tt.lines)
				}
			})
		}
		if a := find(b, supervision.SharedAddress, ph)[0]; a.Measure != 80 {
			t.Errorf("shared address counts %v recipients, want 80 (both spellings)", a.Measure)
		}
		if a := find(b, supervision.LargeHousehold, qt)[0]; a.Measure != 40 || a.Typical == nil || *a.Typical >= 10 {
			t.Errorf("large household: measure %v typical %v", a.Measure, a.Typical)
		}
		// One ward only: the other wards' anomalies are left out, the ward's counts stay.
		only, err := svc.Board(supervisor, supervision.BoardQuery{Wards: []string{"05443"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range only.Anomalies {
			if a.WardID != dt && (a.OtherWardID == nil || *a.OtherWardID != dt) {
				t.Errorf("board of 05443 shows %s of ward %d", a.Kind, a.WardID)
			}
		}
		if len(only.Wards) != 1 || only.Wards[0].WardID != dt || only.Wards[0].Anomalies == 0 {
			t.Errorf("wards of the one-ward board: %+v", only.Wards)
		}
		// Phúc Hà alone: the person also listed in Quán Triều is found with both wards' lines.
		ph1, err := svc.Board(supervisor, supervision.BoardQuery{Wards: []string{"05485"}})
		if err != nil {
			t.Fatal(err)
		}
		if twins := find(ph1, supervision.SamePersonTwoWards, ph); len(twins) == 0 || !hasLines(twins[0], paid[1], twin.ID) {
			t.Errorf("the board of 05485 alone: two wards %+v", twins)
		}
		// The spot check shows in the ward's row.
		for _, w := range b.Wards {
			if w.WardID == qt && (w.SpotChecks.Drawn != 5 || w.SpotChecks.Visited != 1 || w.SpotChecks.NotFound != 1) {
				t.Errorf("Quán Triều's spot checks: %+v", w.SpotChecks)
			}
		}
	})
}

// TestSampleIsReproducible: the same seed and population give the same sample whatever their order;
// the digest is the documented one.
func TestSampleIsReproducible(t *testing.T) {
	pop := make([]int64, 300)
	for i := range pop {
		pop[i] = int64(1000 + 3*i)
	}
	a := supervision.Sample("tct-2020", pop, 5)
	shuffled := slices.Clone(pop)
	slices.Reverse(shuffled)
	if b := supervision.Sample("tct-2020", shuffled, 5); !slices.Equal(a, b) {
		t.Errorf("reordered population: %v, want %v", b, a)
	}
	if b := supervision.Sample("tct-2021", pop, 5); slices.Equal(a, b) {
		t.Errorf("another seed drew the same sample %v", a)
	}
	if len(a) != 5 || len(slices.Compact(slices.Sorted(slices.Values(a)))) != 5 {
		t.Errorf("sample %v: want 5 distinct lines", a)
	}
	// By hand: the key of each line is SHA-256("seed:ID").
	first, best := int64(0), ""
	for _, id := range pop {
		sum := sha256.Sum256([]byte("tct-2020:" + strconv.FormatInt(id, 10)))
		if k := hex.EncodeToString(sum[:]); best == "" || k < best {
			first, best = id, k
		}
	}
	if a[0] != first {
		t.Errorf("first drawn %d, want %d (smallest key)", a[0], first)
	}
	if got := supervision.Sample("x", []int64{5, 6}, 10); len(got) != 2 {
		t.Errorf("a sample larger than the population: %v", got)
	}
	sum := sha256.Sum256([]byte("1\n2\n3\n"))
	if got := supervision.PopulationDigest([]int64{3, 1, 2}); got != hex.EncodeToString(sum[:]) {
		t.Errorf("digest %s", got)
	}
}

// TestSpotChecks draws samples, draws one again from its seed, records visits (two at once among
// them), and refuses what it must.
func TestSpotChecks(t *testing.T) {
	fresh(t, func(t *testing.T, d *bun.DB, svc *supervision.Service) {
		qt := wardID(t, d, "05431")
		c, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05431", Program: "nq42-2020", Size: 5, Seed: "tct-qt-1"})
		if err != nil {
			t.Fatal(err)
		}
		paid := ids(t, d, "SELECT id FROM disbursements WHERE ward_id = ? AND status = 'PAID' AND program_id = ? ORDER BY id", qt, *c.ProgramID)
		if c.Population != len(paid) || c.PopulationDigest != supervision.PopulationDigest(paid) || c.WardID != qt {
			t.Errorf("check: population %d digest %s ward %d; want %d lines of %d", c.Population, c.PopulationDigest, c.WardID, len(paid), qt)
		}
		var drawn []int64
		for i, l := range c.Lines {
			drawn = append(drawn, l.DisbursementID)
			if l.Position != i+1 || !slices.Contains(paid, l.DisbursementID) {
				t.Errorf("line %d: %+v is not a paid line of the ward in order", i, l)
			}
		}
		if want := supervision.Sample("tct-qt-1", paid, 5); !slices.Equal(drawn, want) {
			t.Errorf("drawn %v, want %v", drawn, want)
		}
		again, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05431", Program: "NQ42-2020", Size: 5, Seed: "tct-qt-1"})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID == c.ID || again.Lines[0].DisbursementID != drawn[0] || again.Lines[4].DisbursementID != drawn[4] {
			t.Errorf("the same seed drew another sample: %+v", again.Lines)
		}
		random, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05431", Size: 5})
		if err != nil || len(random.Seed) != 16 {
			t.Fatalf("a random seed: %+v, %v", random, err)
		}
		samePop, sameSample, err := svc.Redraw(supervisor, c.ID)
		if err != nil || !samePop || !sameSample {
			t.Errorf("redraw: population %v sample %v, %v", samePop, sameSample, err)
		}

		got, err := svc.RecordVisit(supervisor, supervision.VisitRequest{CheckID: c.ID, LineID: drawn[2], Result: supervision.NotFound, VisitedOn: today, Note: "  Không có ai ở địa chỉ này  "})
		if err != nil {
			t.Fatal(err)
		}
		if *got.Result != supervision.NotFound || got.Note != "Không có ai ở địa chỉ này" || *got.RecordedBy != "tct.supervisor" {
			t.Errorf("recorded %+v", got)
		}
		read, err := svc.Check(supervisor, c.ID)
		if err != nil || read.Lines[2].Result == nil || *read.Lines[2].Result != supervision.NotFound || read.Lines[0].Result != nil {
			t.Errorf("read back: %+v, %v", read, err)
		}
		var events int
		if err := d.NewRaw("SELECT COUNT(*) FROM audit_events WHERE action IN ('spotcheck.draw', 'spotcheck.visit')").Scan(context.Background(), &events); err != nil || events != 4 {
			t.Errorf("audit events: %d, %v; want 3 draws and 1 visit", events, err)
		}
		list, err := svc.Checks(supervisor, supervision.ChecksQuery{Wards: []string{"05431"}, First: 2})
		if err != nil || len(list) != 2 || list[0].ID != random.ID {
			t.Errorf("checks: %d, %v", len(list), err)
		}

		for _, tt := range []struct {
			name string
			ctx  context.Context
			draw *supervision.DrawRequest
			rec  *supervision.VisitRequest
			kind errs.Kind
		}{
			{"size 0", supervisor, &supervision.DrawRequest{Ward: "05431", Size: 0}, nil, errs.Invalid},
			{"size 201", supervisor, &supervision.DrawRequest{Ward: "05431", Size: 201}, nil, errs.Invalid},
			{"seed with a quote", supervisor, &supervision.DrawRequest{Ward: "05431", Size: 5, Seed: "x' OR 1=1"}, nil, errs.Invalid},
			{"unknown ward", supervisor, &supervision.DrawRequest{Ward: "99999", Size: 5}, nil, errs.Invalid},
			{"unknown programme", supervisor, &supervision.DrawRequest{Ward: "05431", Program: "NOPE", Size: 5}, nil, errs.NotFound},
			{"leader draws", as(auth.Leader), &supervision.DrawRequest{Ward: "05431", Size: 5}, nil, errs.Permission},
			{"ward officer draws", as(auth.WardOfficer, qt), &supervision.DrawRequest{Ward: "05431", Size: 5}, nil, errs.Permission},
			{"visitor draws", context.Background(), &supervision.DrawRequest{Ward: "05431", Size: 5}, nil, errs.Unauthorized},
			{"line not drawn", supervisor, nil, &supervision.VisitRequest{CheckID: c.ID, LineID: paid[0] + 999999, Result: supervision.Confirmed, VisitedOn: today}, errs.NotFound},
			{"unknown check", supervisor, nil, &supervision.VisitRequest{CheckID: 987654, LineID: drawn[0], Result: supervision.Confirmed, VisitedOn: today}, errs.NotFound},
			{"visit tomorrow", supervisor, nil, &supervision.VisitRequest{CheckID: c.ID, LineID: drawn[0], Result: supervision.Confirmed, VisitedOn: today.AddDays(1)}, errs.Invalid},
			{"no date", supervisor, nil, &supervision.VisitRequest{CheckID: c.ID, LineID: drawn[0], Result: supervision.Confirmed}, errs.Invalid},
			{"unknown result", supervisor, nil, &supervision.VisitRequest{CheckID: c.ID, LineID: drawn[0], Result: "MAYBE", VisitedOn: today}, errs.Invalid},
			{"huge note", supervisor, nil, &supervision.VisitRequest{CheckID: c.ID, LineID: drawn[0], Result: supervision.Confirmed, VisitedOn: today, Note: string(make([]byte, 5000))}, errs.Invalid},
			{"analyst records", as(auth.Analyst), nil, &supervision.VisitRequest{CheckID: c.ID, LineID: drawn[0], Result: supervision.Confirmed, VisitedOn: today}, errs.Permission},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var err error
				if tt.draw != nil {
					_, err = svc.Draw(tt.ctx, *tt.draw)
				} else {
					_, err = svc.RecordVisit(tt.ctx, *tt.rec)
				}
				if !errs.Is(tt.kind, err) {
					t.Errorf("got %v, want kind %v", err, tt.kind)
				}
			})
		}
		narrow := supervision.DefaultRules
		narrow.MaxBoardLines = 1000
		small := supervision.New(d, narrow, func() time.Time { return now })
		if _, err := small.Board(supervisor, supervision.BoardQuery{}); !errs.Is(errs.TooComplex, err) {
			t.Errorf("a board past its bound: %v, want TOO_COMPLEX", err)
		}
		if _, err := small.Board(supervisor, supervision.BoardQuery{Wards: []string{"05431"}}); err != nil {
			t.Errorf("one ward is within the bound: %v", err)
		}
		if _, err := svc.Board(as(auth.Leader), supervision.BoardQuery{}); !errs.Is(errs.Permission, err) {
			t.Errorf("a leader reads the board: %v", err)
		}

		// Two members of the group record the same line at the same moment: both are in the audit
		// trail, each with the state it replaced, and the line holds one of them.
		rc, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05485", Size: 1, Seed: "race"})
		if err != nil {
			t.Fatal(err)
		}
		line := rc.Lines[0].DisbursementID
		results := []supervision.Result{supervision.Confirmed, supervision.WrongPerson}
		var wg sync.WaitGroup
		errc := make(chan error, len(results))
		for _, r := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.RecordVisit(supervisor, supervision.VisitRequest{CheckID: rc.ID, LineID: line, Result: r, VisitedOn: today})
				errc <- err
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := d.NewRaw("SELECT COUNT(*) FROM audit_events WHERE action = 'spotcheck.visit' AND entity_id = ?", strconv.FormatInt(line, 10)).Scan(context.Background(), &n); err != nil || n != 2 {
			t.Errorf("visit events: %d, %v", n, err)
		}
		held, err := svc.Check(supervisor, rc.ID)
		if err != nil || held.Lines[0].Result == nil || !slices.Contains(results, *held.Lines[0].Result) {
			t.Errorf("the line holds %+v, %v", held.Lines[0], err)
		}
	})
}

// TestWorkingGroupImportsApprovesAndPaysNothing: the domain refuses the working group's import,
// appraisal, approval and payment, and nothing moves.
func TestWorkingGroupImportsApprovesAndPaysNothing(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect) // nothing may be written: a write is the failure
			lists := intake.NewService(d, intake.Options{})
			csv := "Họ tên,CCCD,Số khẩu\nNguyễn Văn An,019085001234,3\n"
			req := intake.Request{Program: "NQ42-2020", Group: "HO_NGHEO", Ward: "05431", FileName: "ds.csv"}
			if _, err := lists.Check(supervisor, req, bytes.NewBufferString(csv), nil); !errs.Is(errs.Permission, err) {
				t.Errorf("check an import: %v, want a refusal", err)
			}
			if _, err := lists.Import(supervisor, req, bytes.NewBufferString(csv), nil); !errs.Is(errs.Permission, err) {
				t.Errorf("import: %v, want a refusal", err)
			}
			wf := disbursement.NewWorkflow(d, nil, nil)
			on := civil.New(2020, 5, 20)
			for _, tt := range []struct {
				status string
				action disbursement.Action
			}{
				{"POSTED", disbursement.Action{Step: disbursement.Appraise, On: &on}},
				{"APPRAISED", disbursement.Action{Step: disbursement.Approve, On: &on, DecisionNumber: "1/QĐ-UBND", DecisionIssuer: "UBND"}},
				{"APPROVED", disbursement.Action{Step: disbursement.Pay, On: &on, Channel: disbursement.CashAtWard}},
				{"LISTED", disbursement.Action{Step: disbursement.Cancel, Reason: "thử"}},
			} {
				line := ids(t, d, "SELECT id FROM disbursements WHERE status = ? ORDER BY id LIMIT 1", tt.status)[0]
				if _, err := wf.Apply(supervisor, disbursement.Selection{IDs: []int64{line}}, tt.action); !errs.Is(errs.Permission, err) {
					t.Errorf("%s a %s line: %v, want a refusal", tt.action.Step, tt.status, err)
				}
				var now string
				if err := d.NewRaw("SELECT status FROM disbursements WHERE id = ?", line).Scan(context.Background(), &now); err != nil || now != tt.status {
					t.Errorf("line %d is %s after a refused %s", line, now, tt.action.Step)
				}
			}
		})
	}
}

// TestSpotCheckDrawsAreBounded: a ward is drawn at most DailyDraws times a day, whoever draws it
// and with whatever seed or programme; each draw is numbered within the ward's day with the bound
// and whether its seed was typed; the draw past the bound is refused with a Vietnamese message and
// audited, draws nothing and uses nothing up; another ward, and the next day, start again at 1.
func TestSpotCheckDrawsAreBounded(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			clock := now
			rules := supervision.DefaultRules
			rules.DailyDraws = 3
			svc := supervision.New(d, rules, func() time.Time { return clock })
			admin := as(auth.Admin)
			draws := []struct {
				ctx context.Context
				req supervision.DrawRequest
			}{
				{supervisor, supervision.DrawRequest{Ward: "05431", Size: 5, Seed: "tct-1"}},
				{admin, supervision.DrawRequest{Ward: "05431", Program: "NQ42-2020", Size: 3}},
				{supervisor, supervision.DrawRequest{Ward: "05431", Size: 200, Seed: "tct-3"}},
			}
			for i, dr := range draws {
				c, err := svc.Draw(dr.ctx, dr.req)
				if err != nil {
					t.Fatalf("draw %d: %v", i+1, err)
				}
				if c.DrawNumber == nil || *c.DrawNumber != i+1 || *c.DrawLimit != 3 || *c.SeedGiven != (dr.req.Seed != "") {
					t.Errorf("draw %d: number %v limit %v seed given %v", i+1, c.DrawNumber, c.DrawLimit, c.SeedGiven)
				}
			}
			checksBefore := count(t, d, "SELECT COUNT(*) FROM spot_checks")
			_, err = svc.Draw(supervisor, supervision.DrawRequest{Ward: "05431", Size: 5, Seed: "tct-1"})
			if errs.KindOf(err) != errs.TooComplex || !strings.Contains(errs.Message(err), "đã được rút mẫu kiểm tra 3 lần trong ngày 01/12/2026") ||
				!strings.Contains(errs.Message(err), "giới hạn 3 lần mỗi ngày") {
				t.Fatalf("the fourth draw of the day: %v (%s), want TOO_COMPLEX with the bound", err, errs.Message(err))
			}
			if got := count(t, d, "SELECT COUNT(*) FROM spot_checks"); got != checksBefore {
				t.Errorf("the refused draw left %d checks, want %d", got, checksBefore)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM audit_events WHERE action = 'spotcheck.draw_refused' AND actor = 'tct.supervisor'"); got != 1 {
				t.Errorf("%d refusals audited, want 1", got)
			}
			if got := count(t, d, "SELECT draws FROM spot_check_days"); got != 3 {
				t.Errorf("the ward's day counts %d draws, want 3: a refusal uses nothing up", got)
			}
			// The bound lowered during the day (a restart with another setting): the refusal counts
			// the draws made, under the bound now in force.
			lower := rules
			lower.DailyDraws = 2
			_, err = supervision.New(d, lower, func() time.Time { return clock }).Draw(admin, supervision.DrawRequest{Ward: "05431", Size: 5})
			if errs.KindOf(err) != errs.TooComplex || !strings.Contains(errs.Message(err), "3 lần trong ngày 01/12/2026 (giới hạn 2 lần mỗi ngày)") {
				t.Errorf("under a lower bound: %v", err)
			}
			// Another ward is not affected; the next day starts again.
			other, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05485", Size: 5})
			if err != nil || *other.DrawNumber != 1 {
				t.Fatalf("another ward: %+v, %v", other, err)
			}
			clock = now.Add(24 * time.Hour)
			next, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05431", Size: 5})
			if err != nil || *next.DrawNumber != 1 {
				t.Fatalf("the next day: %+v, %v", next, err)
			}
			// The checks read back with their numbers, newest first.
			list, err := svc.Checks(supervisor, supervision.ChecksQuery{Wards: []string{"05431"}, First: 10})
			if err != nil {
				t.Fatal(err)
			}
			var numbers []int
			for _, c := range list {
				numbers = append(numbers, *c.DrawNumber)
			}
			if !slices.Equal(numbers, []int{1, 3, 2, 1}) {
				t.Errorf("numbers read back %v, want [1 3 2 1]", numbers)
			}
			one, err := svc.Check(supervisor, list[1].ID)
			if err != nil || *one.DrawNumber != 3 || *one.DrawLimit != 3 || !*one.SeedGiven {
				t.Errorf("one check read back: %+v, %v", one, err)
			}
		})
	}
}

// TestConcurrentDrawsNeverPassTheBound: twelve draws of one ward race; exactly the bound of them
// are made, numbered 1 to the bound, and the others are refused with TOO_COMPLEX.
func TestConcurrentDrawsNeverPassTheBound(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			rules := supervision.DefaultRules
			rules.DailyDraws = 4
			svc := supervision.New(d, rules, func() time.Time { return now })
			const racers = 12
			var wg sync.WaitGroup
			start := make(chan struct{})
			results := make([]error, racers)
			numbers := make([]int, racers)
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					c, err := svc.Draw(supervisor, supervision.DrawRequest{Ward: "05431", Size: 2, Seed: "race-" + strconv.Itoa(i)})
					results[i] = err
					if err == nil {
						numbers[i] = *c.DrawNumber
					}
				}()
			}
			close(start)
			wg.Wait()
			var made []int
			refused := 0
			for i, err := range results {
				switch {
				case err == nil:
					made = append(made, numbers[i])
				case errs.KindOf(err) == errs.TooComplex:
					refused++
				default:
					t.Errorf("racer %d: %v", i, err)
				}
			}
			slices.Sort(made)
			if !slices.Equal(made, []int{1, 2, 3, 4}) || refused != racers-4 {
				t.Errorf("made %v and refused %d, want draws 1 to 4 and %d refused", made, refused, racers-4)
			}
			if got := count(t, d, "SELECT COUNT(*) FROM spot_checks"); got != 4 {
				t.Errorf("%d checks stored, want 4", got)
			}
		})
	}
}

func count(t *testing.T, d *bun.DB, q string) int {
	t.Helper()
	var n int
	if err := d.NewRaw(q).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}
