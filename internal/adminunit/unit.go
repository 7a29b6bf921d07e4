// Package adminunit holds Vietnam's administrative units (province, district, ward/commune), keyed by
// official code and validity period, with the units each one became.
package adminunit

import (
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/civil"
	"hotro/internal/vntext"
)

// Level is a tier of government.
type Level string

// The levels. COMMUNE covers wards (phường), communes (xã) and townships (thị trấn).
const (
	Province Level = "PROVINCE"
	District Level = "DISTRICT"
	Commune  Level = "COMMUNE"
)

// Unit is one administrative unit during one validity period. Codes are reused after the 2025
// reorganisation, so a unit is identified by (level, code, valid_from), or by its ID.
type Unit struct {
	bun.BaseModel `bun:"table:admin_units,alias:u"`

	ID        int64       `bun:"id,pk,autoincrement"`
	Level     Level       `bun:"level,notnull"`
	Code      string      `bun:"code,notnull"`
	Kind      string      `bun:"kind,notnull"` // PHUONG, XA, THI_TRAN, QUAN, HUYEN, THI_XA, THANH_PHO, TINH, THANH_PHO_TW
	Name      string      `bun:"name,notnull"`
	NameEn    string      `bun:"name_en,notnull"`
	ParentID  *int64      `bun:"parent_id"`
	ValidFrom civil.Date  `bun:"valid_from,notnull,type:date"`
	ValidTo   *civil.Date `bun:"valid_to,type:date"`

	// Choice is set on a unit asked for by its code (Store.Choose): how it was chosen. Nil on a
	// unit read any other way.
	Choice *Choice `bun:"-"`
}

// ValidOn reports whether the unit existed on d.
func (u *Unit) ValidOn(d civil.Date) bool {
	if d.Before(u.ValidFrom) {
		return false
	}
	return u.ValidTo == nil || !d.After(*u.ValidTo)
}

// kindNames maps the official type names to kind codes and English designations.
var kindNames = map[string]struct{ kind, en string }{
	"Tỉnh":                 {"TINH", "Province"},
	"Thành phố Trung ương": {"THANH_PHO_TW", "City"},
	"Quận":                 {"QUAN", "District"},
	"Huyện":                {"HUYEN", "District"},
	"Thị xã":               {"THI_XA", "Town"},
	"Thành phố":            {"THANH_PHO", "City"},
	"Phường":               {"PHUONG", "Ward"},
	"Xã":                   {"XA", "Commune"},
	"Thị trấn":             {"THI_TRAN", "Township"},
}

// KindOf returns the kind code for an official type name ("Phường" -> "PHUONG"), or "".
func KindOf(typeName string) string { return kindNames[typeName].kind }

// EnglishName writes an official Vietnamese name in English: "Phường Quán Triều" becomes
// "Quan Trieu Ward", "Thành phố Hà Nội" becomes "Ha Noi City".
func EnglishName(name, typeName string) string {
	k, ok := kindNames[typeName]
	if !ok {
		return vntext.Unaccent(name)
	}
	base := strings.TrimSpace(strings.TrimPrefix(name, typeName))
	return vntext.Unaccent(base) + " " + k.en
}

// TypeName returns the official type name for a kind code ("PHUONG" -> "Phường").
func TypeName(kind string) string {
	for name, k := range kindNames {
		if k.kind == kind {
			return name
		}
	}
	return ""
}
