package disbursement_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/program"
	"hotro/internal/seed/seedtest"
)

var testNow = time.Date(2020, 6, 1, 9, 0, 0, 0, civil.Location)

// chain is a reference database with lines to move and the workflow over it.
type chain struct {
	t       *testing.T
	db      *bun.DB
	wf      *disbursement.Workflow
	obs     *recorder
	ward    *adminunit.Unit // 05431
	other   *adminunit.Unit // 05485
	group   *program.Group  // HO_NGHEO
	fundID  int64
	batchID int64
	next    int
}

func newChain(t *testing.T, dialect db.Dialect) *chain {
	t.Helper()
	d := seedtest.Reference(t, dialect)
	ctx := context.Background()
	c := &chain{t: t, db: d, obs: &recorder{}}
	c.wf = disbursement.NewWorkflow(d, c.obs, func() time.Time { return testNow })
	on := civil.Of(testNow)
	var err error
	if c.ward, err = adminunit.NewStore(d).Get(ctx, adminunit.Commune, "05431", &on); err != nil {
		t.Fatal(err)
	}
	if c.other, err = adminunit.NewStore(d).Get(ctx, adminunit.Commune, "05485", &on); err != nil {
		t.Fatal(err)
	}
	groups, err := program.NewStore(d).Groups(ctx, "NQ42-2020")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if g.Code == "HO_NGHEO" {
			c.group = g
		}
	}
	if err := d.NewSelect().Table("funds").Column("id").Where("code = 'NSTW'").Scan(ctx, &c.fundID); err != nil {
		t.Fatal(err)
	}
	b := &disbursement.Batch{ProgramID: c.group.ProgramID, GroupID: c.group.ID, WardID: c.ward.ID, FileName: "ds.xlsx",
		FileSHA256: strings.Repeat("a", 64), CreatedBy: "test", CreatedAt: testNow}
	if _, err := d.NewInsert().Model(b).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	c.batchID = b.ID
	return c
}

// line adds a line of 4 people for 3,000,000 VND in the ward, in the status, with what that
// status needs.
func (c *chain) line(ward *adminunit.Unit, status disbursement.Status) *disbursement.Disbursement {
	c.t.Helper()
	ctx := context.Background()
	c.next++
	id := fmt.Sprintf("0190850%05d", c.next)
	b := &beneficiary.Beneficiary{Kind: beneficiary.Household, FullName: "Hộ " + id, NameKey: "ho " + id, CitizenID: &id,
		Members: 4, WardID: ward.ID, CreatedAt: testNow}
	if err := beneficiary.AssignPersons(ctx, c.db, []*beneficiary.Beneficiary{b}); err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.db.NewInsert().Model(b).Exec(ctx); err != nil {
		c.t.Fatal(err)
	}
	listed := civil.New(2020, 4, 20)
	day := func(d int) *civil.Date { x := civil.New(2020, 4, 20+d); return &x }
	l := &disbursement.Disbursement{ProgramID: c.group.ProgramID, BeneficiaryID: b.ID, GroupID: c.group.ID, FundID: c.fundID,
		WardID: ward.ID, Amount: 3_000_000, PeopleCovered: 4, MonthsCovered: 3, Instalment: 1, Status: status, ListedOn: listed,
		BatchID: &c.batchID, CreatedAt: testNow, UpdatedAt: testNow}
	rank := map[disbursement.Status]int{disbursement.Listed: 0, disbursement.Posted: 1, disbursement.Appraised: 2,
		disbursement.Approved: 3, disbursement.Paid: 4, disbursement.Returned: 2, disbursement.Cancelled: 1}[status]
	if rank >= 1 {
		l.PostedOn = day(1)
	}
	if rank >= 2 {
		l.AppraisedOn = day(2)
	}
	if rank >= 3 {
		n, by := "1/QĐ-UBND", "UBND tỉnh Thái Nguyên"
		l.ApprovedOn, l.DecisionNumber, l.DecisionIssuer = day(3), &n, &by
	}
	if rank >= 4 {
		ch := disbursement.CashAtWard
		l.PaidOn, l.Channel = day(4), &ch
	}
	if err := disbursement.NewStore(c.db, nil).Insert(ctx, []*disbursement.Disbursement{l}); err != nil {
		c.t.Fatal(err)
	}
	return l
}

func (c *chain) status(id int64) disbursement.Status {
	c.t.Helper()
	var st disbursement.Status
	if err := c.db.NewSelect().Table("disbursements").Column("status").Where("id = ?", id).Scan(context.Background(), &st); err != nil {
		c.t.Fatal(err)
	}
	return st
}

