package workqueue_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/intake"
	"hotro/internal/seed/seedtest"
	"hotro/internal/workqueue"
)

// now is the clock of the tests: 1 June 2020, Asia/Ho_Chi_Minh.
var now = time.Date(2020, 6, 1, 9, 0, 0, 0, civil.Location)

// statementCounter counts the SQL statements a bun.DB runs.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *statementCounter) AfterQuery(context.Context, *bun.QueryEvent) {}

func as(role auth.Role, wards ...*adminunit.Unit) context.Context {
	id := &auth.Identity{UserID: 9, Username: string(role), Role: role}
	for _, w := range wards {
		id.WardIDs = append(id.WardIDs, w.ID)
		id.WardCodes = append(id.WardCodes, w.Code)
	}
	return auth.WithIdentity(context.Background(), id)
}

// importList imports a poor-household list of n people into the ward, listed on the date.
func importList(t *testing.T, svc *intake.Service, ward string, listed civil.Date, firstID, n int) int64 {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"Họ tên", "CCCD", "Số khẩu"})
	for i := range n {
		_ = w.Write([]string{"Nguyễn Văn An", "01908500" + civilID(firstID+i), "3"})
	}
	w.Flush()
	req := intake.Request{Program: "NQ42-2020", Group: "HO_NGHEO", Ward: ward, FileName: ward + ".csv", ListedOn: &listed}
	rep, err := svc.Import(as(auth.Admin), req, &b, nil)
	if err != nil || rep.Status != intake.Committed {
		t.Fatalf("import into %s: %+v, %v", ward, rep, err)
	}
	return rep.BatchID
}

// civilID is n on four digits.
func civilID(n int) string {
	d := []byte("0000")
	for i := 3; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d)
}

type want struct {
	batch       int64 // 0: no list
	step        disbursement.Step
	status      disbursement.Status
	lines       int
	since       civil.Date
	waitingDays int
}

func check(t *testing.T, name string, got []*workqueue.Item, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("%s: %d items, want %d: %+v", name, len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		var batch int64
		if g.Batch != nil {
			batch = g.Batch.ID
			if g.Batch.WardCode == "" || g.Batch.ListedOn.IsZero() {
				t.Errorf("%s item %d: the list is not described: %+v", name, i, g.Batch)
			}
		}
		if batch != w.batch || g.Step != w.step || g.Status != w.status || g.Lines != w.lines || g.Since != w.since || g.WaitingDays != w.waitingDays {
			t.Errorf("%s item %d: got list %d %s %s %d lines since %s (%d days); want list %d %s %s %d lines since %s (%d days)",
				name, i, batch, g.Step, g.Status, g.Lines, g.Since, g.WaitingDays, w.batch, w.step, w.status, w.lines, w.since, w.waitingDays)
		}
	}
}

