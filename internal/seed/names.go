package seed

import (
	"math/rand/v2"
	"slices"
)

// Vietnamese family names with rough national shares (percent), so that generated lists look like
// real ward lists.
var familyNames = []struct {
	name  string
	share int
}{
	{"Nguyễn", 38}, {"Trần", 11}, {"Lê", 9}, {"Phạm", 7}, {"Hoàng", 5}, {"Vũ", 4}, {"Đỗ", 3},
	{"Bùi", 3}, {"Đặng", 2}, {"Ngô", 2}, {"Dương", 2}, {"Lý", 1}, {"Đinh", 2}, {"Phan", 2},
	{"Trương", 1}, {"Hà", 2}, {"Lương", 1}, {"Ma", 1}, {"Nông", 1}, {"Triệu", 1}, {"Lò", 1},
}

var (
	maleMiddleNames   = []string{"Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Ngọc", "Công", "Đình", "Mạnh", "Tiến"}
	femaleMiddleNames = []string{"Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương", "Bích"}
	maleGivenNames    = []string{"An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam",
		"Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Vinh", "Hoà", "Lâm", "Tùng", "Hiếu",
		"Kiên", "Toàn", "Thịnh", "Chiến", "Lợi", "Tâm", "Phúc", "Hưng", "Tú", "Đạt", "Khoa", "Luân", "Thái"}
	femaleGivenNames = []string{"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương", "Huyền",
		"Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
		"Thuỷ", "Trang", "Tuyết", "Vân", "Yến", "Hoà", "Thu", "Xuân", "Thắm", "Lụa", "Hậu", "Dịu", "Gấm"}
)

func familyName(r *rand.Rand) string {
	total := 0
	for _, f := range familyNames {
		total += f.share
	}
	n := r.IntN(total)
	for _, f := range familyNames {
		if n < f.share {
			return f.name
		}
		n -= f.share
	}
	return familyNames[0].name
}

// fullName makes a plausible Vietnamese full name: family, middle and given name.
func fullName(r *rand.Rand, female bool) string {
	if female {
		return familyName(r) + " " + pick(r, femaleMiddleNames) + " " + pick(r, femaleGivenNames)
	}
	return familyName(r) + " " + pick(r, maleMiddleNames) + " " + pick(r, maleGivenNames)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// NameParts are the parts generated names are made of: family names each as often as its share
// (in percent) says, and the middle and given names of men and of women. The national data set
// makes its names from them.
func NameParts() (families, maleMiddle, maleGiven, femaleMiddle, femaleGiven []string) {
	for _, f := range familyNames {
		for range f.share {
			families = append(families, f.name)
		}
	}
	return families, slices.Clone(maleMiddleNames), slices.Clone(maleGivenNames), slices.Clone(femaleMiddleNames), slices.Clone(femaleGivenNames)
}
