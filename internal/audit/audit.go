// Package audit records who changed what, when, with the state before and after. Events are only
// ever added, in the same transaction as the change they describe.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/errs"
)

// Event is one recorded change.
type Event struct {
	bun.BaseModel `bun:"table:audit_events,alias:e"`

	ID        int64           `bun:"id,pk,autoincrement"`
	At        time.Time       `bun:"at,notnull"`
	Actor     string          `bun:"actor,notnull"`
	Action    string          `bun:"action,notnull"`
	Entity    string          `bun:"entity,notnull"`
	EntityID  string          `bun:"entity_id,notnull"`
	WardID    *int64          `bun:"ward_id"`
	Before    json.RawMessage `bun:"before,type:jsonb"`
	After     json.RawMessage `bun:"after,type:jsonb"`
	RequestID string          `bun:"request_id,notnull"`
}

// Store records and reads audit events.
type Store struct{ db bun.IDB }

// NewStore returns a Store over db; pass the transaction of the change being recorded.
func NewStore(db bun.IDB) *Store { return &Store{db: db} }

// Record adds events. Before and After are marshalled to JSON; nil means none.
func (s *Store) Record(ctx context.Context, events ...*Event) error {
	if len(events) == 0 {
		return nil
	}
	for _, e := range events {
		if e.At.IsZero() {
			e.At = time.Now()
		}
		e.At = e.At.UTC()
	}
	if _, err := s.db.NewInsert().Model(&events).Exec(ctx); err != nil {
		return errs.E("audit: record", err)
	}
	return nil
}

// JSON marshals v for an event's Before or After.
func JSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{"error":"unmarshallable"}`)
	}
	return b
}