// TestQueue follows two lists of two wards along the chain and asks each role what waits for it:
// the officer sees their ward's list to post, then their returned line; the leader the posted list
// to appraise; the admin everything, oldest first; lines without a list wait by ward and group.
func TestQueue(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			ctx := context.Background()
			on := civil.Of(now)
			quanTrieu, err := adminunit.NewStore(d).Get(ctx, adminunit.Commune, "05431", &on)
			if err != nil {
				t.Fatal(err)
			}
			svc := intake.NewService(d, intake.Options{Now: func() time.Time { return now }})
			counter := &statementCounter{}
			counted := bun.NewDB(d.DB, d.Dialect()).WithQueryHook(counter)
			queue := workqueue.New(counted, intake.NewService(counted, intake.Options{}), func() time.Time { return now })
			wf := disbursement.NewWorkflow(d, nil, func() time.Time { return now })

			a := importList(t, svc, "05431", civil.New(2020, 4, 20), 1, 3)
			b := importList(t, svc, "05485", civil.New(2020, 4, 25), 10, 2)
			officer := as(auth.WardOfficer, quanTrieu)

			got, err := queue.Of(officer, workqueue.Query{First: 100})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "officer", got.Items, []want{{a, disbursement.Post, disbursement.Listed, 3, civil.New(2020, 4, 20), 42}})
			if got.TotalCount != 1 || got.Lines != 3 || len(got.Returned) != 0 {
				t.Errorf("officer: %d items, %d lines, %d returned; want 1, 3, 0", got.TotalCount, got.Lines, len(got.Returned))
			}
			counter.n.Store(0)
			got, err = queue.Of(as(auth.Admin), workqueue.Query{First: 100})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "admin", got.Items, []want{
				{a, disbursement.Post, disbursement.Listed, 3, civil.New(2020, 4, 20), 42},
				{b, disbursement.Post, disbursement.Listed, 2, civil.New(2020, 4, 25), 37},
			})
			if n := counter.n.Load(); n > 4 {
				t.Errorf("the queue of two lists took %d statements, want at most 4 (one grouped read, the lists' summaries)", n)
			}
			if got, err := queue.Of(as(auth.Leader), workqueue.Query{First: 100}); err != nil || got.TotalCount != 0 || len(got.Items) != 0 {
				t.Errorf("leader before posting: %+v, %v; want nothing", got, err)
			}

			// Posted on 22 April: the leader appraises it; one line is returned to the officer.
			posted := civil.New(2020, 4, 22)
			if _, err := wf.Apply(as(auth.Admin), disbursement.Selection{BatchID: a}, disbursement.Action{Step: disbursement.Post, On: &posted}); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			if err := d.NewSelect().Table("disbursements").Column("id").Where("batch_id = ?", a).Order("id").Scan(ctx, &ids); err != nil {
				t.Fatal(err)
			}
			if _, err := wf.Apply(as(auth.Admin), disbursement.Selection{IDs: ids[:1]}, disbursement.Action{Step: disbursement.Return, Reason: "Không đúng đối tượng"}); err != nil {
				t.Fatal(err)
			}
			got, err = queue.Of(as(auth.Leader), workqueue.Query{First: 100})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "leader", got.Items, []want{{a, disbursement.Appraise, disbursement.Posted, 2, posted, 40}})
			if len(got.Returned) != 0 {
				t.Errorf("leader: %d returned items, want none (leaders do not return lines)", len(got.Returned))
			}
			got, err = queue.Of(officer, workqueue.Query{First: 100})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "officer after posting", got.Items, nil)
			check(t, "officer's returned", got.Returned, []want{{a, "", disbursement.Returned, 1, on, 0}})

			// Lines without a list wait by ward and group.
			if _, err := d.NewUpdate().Table("disbursements").Set("batch_id = NULL").Where("batch_id = ?", b).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			got, err = queue.Of(as(auth.Admin), workqueue.Query{Wards: []string{"05485"}, First: 100})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "admin, one ward, no list", got.Items, []want{{0, disbursement.Post, disbursement.Listed, 2, civil.New(2020, 4, 25), 37}})

			// first bounds the items, not the count.
			got, err = queue.Of(as(auth.Admin), workqueue.Query{First: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != 1 || got.TotalCount != 2 {
				t.Errorf("admin, first 1: %d items of %d; want 1 of 2", len(got.Items), got.TotalCount)
			}

			for _, c := range []struct {
				name string
				ctx  context.Context
				q    workqueue.Query
				kind errs.Kind
			}{
				{"visitor", context.Background(), workqueue.Query{First: 10}, errs.Unauthorized},
				{"officer, another ward", officer, workqueue.Query{Wards: []string{"05485"}, First: 10}, errs.Permission},
			} {
				if _, err := queue.Of(c.ctx, c.q); errs.KindOf(err) != c.kind {
					t.Errorf("%s: got %v, want %s", c.name, err, c.kind)
				}
			}
			if got, err := queue.Of(as(auth.Analyst), workqueue.Query{First: 10}); err != nil || got.TotalCount != 0 || len(got.Items)+len(got.Returned) != 0 {
				t.Errorf("analyst: %+v, %v; want an empty queue", got, err)
			}
		})
	}
}
