// Package beneficiary holds recipients of support: persons identified by citizen ID, and households
// named by their head with a member count.
package beneficiary

import (
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
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
	WardID      int64       `bun:"ward_id,notnull"`
	Address     string      `bun:"address,notnull"`
	CreatedAt   time.Time   `bun:"created_at,notnull"`
}