func (c *chain) version() string {
	c.t.Helper()
	var v string
	if err := c.db.NewSelect().Table("dataset_info").Column("value").Where("key = 'data_version'").Scan(context.Background(), &v); err != nil {
		c.t.Fatal(err)
	}
	return v
}

func (c *chain) officer(ward *adminunit.Unit) context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{Username: "canbo." + ward.Code, Role: auth.WardOfficer,
		WardIDs: []int64{ward.ID}, WardCodes: []string{ward.Code}})
}

func as(role auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), &auth.Identity{Username: string(role), Role: role})
}

type recorder struct {
	mu      sync.Mutex
	changes []disbursement.Change
}

func (r *recorder) LinesChanged(ctx context.Context, tx bun.IDB, changes []disbursement.Change) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, changes...)
	return nil
}

func (r *recorder) take() []disbursement.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.changes
	r.changes = nil
	return out
}

func date(s string) *civil.Date { d := civil.MustParse(s); return &d }

// TestWorkflowWholeChain moves one line from the list to the money, each step by the role the
// matrix names, and checks what each step records: the line's fields, an audit event with the
// state before and after, the observer's before and after, and a new data version.
func TestWorkflowWholeChain(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			c := newChain(t, dialect)
			l := c.line(c.ward, disbursement.Listed)
			steps := []struct {
				ctx    context.Context
				action disbursement.Action
				want   disbursement.Status
			}{
				{c.officer(c.ward), disbursement.Action{Step: disbursement.Post, On: date("2020-04-22")}, disbursement.Posted},
				{as(auth.Leader), disbursement.Action{Step: disbursement.Appraise, On: date("2020-04-25")}, disbursement.Appraised},
				{as(auth.Leader), disbursement.Action{Step: disbursement.Approve, On: date("2020-04-28"), DecisionNumber: "1234/QĐ-UBND", DecisionIssuer: "UBND tỉnh Thái Nguyên"}, disbursement.Approved},
				{c.officer(c.ward), disbursement.Action{Step: disbursement.Pay, On: date("2020-05-02"), Channel: disbursement.PostOffice, ReceiptNumber: "BĐ-0001"}, disbursement.Paid},
			}
			for _, s := range steps {
				t.Run(string(s.action.Step), func(t *testing.T) {
					v := c.version()
					res, err := c.wf.Apply(s.ctx, disbursement.Selection{IDs: []int64{l.ID}}, s.action)
					if err != nil {
						t.Fatal(err)
					}
					if res.Lines != 1 || res.Amount != 3_000_000 || res.To != s.want || c.status(l.ID) != s.want {
						t.Errorf("result %+v, status %s; want one line moved to %s", res, c.status(l.ID), s.want)
					}
					if c.version() == v {
						t.Error("data version did not change")
					}
					ch := c.obs.take()
					if len(ch) != 1 || ch[0].Before.Status == s.want || ch[0].After.Status != s.want || ch[0].After.Amount != 3_000_000 || ch[0].After.PersonBase != ch[0].Before.PersonBase {
						t.Errorf("observer told %+v", ch)
					}
					var ev audit.Event
					if err := c.db.NewSelect().Model(&ev).Where("action = ?", "disbursement."+strings.ToLower(string(s.action.Step))).Scan(context.Background()); err != nil {
						t.Fatal(err)
					}
					var before, after map[string]any
					_ = json.Unmarshal(ev.Before, &before)
					_ = json.Unmarshal(ev.After, &after)
					if after["status"] != string(s.want) || before["status"] == after["status"] || ev.EntityID != fmt.Sprint(l.ID) || *ev.WardID != c.ward.ID {
						t.Errorf("audit event %+v: before %v after %v", ev, before, after)
					}
				})
			}
			var got disbursement.Disbursement
			if err := c.db.NewSelect().Model(&got).Where("id = ?", l.ID).Scan(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got.PostedOn.String() != "2020-04-22" || got.AppraisedOn.String() != "2020-04-25" || got.ApprovedOn.String() != "2020-04-28" ||
				*got.DecisionNumber != "1234/QĐ-UBND" || *got.DecisionIssuer != "UBND tỉnh Thái Nguyên" ||
				got.PaidOn.String() != "2020-05-02" || *got.Channel != disbursement.PostOffice || *got.ReceiptNumber != "BĐ-0001" {
				t.Errorf("line after the chain: %+v", got)
			}
		})
	}
}

