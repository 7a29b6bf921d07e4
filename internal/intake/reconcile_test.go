package intake_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"hotro/internal/audit"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/intake"
)

// Two people on record in another ward (Phường Hoàng Văn Thụ, 05485): one on the poor-household
// list, one on the list of people with merit, at other amounts.
const (
	idGroupA = "019085001234" // HO_NGHEO, 4 members: 3,000,000
	idGroupB = "019185005678" // NGUOI_CO_CONG: 1,500,000
)

// listOtherWard puts the two people on the lists of ward 05485, as an admin.
func (e *env) listOtherWard() {
	e.t.Helper()
	for _, l := range []struct {
		group string
		file  []byte
	}{
		{"HO_NGHEO", csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", idGroupA, "4"})},
		{"NGUOI_CO_CONG", csvOf([]string{"Họ tên", "CCCD"}, []string{"Trần Thị Bình", idGroupB})},
	} {
		req := request(l.group, l.group+".csv")
		req.Ward = "05485"
		rep, err := e.svc.Import(e.admin(), req, bytes.NewReader(l.file), nil)
		if err != nil || rep.Status != intake.Committed {
			e.t.Fatalf("list of 05485: %+v, %v", rep, err)
		}
	}
}

// TestOtherWardsAreNotAnOracle: a ward officer's dry run over IDs on record in another ward learns
// only that they are listed elsewhere, in the same words whatever the other ward holds (group,
// amount, whether the name matches); an admin is told the details, and finds the officer's rows in
// the reconciliation queue with the line on record.
func TestOtherWardsAreNotAnOracle(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect db.Dialect) {
		e := newEnv(t, dialect, intake.Options{})
		e.listOtherWard()
		// One guess per dry run, as the officer would make them: an ID of group A or of group B, under
		// the name on record or another. Every answer must be the same, in every word.
		guesses := []struct{ name, id string }{
			{"Nguyễn Văn An", idGroupA}, {"Trần Thị Bình", idGroupB}, {"Phạm Thị Dung", idGroupA}, {"Phạm Thị Dung", idGroupB},
		}
		before := e.counts()
		var first string
		for _, g := range guesses {
			file := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{g.name, g.id, "4"})
			rep, err := e.svc.Check(e.officer(), request("HO_NGHEO", "ds.csv"), bytes.NewReader(file), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Issues) != 1 || rep.Issues[0].Code != intake.CodeElsewhere || rep.Issues[0].Column != "CCCD" || rep.Rejected != 1 {
				t.Fatalf("%s %s: %+v, want only %s", g.name, g.id, rep.Issues, intake.CodeElsewhere)
			}
			answer, _ := json.Marshal([]any{rep.Status, rep.Message, rep.Issues, rep.Preview[0].Outcome, rep.Preview[0].Issues})
			if first == "" {
				first = string(answer)
			} else if string(answer) != first {
				t.Errorf("%s %s is answered\n%s\nthe first guess\n%s", g.name, g.id, answer, first)
			}
			for _, leak := range []string{"Hộ nghèo", "người có công", "3.000.000", "1.500.000", "họ tên khác", "Hoàng Văn Thụ", "05485"} {
				if strings.Contains(strings.ToLower(string(answer)), strings.ToLower(leak)) {
					t.Errorf("%s %s: answer %s gives away %q", g.name, g.id, answer, leak)
				}
			}
		}
		after := e.counts()
		if after.Beneficiaries != before.Beneficiaries || after.Disbursements != before.Disbursements || after.AuditEvents != before.AuditEvents {
			t.Errorf("the dry runs wrote to the lists: %+v -> %+v", before, after)
		}
		file := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"},
			[]string{"Nguyễn Văn An", idGroupA, "4"},
			[]string{"Lê Văn Cường", "019185009999", "4"}, // not on record: accepted
			[]string{"Phạm Thị Dung", idGroupB, "4"},
		)
		// The commit of the same rows says the same.
		committed, err := e.svc.Import(e.officer(), request("HO_NGHEO", "ds.csv"), bytes.NewReader(file), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := codesOf(committed); strings.Join(got, " ") != "2:reconcile_elsewhere 4:reconcile_elsewhere" {
			t.Errorf("commit issues: %v", got)
		}

		// An admin's dry run of the same file is told the details.
		adm, err := e.svc.Check(e.admin(), request("HO_NGHEO", "ds.csv"), bytes.NewReader(file), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(codesOf(adm), " "), "2:listed_elsewhere 4:overlap_replaces"; got != want {
			t.Errorf("admin's issues: %s, want %s", got, want)
		}

		// The queue: admins read the officer's three rows with the new row and the line on record.
		ctx := e.admin()
		page, err := e.svc.Reconciliations(ctx, 50, nil)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]*intake.Reconciliation{}
		for _, r := range page.Items {
			if r.Actor != "canbo.quantrieu" || r.WardID != e.ward.ID || r.OtherWardID == nil || *r.OtherWardID == e.ward.ID {
				t.Errorf("entry %+v: want the officer, the list's ward and the other ward", r)
			}
			found[r.CitizenID+" "+r.Code] = r
		}
		// The four guesses make three findings (a name is checked against recipients of the same kind,
		// and B is on a per-person list); the commit's rows are the same findings, kept once.
		if len(page.Items) != 3 {
			t.Fatalf("queue has %d entries, want 3: %+v", len(page.Items), page.Items)
		}
		for key, want := range map[string]struct {
			name, group string
			amount      int64
		}{
			idGroupA + " " + intake.CodeListedElsewhere: {"Nguyễn Văn An", "HO_NGHEO", 3_000_000},
			idGroupB + " " + intake.CodeOverlapReplaces: {"Trần Thị Bình", "NGUOI_CO_CONG", 1_500_000},
			idGroupA + " " + intake.CodeIDOtherPerson:   {"Phạm Thị Dung", "HO_NGHEO", 3_000_000},
		} {
			r := found[key]
			if r == nil {
				t.Errorf("%s not in the queue", key)
				continue
			}
			var newLine struct {
				FullName string `json:"fullName"`
				Amount   int64  `json:"amount"`
				Group    string `json:"group"`
			}
			var existing struct {
				Recipients []struct {
					FullName string `json:"fullName"`
				} `json:"recipients"`
				Lines []struct {
					Group  string `json:"group"`
					Amount int64  `json:"amount"`
				} `json:"lines"`
			}
			if err := json.Unmarshal(r.NewLine, &newLine); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(r.Existing, &existing); err != nil {
				t.Fatal(err)
			}
			if r.Message == "" || newLine.Group != "HO_NGHEO" || newLine.Amount != 3_000_000 || newLine.FullName != want.name ||
				len(existing.Lines) != 1 || existing.Lines[0].Group != want.group || existing.Lines[0].Amount != want.amount ||
				len(existing.Recipients) != 1 {
				t.Errorf("%s: %q new %s existing %s; want %s, the other line %s %d", key, r.Message, r.NewLine, r.Existing,
					want.name, want.group, want.amount)
			}
		}
		if n, err := e.svc.CountReconciliations(ctx); err != nil || n != 3 {
			t.Errorf("count = %d, %v", n, err)
		}
		if _, err := e.svc.Reconciliations(e.officer(), 50, nil); !errs.Is(errs.Permission, err) {
			t.Errorf("an officer reading the queue: %v, want a permission error", err)
		}
	})
}

