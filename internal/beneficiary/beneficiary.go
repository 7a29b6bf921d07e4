// Package beneficiary holds recipients of support: persons identified by citizen ID, and households
// named by their head with a member count.
package beneficiary

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/errs"
)

// Kind tells a person from a household.
type Kind string

// The kinds of recipient.
const (
	Person    Kind = "PERSON"
	Household Kind = "HOUSEHOLD"
)

// Gender as recorded on the citizen ID.
type Gender string

// The genders the citizen ID encodes.
const (
	Male   Gender = "MALE"
	Female Gender = "FEMALE"
)

// MaxMembers bounds a household's size; larger numbers are typing mistakes.
const MaxMembers = 64

// Beneficiary is one recipient. Personal fields (name, citizen ID, date of birth, address) are shown
// only to roles that need them.
type Beneficiary struct {
	bun.BaseModel `bun:"table:beneficiaries,alias:b"`

	ID          int64       `bun:"id,pk,autoincrement"`
	Kind        Kind        `bun:"kind,notnull"`
	FullName    string      `bun:"full_name,notnull"` // the person, or the head of household
	NameKey     string      `bun:"name_key,notnull"`  // FullName folded, for near-duplicate checks
	CitizenID   *string     `bun:"citizen_id"`
	DateOfBirth *civil.Date `bun:"date_of_birth"`
	Gender      *Gender     `bun:"gender"`
	Members     int         `bun:"members,notnull"`
	PersonBase  int64       `bun:"person_base,notnull"` // first of the Members person IDs of this recipient
	WardID      int64       `bun:"ward_id,notnull"`
	Address     string      `bun:"address,notnull"`
	CreatedAt   time.Time   `bun:"created_at,notnull"`

	// Visibility is how much of the personal fields the reader may see; they are already masked or
	// emptied accordingly.
	Visibility auth.Visibility `bun:"-"`
}

// AllocatePersons reserves n consecutive person IDs and returns the first. Call it in the
// transaction that inserts the recipients; concurrent callers wait for each other.
func AllocatePersons(ctx context.Context, tx bun.IDB, n int64) (int64, error) {
	var next int64
	err := tx.NewRaw("UPDATE id_allocators SET next_value = next_value + ? WHERE name = 'person' RETURNING next_value", n).Scan(ctx, &next)
	if err != nil {
		return 0, errs.E("beneficiary: allocate persons", err)
	}
	return next - n, nil
}

// AssignPersons gives each new recipient its range of person IDs, in order.
func AssignPersons(ctx context.Context, tx bun.IDB, bens []*Beneficiary) error {
	var total int64
	for _, b := range bens {
		total += int64(b.Members)
	}
	if total == 0 {
		return nil
	}
	next, err := AllocatePersons(ctx, tx, total)
	if err != nil {
		return err
	}
	for _, b := range bens {
		b.PersonBase = next
		next += int64(b.Members)
	}
	return nil
}