// TestWorkflowMatrix tries every step from every status as every role: it moves exactly when a rule
// allows it; otherwise it is refused, as out of order (naming both statuses) or as not allowed.
func TestWorkflowMatrix(t *testing.T) {
	action := func(step disbursement.Step) disbursement.Action {
		a := disbursement.Action{Step: step, DecisionNumber: "1/QĐ", DecisionIssuer: "UBND tỉnh", Channel: disbursement.Bank, Reason: "không đủ điều kiện"}
		if step.Dated() {
			a.On = date("2020-05-31")
		}
		return a
	}
	roles := []auth.Role{auth.Admin, auth.Leader, auth.Analyst, auth.WardOfficer, auth.Public}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			c := newChain(t, dialect)
			for _, step := range disbursement.Steps {
				for _, from := range disbursement.Statuses {
					for _, role := range roles {
						t.Run(fmt.Sprintf("%s from %s as %s", step, from, role), func(t *testing.T) {
							l := c.line(c.ward, from)
							ctx := as(role)
							if role == auth.WardOfficer {
								ctx = c.officer(c.ward)
							}
							if role == auth.Public {
								ctx = context.Background()
							}
							_, err := c.wf.Apply(ctx, disbursement.Selection{IDs: []int64{l.ID}}, action(step))
							allowed := false
							for _, r := range disbursement.Rules {
								for _, f := range r.From {
									for _, ro := range r.Roles {
										allowed = allowed || r.Step == step && f == from && ro == role
									}
								}
							}
							switch {
							case allowed && err != nil:
								t.Fatalf("refused: %v", err)
							case allowed:
								if got := c.status(l.ID); got != disbursement.StepTo(step) {
									t.Errorf("status %s, want %s", got, disbursement.StepTo(step))
								}
							case err == nil:
								t.Fatalf("allowed, want refused (now %s)", c.status(l.ID))
							default:
								if c.status(l.ID) != from {
									t.Errorf("a refused step changed the line to %s", c.status(l.ID))
								}
								k := errs.KindOf(err)
								if k != errs.Permission && k != errs.Conflict && k != errs.Unauthorized {
									t.Errorf("error %v: kind %v", err, k)
								}
								if k == errs.Conflict && (!strings.Contains(errs.Message(err), from.Label()) || !strings.Contains(errs.Message(err), string(from))) {
									t.Errorf("out-of-order message %q does not name the line's status", errs.Message(err))
								}
							}
						})
					}
				}
			}
		})
	}
}

// TestWorkflowScope: a ward officer acting on another ward's lines, by ID, batch or filter, is
// refused without the ward being named, and nothing moves.
func TestWorkflowScope(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			c := newChain(t, dialect)
			mine := c.line(c.ward, disbursement.Listed)
			theirs := c.line(c.other, disbursement.Listed)
			post := disbursement.Action{Step: disbursement.Post, On: date("2020-05-31")}
			tests := []struct {
				name string
				sel  disbursement.Selection
			}{
				{"another ward's line", disbursement.Selection{IDs: []int64{theirs.ID}}},
				{"a line that does not exist", disbursement.Selection{IDs: []int64{999_999}}},
				{"mine and another ward's", disbursement.Selection{IDs: []int64{mine.ID, theirs.ID}}},
				{"a filter naming another ward", disbursement.Selection{Filter: &disbursement.Filter{Wards: []string{"05485"}}}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := c.wf.Apply(c.officer(c.ward), tt.sel, post)
					if !errs.Is(errs.Permission, err) || strings.Contains(errs.Message(err), "05485") || strings.Contains(errs.Message(err), "Phúc") {
						t.Errorf("error = %v, want refused without naming the ward", err)
					}
					if c.status(mine.ID) != disbursement.Listed || c.status(theirs.ID) != disbursement.Listed {
						t.Error("a refused action moved lines")
					}
				})
			}
			t.Run("a filter without a ward moves only the officer's wards", func(t *testing.T) {
				res, err := c.wf.Apply(c.officer(c.ward), disbursement.Selection{Filter: &disbursement.Filter{Groups: []string{"HO_NGHEO"}}}, post)
				if err != nil {
					t.Fatal(err)
				}
				if res.Lines != 1 || c.status(mine.ID) != disbursement.Posted || c.status(theirs.ID) != disbursement.Listed {
					t.Errorf("moved %d lines; mine %s, theirs %s", res.Lines, c.status(mine.ID), c.status(theirs.ID))
				}
			})
		})
	}
}

