package disbursement

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/audit"
	"hotro/internal/civil"
	hotrodb "hotro/internal/db"
	"hotro/internal/errs"
)

// InsertBulk adds new lines like Insert, for imports of many lines: on PostgreSQL it inserts each
// chunk with one statement over arrays, which the server reads far faster than a long VALUES list;
// elsewhere it is Insert. personBases gives the recipients'
// first person IDs for the observer (nil: read them).
func (s *Store) InsertBulk(ctx context.Context, lines []*Disbursement, personBases map[int64]int64) error {
	if s.db.Dialect().Name() != dialect.PG {
		if personBases == nil {
			return s.Insert(ctx, lines)
		}
		return s.insertAndTell(ctx, lines, personBases, func() error { return s.insertRows(ctx, lines) })
	}
	return s.insertAndTell(ctx, lines, personBases, func() error {
		const chunk = 5000
		for i := 0; i < len(lines); i += chunk {
			if err := s.insertPG(ctx, lines[i:min(i+chunk, len(lines))]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) insertRows(ctx context.Context, lines []*Disbursement) error {
	const chunk = 1000
	for i := 0; i < len(lines); i += chunk {
		part := lines[i:min(i+chunk, len(lines))]
		if _, err := s.db.NewInsert().Model(&part).Returning("id").Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// insertAndTell inserts the lines with insert and tells the observer, with the person IDs given or
// read.
func (s *Store) insertAndTell(ctx context.Context, lines []*Disbursement, personBases map[int64]int64, insert func() error) error {
	const op = "disbursement: insert"
	if err := insert(); err != nil {
		return errs.E(op, err)
	}
	if s.observer == nil || len(lines) == 0 {
		return nil
	}
	changes := make([]Change, len(lines))
	if personBases == nil {
		facts, err := s.FactsOf(ctx, lines)
		if err != nil {
			return errs.E(op, err)
		}
		for i, f := range facts {
			changes[i] = Change{After: f}
		}
	} else {
		for i, l := range lines {
			changes[i] = Change{After: l.Facts(personBases[l.BeneficiaryID])}
		}
	}
	if err := s.observer.LinesChanged(ctx, s.db, changes); err != nil {
		return errs.E(op, err)
	}
	return nil
}

func (s *Store) insertPG(ctx context.Context, lines []*Disbursement) error {
	n := len(lines)
	var (
		program, ben, group, fund, ward, amount = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		people, months, instalment              = make([]int64, n), make([]int64, n), make([]int64, n)
		status, listed                          = make([]string, n), make([]string, n)
		posted, appraised, approved, paid       = make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n)
		decision, issuer, channel, receipt      = make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n)
		reason                                  = make([]*string, n)
		batch                                   = make([]*int64, n)
		created, updated                        = make([]time.Time, n), make([]time.Time, n)
	)
	date := func(d *civil.Date) *string {
		if d == nil {
			return nil
		}
		s := d.String()
		return &s
	}
	for i, l := range lines {
		program[i], ben[i], group[i], fund[i], ward[i], amount[i] = l.ProgramID, l.BeneficiaryID, l.GroupID, l.FundID, l.WardID, l.Amount
		people[i], months[i], instalment[i] = int64(l.PeopleCovered), int64(l.MonthsCovered), int64(l.Instalment)
		status[i], listed[i] = string(l.Status), l.ListedOn.String()
		posted[i], appraised[i], approved[i], paid[i] = date(l.PostedOn), date(l.AppraisedOn), date(l.ApprovedOn), date(l.PaidOn)
		decision[i], issuer[i], receipt[i], reason[i], batch[i] = l.DecisionNumber, l.DecisionIssuer, l.ReceiptNumber, l.StatusReason, l.BatchID
		if l.Channel != nil {
			c := string(*l.Channel)
			channel[i] = &c
		}
		created[i], updated[i] = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	}
	keys, err := InsertColumns(ctx, s.db, "disbursements", []Column{
		{"program_id", "bigint", program}, {"beneficiary_id", "bigint", ben},
		{"group_id", "bigint", group}, {"fund_id", "bigint", fund}, {"ward_id", "bigint", ward},
		{"amount", "bigint", amount}, {"people_covered", "integer", people}, {"months_covered", "integer", months},
		{"instalment", "integer", instalment}, {"status", "text", status}, {"listed_on", "date", listed},
		{"posted_on", "date", posted}, {"appraised_on", "date", appraised}, {"approved_on", "date", approved},
		{"decision_number", "text", decision}, {"decision_issuer", "text", issuer}, {"paid_on", "date", paid},
		{"channel", "text", channel}, {"receipt_number", "text", receipt}, {"status_reason", "text", reason},
		{"batch_id", "bigint", batch}, {"created_at", "timestamptz", created}, {"updated_at", "timestamptz", updated},
	}, "id", "beneficiary_id", "group_id", "instalment")
	if err != nil {
		return err
	}
	// A line is one instalment of one group to one recipient (a unique key): that finds its ID.
	type key struct{ ben, group, instalment int64 }
	ids := make(map[key]int64, len(keys))
	for _, k := range keys {
		ids[key{k[1], k[2], k[3]}] = k[0]
	}
	for _, l := range lines {
		l.ID = ids[key{l.BeneficiaryID, l.GroupID, int64(l.Instalment)}]
	}
	return nil
}

// Column is one column of rows inserted by InsertColumns: its name, its PostgreSQL type, and its
// values as a slice (pointer elements for NULLs).
type Column struct {
	Name   string
	Type   string
	Values any
}

// InsertColumns inserts rows given column by column with one statement over arrays (PostgreSQL
// only): INSERT INTO table (...) SELECT * FROM unnest($1::type[], ...). The arrays go as bind
// parameters of a statement whose text does not change with the data, so the server plans it once
// and neither side keeps a copy of each chunk (as it would of a statement with the values written
// in). It returns, for each inserted row in no particular order, the values of the returning
// columns, which must be integers.
func InsertColumns(ctx context.Context, db bun.IDB, table string, cols []Column, returning ...string) ([][]int64, error) {
	const op = "disbursement: insert columns"
	raw, ok := hotrodb.SQLOf(db)
	if !ok {
		return nil, errs.E(op, errs.Internal, fmt.Errorf("no database/sql handle behind %T", db))
	}
	names := make([]string, len(cols))
	params := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		switch c.Type {
		case "date", "jsonb":
			params[i] = fmt.Sprintf("$%d::text[]::%s[]", i+1, c.Type) // given as text
		default:
			params[i] = fmt.Sprintf("$%d::%s[]", i+1, c.Type)
		}
		args[i] = c.Values
	}
	q := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") SELECT * FROM unnest(" + strings.Join(params, ", ") + ")"
	if len(returning) == 0 {
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			return nil, errs.E(op, err)
		}
		return nil, nil
	}
	rows, err := raw.QueryContext(ctx, q+" RETURNING "+strings.Join(returning, ", "), args...)
	if err != nil {
		return nil, errs.E(op, err)
	}
	defer rows.Close()
	var out [][]int64
	for rows.Next() {
		vals := make([]int64, len(returning))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, errs.E(op, err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.E(op, err)
	}
	return out, nil
}

// recordPG inserts audit events over arrays (PostgreSQL only).
func recordPG(ctx context.Context, db bun.IDB, events []*audit.Event) error {
	n := len(events)
	at, actor, action, entity, entityID, reqID := make([]time.Time, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ward := make([]*int64, n)
	before, after := make([]*string, n), make([]*string, n)
	js := func(b []byte) *string {
		if len(b) == 0 {
			return nil
		}
		s := string(b)
		return &s
	}
	now := time.Now()
	for i, e := range events {
		if e.At.IsZero() {
			e.At = now
		}
		at[i], actor[i], action[i], entity[i], entityID[i], reqID[i] = e.At.UTC(), e.Actor, e.Action, e.Entity, e.EntityID, e.RequestID
		ward[i], before[i], after[i] = e.WardID, js(e.Before), js(e.After)
	}
	_, err := InsertColumns(ctx, db, "audit_events", []Column{
		{"at", "timestamptz", at}, {"actor", "text", actor}, {"action", "text", action}, {"entity", "text", entity},
		{"entity_id", "text", entityID}, {"ward_id", "bigint", ward}, {"before", "jsonb", before}, {"after", "jsonb", after},
		{"request_id", "text", reqID},
	})
	return err
}

// GenericPlans lets PostgreSQL reuse generic plans for the rest of the transaction tx. hotro's
// connections plan every statement for its parameters (plan_cache_mode = force_custom_plan, for
// skewed aggregates), which also re-plans the foreign-key checks run for every inserted row and
// makes a bulk write several times slower; a writing transaction of many rows calls this first.
func GenericPlans(ctx context.Context, tx bun.IDB) error {
	if tx.Dialect().Name() != dialect.PG {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL plan_cache_mode = auto"); err != nil {
		return errs.E("disbursement: plans", err)
	}
	return nil
}
