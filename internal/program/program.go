// Package program holds support packages (programs) and their beneficiary groups, with the rule
// that fixes the amount due to each recipient.
package program

import (
	"github.com/uptrace/bun"

	"hotro/internal/civil"
)

// OverlapRule says what happens when one person qualifies under several groups of a program.
type OverlapRule string

// The overlap rules.
const (
	// HighestOnly pays one benefit only, the highest (Resolution 42's rule).
	HighestOnly OverlapRule = "HIGHEST_ONLY"
	// AllowAll pays every benefit the person qualifies for.
	AllowAll OverlapRule = "ALLOW_ALL"
)

// Program is one support package, e.g. NQ42-2020.
type Program struct {
	bun.BaseModel `bun:"table:programs,alias:p"`

	ID          int64       `bun:"id,pk,autoincrement"`
	Code        string      `bun:"code,notnull"`
	Name        string      `bun:"name,notnull"`
	NameEn      string      `bun:"name_en,notnull"`
	LegalBasis  string      `bun:"legal_basis,notnull"` // one instrument a line
	AppliesFrom civil.Date  `bun:"applies_from,notnull"`
	AppliesTo   *civil.Date `bun:"applies_to"`
	OverlapRule OverlapRule `bun:"overlap_rule,notnull"`
	OverlapNote string      `bun:"overlap_note,notnull"`
}

// SupportUnit is what one amount is paid for.
type SupportUnit string

// The support units.
const (
	PerPerson          SupportUnit = "PERSON"
	PerHousehold       SupportUnit = "HOUSEHOLD"
	PerHouseholdMember SupportUnit = "HOUSEHOLD_MEMBER"
)

// Payment is how a group's support is paid out.
type Payment string

// The payment kinds.
const (
	LumpSum Payment = "LUMP_SUM" // all months at once
	Monthly Payment = "MONTHLY"  // month by month
	OneTime Payment = "ONE_TIME" // a fixed one-time amount
)

// Group is a policy line of a program, e.g. HO_NGHEO: poor households, 250,000 VND per member per
// month for 3 months, paid at once.
type Group struct {
	bun.BaseModel `bun:"table:beneficiary_groups,alias:g"`

	ID        int64  `bun:"id,pk,autoincrement"`
	ProgramID int64  `bun:"program_id,notnull"`
	Code      string `bun:"code,notnull"`
	Name      string `bun:"name,notnull"`
	NameEn    string `bun:"name_en,notnull"`
	// ShortName and ShortNameEn are for where space is short (chart axes, filter chips, phone
	// cards): "LĐ tạm hoãn HĐLĐ" where the name is cut to "Người lao động tạ…". Empty means the
	// name is short enough; ShortLabel falls back to it.
	ShortName     string      `bun:"short_name,notnull"`
	ShortNameEn   string      `bun:"short_name_en,notnull"`
	SupportUnit   SupportUnit `bun:"support_unit,notnull"`
	Payment       Payment     `bun:"payment,notnull"`
	MonthlyAmount *int64      `bun:"monthly_amount"`
	MaxMonths     *int        `bun:"max_months"`
	OneTimeAmount *int64      `bun:"one_time_amount"`
	PeriodFrom    *civil.Date `bun:"period_from"`
	PeriodTo      *civil.Date `bun:"period_to"`
	Confidence    string      `bun:"confidence,notnull"`
	Note          string      `bun:"note,notnull"`
}

// ShortLabel returns the group's short name in Vietnamese (en false) or English, or its full name
// where it has none.
func (g *Group) ShortLabel(en bool) string {
	short, name := g.ShortName, g.Name
	if en {
		short, name = g.ShortNameEn, g.NameEn
	}
	if short != "" {
		return short
	}
	return name
}