// TestWorkflowBatchAndFilter approves a whole list by one decision, by batch and by filter, and
// shows that a selection moves all of its lines or none.
func TestWorkflowBatchAndFilter(t *testing.T) {
	approve := disbursement.Action{Step: disbursement.Approve, On: date("2020-05-31"), DecisionNumber: "99/QĐ-UBND", DecisionIssuer: "UBND tỉnh Thái Nguyên"}
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			c := newChain(t, dialect)
			a, b := c.line(c.ward, disbursement.Appraised), c.line(c.ward, disbursement.Appraised)
			gone := c.line(c.ward, disbursement.Cancelled)
			early := c.line(c.ward, disbursement.Posted)
			t.Run("batch with a line not yet appraised", func(t *testing.T) {
				_, err := c.wf.Apply(as(auth.Leader), disbursement.Selection{BatchID: c.batchID}, approve)
				if !errs.Is(errs.Conflict, err) || !strings.Contains(errs.Message(err), fmt.Sprint(early.ID)) {
					t.Fatalf("error = %v, want the line out of order named", err)
				}
				if c.status(a.ID) != disbursement.Appraised {
					t.Error("part of the batch moved")
				}
			})
			if _, err := c.wf.Apply(as(auth.Leader), disbursement.Selection{IDs: []int64{early.ID}}, disbursement.Action{Step: disbursement.Appraise, On: date("2020-05-30")}); err != nil {
				t.Fatal(err)
			}
			t.Run("batch", func(t *testing.T) {
				res, err := c.wf.Apply(as(auth.Leader), disbursement.Selection{BatchID: c.batchID}, approve)
				if err != nil {
					t.Fatal(err)
				}
				if res.Lines != 3 || res.Amount != 9_000_000 || c.status(a.ID) != disbursement.Approved || c.status(b.ID) != disbursement.Approved || c.status(gone.ID) != disbursement.Cancelled {
					t.Errorf("result %+v", res)
				}
			})
			t.Run("filter", func(t *testing.T) {
				x, y := c.line(c.other, disbursement.Appraised), c.line(c.other, disbursement.Posted)
				res, err := c.wf.Apply(as(auth.Leader), disbursement.Selection{Filter: &disbursement.Filter{Wards: []string{"05485"}, Groups: []string{"HO_NGHEO"}}}, approve)
				if err != nil {
					t.Fatal(err)
				}
				if res.Lines != 1 || c.status(x.ID) != disbursement.Approved || c.status(y.ID) != disbursement.Posted {
					t.Errorf("filter moved %d lines: %s %s", res.Lines, c.status(x.ID), c.status(y.ID))
				}
				if _, err := c.wf.Apply(as(auth.Leader), disbursement.Selection{Filter: &disbursement.Filter{}}, approve); !errs.Is(errs.Invalid, err) {
					t.Errorf("an empty filter: %v, want refused", err)
				}
			})
		})
	}
}

// TestWorkflowActionChecks refuses actions that lack what their step must record.
func TestWorkflowActionChecks(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			c := newChain(t, dialect)
			tests := []struct {
				name   string
				status disbursement.Status
				ctx    context.Context
				action disbursement.Action
			}{
				{"approve without a decision number", disbursement.Appraised, as(auth.Leader), disbursement.Action{Step: disbursement.Approve, DecisionIssuer: "UBND tỉnh"}},
				{"pay without a channel", disbursement.Approved, as(auth.Admin), disbursement.Action{Step: disbursement.Pay}},
				{"cancel without a reason", disbursement.Listed, as(auth.Admin), disbursement.Action{Step: disbursement.Cancel}},
				{"a date in the future", disbursement.Listed, as(auth.Admin), disbursement.Action{Step: disbursement.Post, On: date("2020-06-02")}},
				{"posted before it was listed", disbursement.Listed, as(auth.Admin), disbursement.Action{Step: disbursement.Post, On: date("2020-04-01")}},
				{"post without a date", disbursement.Listed, as(auth.Admin), disbursement.Action{Step: disbursement.Post}},
				{"pay without a date", disbursement.Approved, as(auth.Admin), disbursement.Action{Step: disbursement.Pay, Channel: disbursement.Bank}},
				{"a date before the programme", disbursement.Listed, as(auth.Admin), disbursement.Action{Step: disbursement.Post, On: date("2020-03-31")}},
				{"an unknown step", disbursement.Listed, as(auth.Admin), disbursement.Action{Step: "SKIP"}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					l := c.line(c.ward, tt.status)
					_, err := c.wf.Apply(tt.ctx, disbursement.Selection{IDs: []int64{l.ID}}, tt.action)
					if !errs.Is(errs.Invalid, err) || c.status(l.ID) != tt.status {
						t.Errorf("error = %v, status %s; want invalid and unchanged", err, c.status(l.ID))
					}
				})
			}
		})
	}
}
