package supervision

import (
	"math"
	"slices"
)

// Rules are the numbers behind the anomalies (see the package documentation).
type Rules struct {
	LargeHouseholdFactor     float64
	LargeHouseholdMargin     int
	PaidAfterApprovalDays    int
	ApprovedAfterPostingDays int
	OutlierZ                 float64
	OutlierMinWards          int
	SharedReceiptMin         int
	SharedAddressMin         int
	SharedAddressFactor      float64
	// MaxLines bounds the lines listed with one anomaly (LineCount counts them all); MaxAnomalies
	// bounds the board (Truncated says when more were found).
	MaxLines     int
	MaxAnomalies int
	// MaxBoardLines bounds the payment lines one board reads (a city has tens of thousands, a
	// province hundreds of thousands); past it the caller is asked to narrow it (TOO_COMPLEX).
	MaxBoardLines int
	// DailyDraws bounds the spot checks drawn of one ward in a day (Asia/Ho_Chi_Minh), whoever
	// draws them and whatever their seed or programme: a hostile drawer cannot redraw until a
	// convenient sample comes up (HOTRO_SPOT_CHECK_DAILY_DRAWS; 0: DefaultDailyDraws).
	DailyDraws int
}

// DefaultDailyDraws is the spot checks one ward may be drawn in a day unless told otherwise.
const DefaultDailyDraws = 3

func (r Rules) dailyDraws() int {
	if r.DailyDraws < 1 {
		return DefaultDailyDraws
	}
	return r.DailyDraws
}

// DefaultRules are the working group's rules unless told otherwise.
var DefaultRules = Rules{
	LargeHouseholdFactor:     2.5,
	LargeHouseholdMargin:     4,
	PaidAfterApprovalDays:    30,
	ApprovedAfterPostingDays: 30,
	OutlierZ:                 3.5,
	OutlierMinWards:          5,
	SharedReceiptMin:         2,
	SharedAddressMin:         5,
	SharedAddressFactor:      3,
	MaxLines:                 50,
	MaxAnomalies:             500,
	MaxBoardLines:            1_000_000,
	DailyDraws:               DefaultDailyDraws,
}

// median returns the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// modifiedZ returns each value's modified z-score among xs and the median: 0.6745·(x − median)/MAD,
// or (x − median)/(1.2533·meanAD) where MAD is 0; all 0 where every value is the same.
func modifiedZ(xs []float64) ([]float64, float64) {
	med := median(xs)
	dev := make([]float64, len(xs))
	var sum float64
	for i, x := range xs {
		dev[i] = math.Abs(x - med)
		sum += dev[i]
	}
	mad := median(dev)
	scale := 0.0
	switch {
	case mad > 0:
		scale = mad / 0.6745
	case sum > 0:
		scale = 1.253314 * sum / float64(len(xs))
	}
	z := make([]float64, len(xs))
	if scale == 0 {
		return z, med
	}
	for i, x := range xs {
		z[i] = (x - med) / scale
	}
	return z, med
}
