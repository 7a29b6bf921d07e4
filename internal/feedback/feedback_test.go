package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/feedback"
	"hotro/internal/program"
	"hotro/internal/seed/seedtest"
)

// fixture is a reference database with a ward whose list is posted, and the service over it.
type fixture struct {
	t      *testing.T
	db     *bun.DB
	svc    *feedback.Service
	now    time.Time
	ward   *adminunit.Unit // 05431
	other  *adminunit.Unit // 05485
	group  *program.Group  // HO_NGHEO
	fundID int64
	next   int
}

func newFixture(t *testing.T, d *bun.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, db: d, now: time.Date(2020, 4, 22, 9, 0, 0, 0, civil.Location)}
	clock := func() time.Time { return f.now }
	f.svc = feedback.NewService(d, feedback.Options{Now: clock, Workflow: disbursement.NewWorkflow(d, nil, clock)})
	on := civil.New(2020, 4, 22)
	var err error
	if f.ward, err = adminunit.NewStore(d).Get(ctx, adminunit.Commune, "05431", &on); err != nil {
		t.Fatal(err)
	}
	if f.other, err = adminunit.NewStore(d).Get(ctx, adminunit.Commune, "05485", &on); err != nil {
		t.Fatal(err)
	}
	groups, err := program.NewStore(d).Groups(ctx, "NQ42-2020")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if g.Code == "HO_NGHEO" {
			f.group = g
		}
	}
	if err := d.NewSelect().Table("funds").Column("id").Where("code = 'NSTW'").Scan(ctx, &f.fundID); err != nil {
		t.Fatal(err)
	}
	return f
}

// line adds a household line in the ward; posted lines were posted on 2020-04-21.
func (f *fixture) line(ward *adminunit.Unit, status disbursement.Status) *disbursement.Disbursement {
	f.t.Helper()
	ctx := context.Background()
	f.next++
	id := fmt.Sprintf("0190850%05d", f.next)
	b := &beneficiary.Beneficiary{Kind: beneficiary.Household, FullName: "Hộ " + id, NameKey: "ho " + id, CitizenID: &id,
		Members: 4, WardID: ward.ID, CreatedAt: f.now}
	if err := beneficiary.AssignPersons(ctx, f.db, []*beneficiary.Beneficiary{b}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.NewInsert().Model(b).Exec(ctx); err != nil {
		f.t.Fatal(err)
	}
	l := &disbursement.Disbursement{ProgramID: f.group.ProgramID, BeneficiaryID: b.ID, GroupID: f.group.ID, FundID: f.fundID,
		WardID: ward.ID, Amount: 3_000_000, PeopleCovered: 4, MonthsCovered: 3, Instalment: 1, Status: status,
		ListedOn: civil.New(2020, 4, 20), CreatedAt: f.now, UpdatedAt: f.now}
	if status != disbursement.Listed {
		p := civil.New(2020, 4, 21)
		l.PostedOn = &p
	}
	if err := disbursement.NewStore(f.db, nil).Insert(ctx, []*disbursement.Disbursement{l}); err != nil {
		f.t.Fatal(err)
	}
	return l
}

// each runs fn on a fresh reference database of every dialect.
func each(t *testing.T, fn func(t *testing.T, f *fixture, d *bun.DB)) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			fn(t, newFixture(t, d), d)
		})
	}
}

func visitor(addr string) context.Context {
	return auth.WithClientAddr(context.Background(), addr)
}

func officer(ward *adminunit.Unit) context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{Username: "canbo." + ward.Code, Role: auth.WardOfficer,
		WardIDs: []int64{ward.ID}, WardCodes: []string{ward.Code}})
}

func as(role auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{Username: string(role), Role: role})
}

func lineReport(ward string, line int64) feedback.Input {
	return feedback.Input{Ward: ward, Kind: feedback.AboutLine, Reason: feedback.NotEligible, LineID: line,
		Body: "Hộ này đã chuyển đi từ năm 2019, không còn ở tổ 5.", ContactPhone: "0912 345 678"}
}

func wantKind(t *testing.T, err error, kind errs.Kind) {
	t.Helper()
	if err == nil || errs.KindOf(err) != kind {
		t.Fatalf("got error %v (%v), want kind %v", err, errs.KindOf(err), kind)
	}
}

