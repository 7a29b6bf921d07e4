package page

import (
	"testing"

	"hotro/internal/errs"
)

func TestSize(t *testing.T) {
	n := func(i int) *int { return &i }
	tests := []struct {
		name    string
		first   *int
		want    int
		wantErr bool
	}{
		{"default", nil, DefaultSize, false},
		{"zero", n(0), 0, false},
		{"cap", n(MaxSize), MaxSize, false},
		{"over cap", n(MaxSize + 1), 0, true},
		{"negative", n(-1), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Size(tt.first)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Size = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{Value: "2020-05-15", ID: 42}
	s := c.Encode()
	got, err := Decode(&s)
	if err != nil || *got != c {
		t.Errorf("Decode(Encode(%v)) = %v, %v", c, got, err)
	}
	for _, bad := range []string{"not base64!", "e30", "eyJpIjotMX0"} {
		if _, err := Decode(&bad); !errs.Is(errs.Invalid, err) {
			t.Errorf("Decode(%q) error = %v, want invalid", bad, err)
		}
	}
}
