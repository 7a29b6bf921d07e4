package program

import "testing"

func TestShortLabelFallsBackToTheName(t *testing.T) {
	tests := []struct {
		name string
		g    Group
		en   bool
		want string
	}{
		{"short name", Group{Name: "Người lao động tạm hoãn thực hiện hợp đồng lao động", ShortName: "LĐ tạm hoãn HĐLĐ"}, false, "LĐ tạm hoãn HĐLĐ"},
		{"English short name", Group{NameEn: "Employees with a suspended labour contract", ShortNameEn: "Suspended contracts"}, true, "Suspended contracts"},
		{"no short name: the name", Group{Name: "Hộ nghèo"}, false, "Hộ nghèo"},
		{"no English short name: the English name", Group{NameEn: "Poor households", ShortName: "Hộ nghèo"}, true, "Poor households"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.ShortLabel(tt.en); got != tt.want {
				t.Errorf("ShortLabel(%v) = %q, want %q", tt.en, got, tt.want)
			}
		})
	}
}
