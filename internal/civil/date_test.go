package civil

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2020-05-15", Date{2020, time.May, 15}, false},
		{"2020-02-29", Date{2020, time.February, 29}, false},
		{"2019-02-29", Date{}, true},
		{"15/05/2020", Date{}, true},
		{"", Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		name string
		src  any
		want Date
	}{
		{"postgres time", time.Date(2020, 5, 15, 0, 0, 0, 0, time.UTC), Date{2020, 5, 15}},
		{"sqlite text", "2020-05-15", Date{2020, 5, 15}},
		{"bytes", []byte("2020-06-01"), Date{2020, 6, 1}},
		{"text with time", "2020-06-01 00:00:00", Date{2020, 6, 1}},
		{"null", nil, Date{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Date
			if err := got.Scan(tt.src); err != nil {
				t.Fatalf("Scan(%v): %v", tt.src, err)
			}
			if got != tt.want {
				t.Errorf("Scan(%v) = %v, want %v", tt.src, got, tt.want)
			}
		})
	}
}

func TestOfUsesVietnamTime(t *testing.T) {
	// 17:30 UTC on 14 May is already 15 May in Hanoi (UTC+7).
	got := Of(time.Date(2020, 5, 14, 17, 30, 0, 0, time.UTC))
	if want := (Date{2020, 5, 15}); got != want {
		t.Errorf("Of = %v, want %v", got, want)
	}
}

func TestVietnamese(t *testing.T) {
	for d, want := range map[Date]string{New(2020, 5, 4): "04/05/2020", New(2020, 12, 31): "31/12/2020", New(999, 1, 2): "02/01/0999"} {
		if got := d.Vietnamese(); got != want {
			t.Errorf("%v.Vietnamese() = %q, want %q", d, got, want)
		}
	}
}