func count(t *testing.T, d *bun.DB, table string) int {
	t.Helper()
	n, err := d.NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestSubmitAndFollowAReport(t *testing.T) {
	each(t, func(t *testing.T, f *fixture, d *bun.DB) {
		posted := f.line(f.ward, disbursement.Posted)
		got, err := f.svc.Submit(visitor("203.0.113.7"), lineReport("05431", posted.ID))
		if err != nil {
			t.Fatal(err)
		}
		// Posted on 21/04 + 7 days of posting + 5 days to answer.
		if want := civil.New(2020, 5, 3); got.DueOn != want {
			t.Errorf("due %v, want %v", got.DueOn, want)
		}
		if got.WardName != f.ward.Name || len(got.Code) != 11 {
			t.Errorf("receipt %+v", got)
		}
		for _, typed := range []string{got.Code, strings.ToLower(got.Code), strings.ReplaceAll(got.Code, "-", " ")} {
			st, err := f.svc.Status(context.Background(), typed)
			if err != nil {
				t.Fatalf("status %q: %v", typed, err)
			}
			if st.Status != feedback.Open || st.DueOn != got.DueOn || st.Overdue || st.WardName != f.ward.Name {
				t.Errorf("status %+v", st)
			}
		}
		for _, code := range []string{"", "AAAAA-AAAAA", "<script>", strings.Repeat("9", 10000)} {
			_, err := f.svc.Status(context.Background(), code)
			wantKind(t, err, errs.NotFound)
		}

		// A missing person: the ward's latest posting sets the deadline; received after the posting
		// period, it gets 5 days from the day it arrives.
		f.now = time.Date(2020, 5, 10, 8, 0, 0, 0, civil.Location)
		missing, err := f.svc.Submit(visitor("203.0.113.7"), feedback.Input{Ward: "05431", Kind: feedback.AboutMissing,
			MissingName: "Trần Thị B", MissingGroup: "ho_ngheo", MissingPlace: "Tổ 7", Body: "Hộ bà B nghèo mà không có tên."})
		if err != nil {
			t.Fatal(err)
		}
		if want := civil.New(2020, 5, 15); missing.DueOn != want {
			t.Errorf("missing person due %v, want %v", missing.DueOn, want)
		}
		// Past its deadline and still open: overdue.
		f.now = time.Date(2020, 5, 4, 8, 0, 0, 0, civil.Location)
		if st, _ := f.svc.Status(context.Background(), got.Code); !st.Overdue {
			t.Error("a report open past its deadline is not overdue")
		}
	})
}

func TestSubmitRefusesWhatIsNotOnAPostedList(t *testing.T) {
	each(t, func(t *testing.T, f *fixture, d *bun.DB) {
		listed := f.line(f.ward, disbursement.Listed)
		elsewhere := f.line(f.other, disbursement.Posted)
		ctx := visitor("203.0.113.8")
		for name, in := range map[string]feedback.Input{
			"a line not posted yet":         lineReport("05431", listed.ID),
			"another ward's line":           lineReport("05431", elsewhere.ID),
			"a line that does not exist":    lineReport("05431", 999999),
			"a ward with no posted list":    {Ward: "05431", Kind: feedback.AboutMissing, MissingName: "A", MissingPlace: "Tổ 1", Body: "x"},
			"no kind":                       {Ward: "05485", Body: "x"},
			"a line report without a line":  {Ward: "05485", Kind: feedback.AboutLine, Reason: feedback.Other, Body: "x"},
			"a line report without reason":  {Ward: "05485", Kind: feedback.AboutLine, LineID: elsewhere.ID, Body: "x"},
			"a missing person without name": {Ward: "05485", Kind: feedback.AboutMissing, MissingPlace: "Tổ 1", Body: "x"},
			"an unknown group":              {Ward: "05485", Kind: feedback.AboutMissing, MissingName: "A", MissingPlace: "Tổ 1", MissingGroup: "NOPE", Body: "x"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := f.svc.Submit(ctx, in)
				if err == nil || (errs.KindOf(err) != errs.Invalid && errs.KindOf(err) != errs.NotFound) {
					t.Fatalf("got %v, want a refusal", err)
				}
			})
		}
		if _, err := f.svc.Submit(ctx, feedback.Input{Ward: "99999", Kind: feedback.AboutMissing, MissingName: "A", MissingPlace: "B", Body: "x"}); !errs.Is(errs.NotFound, err) {
			t.Errorf("unknown ward: %v", err)
		}
		if n := count(t, d, "feedback"); n != 0 {
			t.Errorf("%d reports stored from refused input", n)
		}
	})
}

