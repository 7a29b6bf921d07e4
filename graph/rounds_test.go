package graph_test

import (
	"testing"

	"hotro/graph"
	"hotro/graph/model"
	"hotro/internal/report"
)

// TestRoundRowsBound: the cost model bounds rows by round like any dimension: the rounds asked for,
// or no more than the groups asked for (a group is in one round at most), or every round.
func TestRoundRowsBound(t *testing.T) {
	for _, c := range []struct {
		name   string
		filter model.DisbursementFilter
		want   int
	}{
		{"every round", model.DisbursementFilter{}, 100},
		{"two rounds", model.DisbursementFilter{Rounds: []string{"NQ42_DOT1", "NQ42_DOT2"}}, 2},
		{"three groups", model.DisbursementFilter{Groups: []string{"HO_NGHEO", "HO_CAN_NGHEO", "NGUOI_CO_CONG"}}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := graph.StatsRowsBound(&c.filter, []report.Dimension{report.Round}, nil); got != c.want {
				t.Errorf("rows by round = %d, want %d", got, c.want)
			}
			byWard := graph.StatsRowsBound(&model.DisbursementFilter{Wards: []string{"05431"}}, []report.Dimension{report.Round, report.Ward}, nil)
			if byWard != 100 {
				t.Errorf("rows by round and one ward = %d, want 100", byWard)
			}
		})
	}
}
