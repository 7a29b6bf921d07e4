package adminunit

import (
	"context"
	"database/sql"
	"errors"

	"hotro/internal/civil"
	"hotro/internal/errs"
)

// Earliest returns the first day any commune is valid from: a date before it names no unit at all.
func (s *Store) Earliest(ctx context.Context) (civil.Date, error) {
	var d civil.Date
	err := s.db.NewRaw("SELECT MIN(valid_from) FROM admin_units WHERE level = ?", string(Commune)).Scan(ctx, &d)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && d.IsZero()) {
		return civil.Date{}, errs.E("adminunit: earliest", errs.Internal, errs.Msg("Chưa có đơn vị hành chính nào: hãy chạy hotro seed."))
	}
	if err != nil {
		return civil.Date{}, errs.E("adminunit: earliest", err)
	}
	return d, nil
}

// CheckAsOf refuses a date on which no unit is valid: units are valid from earliest on (the last
// period has no end), so a date before it is a mistake (1990 for 2020), not a question with an empty
// answer. what names the argument ("unitsAsOf", "asOf").
func CheckAsOf(what string, d civil.Date, earliest civil.Date) error {
	if d.Before(earliest) {
		return errs.E("adminunit: check date", errs.Invalid, errs.Msgf(
			"%s: ngày %s nằm ngoài thời gian hiệu lực của mọi đơn vị hành chính (các đơn vị có hiệu lực từ %s).",
			what, d, earliest))
	}
	return nil
}

// checkFilter refuses a filter whose AsOf is before every unit.
func (s *Store) checkFilter(ctx context.Context, f Filter) error {
	if f.AsOf == nil {
		return nil
	}
	earliest, err := s.Earliest(ctx)
	if err != nil {
		return err
	}
	return CheckAsOf("asOf", *f.AsOf, earliest)
}

// NoDistrictLabel names the row of units that have no district (the communes after the 2025
// reorganisation report to their province directly) when figures are grouped by district:
// "Trực thuộc Tỉnh Thái Nguyên (không có cấp huyện)", or in English
// "Directly under Thai Nguyen Province (no district level)".
func NoDistrictLabel(province *Unit, english bool) string {
	if english {
		name := "the province"
		if province != nil {
			name = province.NameEn
		}
		return "Directly under " + name + " (no district level)"
	}
	name := "tỉnh"
	if province != nil {
		name = province.Name
	}
	return "Trực thuộc " + name + " (không có cấp huyện)"
}
