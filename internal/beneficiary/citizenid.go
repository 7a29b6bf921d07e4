package beneficiary

import (
	"fmt"
	"strconv"

	"hotro/internal/civil"
	"hotro/internal/errs"
)

// provinceOfBirth lists the first three digits a 12-digit citizen ID may start with: "0" and the
// two-digit code of the province where the birth was registered (Circular 07/2016/TT-BCA, which
// uses the General Statistics Office's province codes).
var provinceOfBirth = prefixed("0",
	"01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19",
	"20", "22", "24", "25", "26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42",
	"44", "45", "46", "48", "49", "51", "52", "54", "56", "58", "60", "62", "64", "66", "67", "68",
	"70", "72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87", "89", "91", "92", "93",
	"94", "95", "96")

func prefixed(prefix string, codes ...string) map[string]bool {
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[prefix+c] = true
	}
	return set
}

// IDInfo is what a 12-digit citizen ID says about its holder.
type IDInfo struct {
	ProvinceCode string // two-digit GSO code of the province of birth registration
	Gender       Gender
	BirthYear    int
}

// ParseCitizenID checks a citizen ID: 12 digits (căn cước công dân: province of birth, gender and
// century, year of birth, six serial digits) or 9 digits (the old chứng minh nhân dân). It returns
// what a 12-digit ID encodes; for a 9-digit ID the info is zero.
func ParseCitizenID(id string, today civil.Date) (IDInfo, error) {
	const op = "beneficiary: citizen id"
	for _, r := range id {
		if r < '0' || r > '9' {
			return IDInfo{}, errs.E(op, errs.Invalid, errs.Msgf("Số CCCD/CMND %q chỉ được gồm chữ số.", id))
		}
	}
	switch len(id) {
	case 9:
		if id == "000000000" {
			return IDInfo{}, errs.E(op, errs.Invalid, errs.Msg("Số CMND 9 số không hợp lệ."))
		}
		return IDInfo{}, nil
	case 12:
	default:
		return IDInfo{}, errs.E(op, errs.Invalid, errs.Msgf("Số CCCD phải có 12 chữ số (hoặc CMND cũ 9 chữ số), nhận được %d chữ số.", len(id)))
	}
	if !provinceOfBirth[id[:3]] {
		return IDInfo{}, errs.E(op, errs.Invalid, errs.Msgf("Số CCCD %s có mã tỉnh nơi đăng ký khai sinh %s không tồn tại.", id, id[:3]))
	}
	code := int(id[3] - '0')
	century := 1900 + 100*(code/2)
	gender := Male
	if code%2 == 1 {
		gender = Female
	}
	yy, _ := strconv.Atoi(id[4:6])
	year := century + yy
	if year > today.Year || year < 1900 {
		return IDInfo{}, errs.E(op, errs.Invalid, errs.Msgf("Số CCCD %s cho năm sinh %d không hợp lệ.", id, year))
	}
	return IDInfo{ProvinceCode: id[1:3], Gender: gender, BirthYear: year}, nil
}

// CheckAgainst reports whether the ID's gender and year of birth agree with the recorded ones.
func (i IDInfo) CheckAgainst(dob *civil.Date, g *Gender) error {
	const op = "beneficiary: citizen id"
	if i.BirthYear == 0 {
		return nil
	}
	if dob != nil && dob.Year != i.BirthYear {
		return errs.E(op, errs.Invalid, errs.Msgf("Năm sinh %d không khớp với số CCCD (năm %d).", dob.Year, i.BirthYear))
	}
	if g != nil && *g != i.Gender {
		return errs.E(op, errs.Invalid, errs.Msg("Giới tính không khớp với số CCCD."))
	}
	return nil
}

// MaskID hides all but the last four digits: 019085001234 becomes ********1234.
func MaskID(id string) string {
	if len(id) <= 4 {
		return id
	}
	return fmt.Sprintf("%s%s", "********"[:min(8, len(id)-4)], id[len(id)-4:])
}
