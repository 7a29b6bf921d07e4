package vntext

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nguyễn  Thị Hoà", "nguyen thi hoa"},
		{"NGUYỄN THỊ HOÀ", "nguyen thi hoa"},
		{"nguyen thi hoa", "nguyen thi hoa"},
		{"Đặng Văn Đức", "dang van duc"},
		{"Số CCCD/CMND", "so cccd cmnd"},
		{" Số  tiền (đồng) ", "so tien dong"},
		// The same name typed with combining marks (NFD) folds the same as precomposed (NFC).
		{"Nguye\u0302\u0303n", "nguyen"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUnaccentKeepsCase(t *testing.T) {
	if got, want := Unaccent("Phường Quán Triều"), "Phuong Quan Trieu"; got != want {
		t.Errorf("Unaccent = %q, want %q", got, want)
	}
}

func TestNormalizeName(t *testing.T) {
	if got, want := NormalizeName("  nguyễn   THỊ hoà "), "Nguyễn Thị Hoà"; got != want {
		t.Errorf("NormalizeName = %q, want %q", got, want)
	}
}

func TestNumber(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1.000", 250000: "250.000",
		16912500000: "16.912.500.000", -1500: "-1.500", -999: "-999", -1000000: "-1.000.000"} {
		if got := Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
}