// TestDailyBound: an officer's dry runs check at most DailyRows rows a day; past it the upload is
// refused in Vietnamese, the next day it is allowed again, and admins are not bound.
func TestDailyBound(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect db.Dialect) {
		e := newEnv(t, dialect, intake.Options{DailyRows: 3, ChunkSize: 1})
		two := func(first string) []byte {
			return csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", first, "4"}, []string{"Trần Thị Bình", "019185005678", "4"})
		}
		if _, err := e.svc.Check(e.officer(), request("HO_NGHEO", "a.csv"), bytes.NewReader(two("019085001234")), nil); err != nil {
			t.Fatalf("first two rows: %v", err)
		}
		_, err := e.svc.Check(e.officer(), request("HO_NGHEO", "b.csv"), bytes.NewReader(two("019085001235")), nil)
		if !errs.Is(errs.TooComplex, err) || !strings.Contains(errs.Message(err), "tối đa 3 dòng") {
			t.Fatalf("rows 3 and 4 of the day: %v (%q), want the daily bound", err, errs.Message(err))
		}
		// The refused file showed nothing, so it cost nothing: one row is left.
		one := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Lê Văn Cường", "019085001236", "4"})
		if _, err := e.svc.Stage(e.officer(), request("HO_NGHEO", "c.csv"), bytes.NewReader(one)); err != nil {
			t.Fatalf("the third row: %v", err)
		}
		if _, err := e.svc.Check(e.officer(), request("HO_NGHEO", "c.csv"), bytes.NewReader(one), nil); !errs.Is(errs.TooComplex, err) {
			t.Fatalf("a fourth row: %v, want the daily bound", err)
		}
		if _, err := e.svc.Check(e.admin(), request("HO_NGHEO", "b.csv"), bytes.NewReader(two("019085001235")), nil); err != nil {
			t.Errorf("an admin: %v", err)
		}
		tomorrow := intake.NewService(e.db, intake.Options{DailyRows: 3, Now: func() time.Time { return testNow.Add(24 * time.Hour) }})
		if _, err := tomorrow.Check(e.officer(), request("HO_NGHEO", "b.csv"), bytes.NewReader(two("019085001235")), nil); err != nil {
			t.Errorf("the next day: %v", err)
		}
	})
}

