package beneficiary

import (
	"testing"

	"hotro/internal/civil"
)

func TestParseCitizenID(t *testing.T) {
	today := civil.MustParse("2020-05-01")
	tests := []struct {
		name    string
		id      string
		want    IDInfo
		wantErr bool
	}{
		{"man born 1985 in Thai Nguyen", "019085001234", IDInfo{"19", Male, 1985}, false},
		{"woman born 1962 in Ha Noi", "001162123456", IDInfo{"01", Female, 1962}, false},
		{"girl born 2012", "019312000001", IDInfo{"19", Female, 2012}, false},
		{"old 9-digit ID", "090123456", IDInfo{}, false},
		{"unknown province 003", "003085001234", IDInfo{}, true},
		{"born in the future", "019221000001", IDInfo{}, true},
		{"letters", "01908500123A", IDInfo{}, true},
		{"ten digits", "0190850012", IDInfo{}, true},
		{"all zero old ID", "000000000", IDInfo{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCitizenID(tt.id, today)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseCitizenID(%q) error = %v, wantErr %v", tt.id, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseCitizenID(%q) = %+v, want %+v", tt.id, got, tt.want)
			}
		})
	}
}

func TestCheckAgainst(t *testing.T) {
	info, err := ParseCitizenID("019085001234", civil.MustParse("2020-05-01"))
	if err != nil {
		t.Fatal(err)
	}
	dob := civil.MustParse("1985-03-02")
	wrongYear := civil.MustParse("1986-03-02")
	male, female := Male, Female
	if err := info.CheckAgainst(&dob, &male); err != nil {
		t.Errorf("matching record refused: %v", err)
	}
	if err := info.CheckAgainst(&wrongYear, nil); err == nil {
		t.Error("wrong year of birth accepted")
	}
	if err := info.CheckAgainst(nil, &female); err == nil {
		t.Error("wrong gender accepted")
	}
}

func TestMaskID(t *testing.T) {
	for in, want := range map[string]string{"019085001234": "********1234", "090123456": "*****3456"} {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}
