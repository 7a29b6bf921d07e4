package seed

import (
	"maps"
	"testing"
)

// TestProportional divides to the đồng: the parts follow the weights and add up to the total.
func TestProportional(t *testing.T) {
	cases := []struct {
		name    string
		total   int64
		weights map[int64]int64
		want    map[int64]int64
	}{
		{"even", 100, map[int64]int64{1: 1, 2: 1}, map[int64]int64{1: 50, 2: 50}},
		{"remainder to the largest fraction", 100, map[int64]int64{1: 1, 2: 2}, map[int64]int64{1: 33, 2: 67}},
		{"ties to the lower key", 10, map[int64]int64{1: 1, 2: 1, 3: 1}, map[int64]int64{1: 4, 2: 3, 3: 3}},
		{"no weight, no part", 100, map[int64]int64{1: 0, 2: 5}, map[int64]int64{2: 100}},
		{"nothing to divide among", 100, map[int64]int64{}, map[int64]int64{}},
		// A national fund times a national amount listed does not fit in 64 bits.
		{"large", 43_400_000_000_000, map[int64]int64{1: 9_000_000_000_000, 2: 1_000_000_000_000},
			map[int64]int64{1: 39_060_000_000_000, 2: 4_340_000_000_000}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := proportional(c.total, c.weights); !maps.Equal(got, c.want) {
				t.Errorf("proportional(%d, %v) = %v, want %v", c.total, c.weights, got, c.want)
			}
		})
	}
}
