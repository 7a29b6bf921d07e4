package web

import "testing"

func TestWords(t *testing.T) {
	tests := []struct {
		name string
		n    int64
		want string
	}{
		{"zero", 0, "Không đồng"},
		{"a poor household of one", 750_000, "Bảy trăm năm mươi nghìn đồng"},
		{"a poor household of four", 3_000_000, "Ba triệu đồng"},
		{"a meritorious person", 1_500_000, "Một triệu năm trăm nghìn đồng"},
		{"zero hundreds inside", 1_005_000, "Một triệu không trăm lẻ năm nghìn đồng"},
		{"fifteen and twenty-one", 15_021, "Mười lăm nghìn không trăm hai mươi mốt đồng"},
		{"twenty-four and fifty-five", 24_055, "Hai mươi tư nghìn không trăm năm mươi lăm đồng"},
		{"the city's first round", 16_831_500_000, "Mười sáu tỷ tám trăm ba mươi mốt triệu năm trăm nghìn đồng"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := words(tt.n); got != tt.want {
				t.Errorf("words(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}