// TestHostileReports: what a script sends to the public form.
func TestHostileReports(t *testing.T) {
	each(t, func(t *testing.T, f *fixture, d *bun.DB) {
		posted := f.line(f.ward, disbursement.Posted)
		ctx := visitor("198.51.100.1")
		t.Run("honeypot", func(t *testing.T) {
			in := lineReport("05431", posted.ID)
			in.Website = "http://spam.example"
			_, err := f.svc.Submit(ctx, in)
			wantKind(t, err, errs.Invalid)
		})
		if n := count(t, d, "feedback"); n != 0 {
			t.Fatalf("%d reports stored from hostile input", n)
		}
		t.Run("script and links are kept as text", func(t *testing.T) {
			in := lineReport("05431", posted.ID)
			in.Body = "<script>alert(1)</script> <img src=x onerror=alert(2)> http://evil.example\u202e\x00"
			r, err := f.svc.Submit(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			reports, err := f.svc.List(officer(f.ward), feedback.ListQuery{})
			if err != nil || len(reports) != 1 {
				t.Fatalf("list: %v %v", reports, err)
			}
			if want := "<script>alert(1)</script> <img src=x onerror=alert(2)> http://evil.example"; reports[0].Body != want || reports[0].Code != r.Code {
				t.Errorf("body %q, want %q (control and direction characters dropped, the rest verbatim)", reports[0].Body, want)
			}
		})
	})
}

func TestOversizedReportsAreRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fixture, d *bun.DB) {
		posted := f.line(f.ward, disbursement.Posted)
		ctx := visitor("198.51.100.2")
		missing := func() feedback.Input {
			return feedback.Input{Ward: "05431", Kind: feedback.AboutMissing, MissingName: "A", MissingPlace: "Tổ 1", Body: "x"}
		}
		cases := map[string]feedback.Input{}
		in := lineReport("05431", posted.ID)
		in.Body = strings.Repeat("ă", feedback.MaxBodyRunes+1)
		cases["body"] = in
		in = lineReport("05431", posted.ID)
		in.ContactPhone = strings.Repeat("0", 200)
		cases["phone"] = in
		in = lineReport("05431", posted.ID)
		in.ContactPhone = "gọi http://x"
		cases["letters for a phone"] = in
		m := missing()
		m.MissingName = strings.Repeat("a", feedback.MaxNameRunes+1)
		cases["name"] = m
		m = missing()
		m.MissingPlace = strings.Repeat("a", feedback.MaxPlaceRunes+1)
		cases["place"] = m
		for name, in := range cases {
			t.Run(name, func(t *testing.T) {
				_, err := f.svc.Submit(ctx, in)
				wantKind(t, err, errs.Invalid)
			})
		}
		in = lineReport("05431", posted.ID)
		in.Body = strings.Repeat("ă", feedback.MaxBodyRunes)
		if _, err := f.svc.Submit(ctx, in); err != nil {
			t.Errorf("a body of exactly %d characters: %v", feedback.MaxBodyRunes, err)
		}
	})
}

// TestFloodingFromOneAddress: one address may send PerHour reports an hour, sent in turn or all at
// once; another address is not held back by it.
func TestFloodingFromOneAddress(t *testing.T) {
	each(t, func(t *testing.T, f *fixture, d *bun.DB) {
		posted := f.line(f.ward, disbursement.Posted)
		var wg sync.WaitGroup
		results := make(chan error, 3*feedback.PerHour)
		for range 3 * feedback.PerHour {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.Submit(visitor("192.0.2.50"), lineReport("05431", posted.ID))
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		accepted, limited := 0, 0
		for err := range results {
			switch {
			case err == nil:
				accepted++
			case errs.Is(errs.TooComplex, err):
				limited++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if accepted != feedback.PerHour || limited != 2*feedback.PerHour {
			t.Errorf("accepted %d and limited %d of %d sent at once, want %d accepted", accepted, limited, 3*feedback.PerHour, feedback.PerHour)
		}
		// The same /64 is the same sender.
		if _, err := f.svc.Submit(visitor("2001:db8:1:2::1"), lineReport("05431", posted.ID)); err != nil {
			t.Fatal(err)
		}
		for i := range feedback.PerHour - 1 {
			if _, err := f.svc.Submit(visitor(fmt.Sprintf("2001:db8:1:2::%x", i+2)), lineReport("05431", posted.ID)); err != nil {
				t.Fatal(err)
			}
		}
		_, err := f.svc.Submit(visitor("2001:db8:1:2:ffff::9"), lineReport("05431", posted.ID))
		wantKind(t, err, errs.TooComplex)
		// Another address goes on; an hour later the first may send again, up to PerDay in a day.
		if _, err := f.svc.Submit(visitor("192.0.2.51"), lineReport("05431", posted.ID)); err != nil {
			t.Errorf("another address: %v", err)
		}
		sent := feedback.PerHour
		for hour := 1; sent < feedback.PerDay; hour++ {
			f.now = f.now.Add(61 * time.Minute)
			for range feedback.PerHour {
				if _, err := f.svc.Submit(visitor("192.0.2.50"), lineReport("05431", posted.ID)); err != nil {
					t.Fatalf("hour %d, report %d: %v", hour, sent+1, err)
				}
				sent++
			}
		}
		f.now = f.now.Add(61 * time.Minute)
		_, err = f.svc.Submit(visitor("192.0.2.50"), lineReport("05431", posted.ID))
		wantKind(t, err, errs.TooComplex)
	})
}