// TestSuspiciousLookups: an officer whose dry runs name more people on record elsewhere than the
// alarm allows in a day is flagged once in the audit trail, for admins to see.
func TestSuspiciousLookups(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect db.Dialect) {
		e := newEnv(t, dialect, intake.Options{SuspiciousLookups: 2})
		e.listOtherWard()
		flags := func() []*audit.Event {
			t.Helper()
			p, err := audit.NewStore(e.db).List(e.admin(), audit.ListQuery{Filter: audit.Filter{Actions: []string{intake.ActionSuspiciousLookups}}, First: 10})
			if err != nil {
				t.Fatal(err)
			}
			return p.Events
		}
		one := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"Nguyễn Văn An", idGroupA, "4"})
		if _, err := e.svc.Check(e.officer(), request("HO_NGHEO", "a.csv"), bytes.NewReader(one), nil); err != nil {
			t.Fatal(err)
		}
		if got := flags(); len(got) != 0 {
			t.Fatalf("flagged after one lookup: %+v", got)
		}
		both := csvOf([]string{"Họ tên", "CCCD", "Số khẩu"}, []string{"X", idGroupB, "4"}, []string{"Y", "019185009999", "4"})
		for range 2 {
			if _, err := e.svc.Check(e.officer(), request("HO_NGHEO", "b.csv"), bytes.NewReader(both), nil); err != nil {
				t.Fatal(err)
			}
		}
		got := flags()
		if len(got) != 1 || got[0].Actor != "canbo.quantrieu" || got[0].EntityID != "canbo.quantrieu" || got[0].WardID == nil || *got[0].WardID != e.ward.ID {
			t.Fatalf("flags: %+v, want one for the officer", got)
		}
		var after struct {
			ListedElsewhere int `json:"listedElsewhere"`
			RowsChecked     int `json:"rowsChecked"`
		}
		if err := json.Unmarshal(got[0].After, &after); err != nil || after.ListedElsewhere != 2 || after.RowsChecked != 3 {
			t.Errorf("flag says %s (%v)", got[0].After, err)
		}
		// Admins are not flagged.
		e2 := intake.NewService(e.db, intake.Options{SuspiciousLookups: 1, Now: func() time.Time { return testNow }})
		if _, err := e2.Check(e.admin(), request("HO_NGHEO", "b.csv"), bytes.NewReader(both), nil); err != nil {
			t.Fatal(err)
		}
		if got := flags(); len(got) != 1 {
			t.Errorf("%d flags after an admin's check, want 1", len(got))
		}
	})
}

// eachDialect runs fn on a reference database of every dialect under test.
func eachDialect(t *testing.T, fn func(t *testing.T, dialect db.Dialect)) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) { fn(t, dialect) })
	}
}
