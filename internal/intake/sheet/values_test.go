package sheet

import (
	"math"
	"strconv"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"01/05/2020", date(2020, 5, 1), false},
		{"1/5/2020", date(2020, 5, 1), false},
		{"01-05-2020", date(2020, 5, 1), false},
		{"01.05.2020", date(2020, 5, 1), false},
		{"2020-05-01", date(2020, 5, 1), false},
		{"2020/05/01", date(2020, 5, 1), false},
		{"2020-05-01T00:00:00", date(2020, 5, 1), false},
		{"2020-05-01 00:00:00.000", date(2020, 5, 1), false},
		{"01/05/2020 08:30", date(2020, 5, 1), false},
		{" 29/02/2020 ", date(2020, 2, 29), false},
		{"43952", date(2020, 5, 1), false},     // Excel serial
		{"43952.75", date(2020, 5, 1), false},  // with a time of day
		{"1", date(1900, 1, 1), false},         // first serial
		{"59", date(1900, 2, 28), false},       // last serial before Lotus's phantom day
		{"61", date(1900, 3, 1), false},        // first serial after it
		{"18323", date(1950, 3, 1), false},     // an old recipient's birthday
		{"2958465", date(9999, 12, 31), false}, // Excel's last day
		{"60", time.Time{}, true},              // 29/02/1900 never existed
		{"0", time.Time{}, true},               //
		{"2958466", time.Time{}, true},         // past Excel's calendar
		{"1985", time.Time{}, true},            // a year alone
		{"29/02/2019", time.Time{}, true},      // not a leap year
		{"31/04/2020", time.Time{}, true},      //
		{"5/13/2020", time.Time{}, true},       // US order
		{"01/05/20", time.Time{}, true},        // two-digit year
		{"2020-13-01", time.Time{}, true},      //
		{"01/05-2020", time.Time{}, true},      // mixed separators
		{"01/05/2020 trưa", time.Time{}, true}, //
		{"ngày 1 tháng 5", time.Time{}, true},  //
		{"", time.Time{}, true},                //
		{"-43952", time.Time{}, true},          //
		{"0001-01-01", time.Time{}, true},      //
		{"99999999999999999999", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				wantCode(t, err, CodeBadDate, 0)
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"750000", 750000, false},
		{"750.000", 750000, false},
		{"750,000", 750000, false},
		{"750 000", 750000, false},
		{"750\u00a0000", 750000, false},
		{"750.000 đ", 750000, false},
		{"750.000đ", 750000, false},
		{"750.000 ₫", 750000, false},
		{"750.000 VNĐ", 750000, false},
		{"750.000 vnd", 750000, false},
		{"750.000 đồng", 750000, false},
		{"1.500.000", 1500000, false},
		{"1,500,000.00", 1500000, false},
		{"1.500.000,00", 1500000, false},
		{"750000.00", 750000, false},
		{"750000,0", 750000, false},
		{"0", 0, false},
		{"9223372036854775807", math.MaxInt64, false},
		{"1.5", 0, true},                 // a fraction of a đồng
		{"750000.5", 0, true},            //
		{"750.000,50", 0, true},          //
		{"-750000", 0, true},             // negative
		{"(750.000)", 0, true},           // accountants' negative
		{"9223372036854775808", 0, true}, // overflow
		{"7.50.000", 0, true},            // bad grouping
		{"750000.000", 0, true},          //
		{"1.000.000.5", 0, true},         //
		{"7,5E+5", 0, true},              //
		{"abc", 0, true},                 //
		{"đ", 0, true},                   //
		{"", 0, true},                    //
		{".5", 0, true},                  //
		{"750.", 0, true},                //
		{"750..000", 0, true},            //
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMoney(tt.in)
			if tt.wantErr {
				wantCode(t, err, CodeBadMoney, 0)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseMoney(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"5", 5, false},
		{" 5 ", 5, false},
		{"5.0", 5, false},
		{"1.234", 1234, false},
		{"-3", -3, false},
		{"0", 0, false},
		{"5.5", 0, true},
		{"năm", 0, true},
		{"", 0, true},
		{"--3", 0, true},
		{"99999999999999999999", 0, true},
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.in), func(t *testing.T) {
			got, err := ParseInt(tt.in)
			if tt.wantErr {
				wantCode(t, err, CodeBadNumber, 0)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseInt(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}
