package sheet

import (
	"reflect"
	"testing"

	"golang.org/x/text/unicode/norm"

	"hotro/internal/vntext"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"precomposed", "Số CCCD/CMND", "so cccd cmnd"},
		{"already folded", "so cccd cmnd", "so cccd cmnd"},
		{"upper case, double space, dash", "SỐ  CCCD - CMND", "so cccd cmnd"},
		{"decomposed (NFD)", norm.NFD.String("Số CCCD/CMND"), "so cccd cmnd"},
		{"đ and Đ", "Địa chỉ đăng ký", "dia chi dang ky"},
		{"Ð (U+00D0) typed for Đ", "ÐỊA CHỈ", "dia chi"},
		{"horn letters", "Người hưởng, Ưu tiên", "nguoi huong uu tien"},
		{"every tone", "à á ả ã ạ", "a a a a a"},
		{"leading and trailing punctuation", "  (*) Họ tên:  ", "ho ten"},
		{"no-break space and tab", "Số\u00a0tiền\tđã nhận", "so tien da nhan"},
		{"digits kept", "Tổ 05", "to 05"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMatchColumns(t *testing.T) {
	cols := []Column{
		{Key: "name", Aliases: []string{"Họ và tên", "Họ tên", "Full name"}, Required: true},
		{Key: "national_id", Aliases: []string{"Số CCCD/CMND", "CCCD", "CMND", "National ID"}, Required: true},
		{Key: "amount", Aliases: []string{"Số tiền", "Amount"}, Required: true},
		{Key: "note", Aliases: []string{"Ghi chú"}},
	}
	type found struct {
		code, column string
		warning      bool
	}
	tests := []struct {
		name    string
		header  []string
		wantMap Mapping
		want    []found
	}{
		{
			name:    "exact Vietnamese",
			header:  []string{"Họ và tên", "Số CCCD/CMND", "Số tiền", "Ghi chú"},
			wantMap: Mapping{"name": 0, "national_id": 1, "amount": 2, "note": 3},
		},
		{
			name:    "English, other order, no optional column",
			header:  []string{"AMOUNT", "full name", "National  ID"},
			wantMap: Mapping{"amount": 0, "name": 1, "national_id": 2},
		},
		{
			name:    "no diacritics and notes in parentheses",
			header:  []string{"ho ten", "so cccd - cmnd", "So tien (dong)", "", "Ghi chu"},
			wantMap: Mapping{"name": 0, "national_id": 1, "amount": 2, "note": 4},
		},
		{
			name:    "the key itself",
			header:  []string{"name", "national_id", "amount"},
			wantMap: Mapping{"name": 0, "national_id": 1, "amount": 2},
		},
		{
			name:    "missing, duplicate and unknown",
			header:  []string{"Họ tên", "Số tiền", "STT", "Họ và tên"},
			wantMap: Mapping{"name": 0, "amount": 1},
			want: []found{
				{CodeUnknownColumn, "STT", true},
				{CodeDuplicateColumn, "Họ và tên", false},
				{CodeMissingColumn, "Số CCCD/CMND", false},
			},
		},
		{
			name:    "empty header",
			header:  nil,
			wantMap: Mapping{},
			want: []found{
				{CodeMissingColumn, "Họ và tên", false},
				{CodeMissingColumn, "Số CCCD/CMND", false},
				{CodeMissingColumn, "Số tiền", false},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, errs := MatchColumns(tt.header, cols)
			if !reflect.DeepEqual(m, tt.wantMap) {
				t.Errorf("mapping = %v, want %v", m, tt.wantMap)
			}
			var got []found
			for _, e := range errs {
				got = append(got, found{e.Code, e.Column, e.Warning})
				wantCode(t, e, e.Code, 0)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors = %+v, want %+v", got, tt.want)
			}
			if gotHas, wantHas := HasErrors(errs), len(tt.want) > 0 && tt.want[len(tt.want)-1].code != CodeUnknownColumn; gotHas != wantHas {
				t.Errorf("HasErrors() = %v, want %v", gotHas, wantHas)
			}
		})
	}
}

func TestMappingValue(t *testing.T) {
	m := Mapping{"name": 0, "amount": 3}
	cells := []string{"An", "x"}
	tests := []struct {
		key, want string
	}{
		{"name", "An"},
		{"amount", ""}, // the row is shorter than the header
		{"missing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := m.Value(cells, tt.key); got != tt.want {
				t.Errorf("Value(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestErrorFormatting(t *testing.T) {
	e := &Error{Row: 5, Column: "C", Message: "Ô C5 chứa công thức.", Code: CodeFormula, op: "next"}
	if got, want := e.Error(), "sheet: next: dòng 5, cột C: Ô C5 chứa công thức."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	placed := (&Error{Message: "Ngày không tồn tại.", Code: CodeBadDate, op: "parse date"}).At(7, "Ngày sinh")
	if got, want := placed.Error(), "sheet: parse date: dòng 7, cột Ngày sinh: Ngày không tồn tại."; got != want {
		t.Errorf("At().Error() = %q, want %q", got, want)
	}
	if got, want := columnName(0)+columnName(25)+" "+columnName(26)+" "+columnName(16383), "AZ AA XFD"; got != want {
		t.Errorf("columnName = %q, want %q", got, want)
	}
	if got, want := vntext.Number(200000)+" "+formatBytes(20<<20)+" "+formatBytes(1536<<10), "200.000 20 MB 1,5 MB"; got != want {
		t.Errorf("number formatting = %q, want %q", got, want)
	}
}
