package seed

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/audit"
	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/fund"
)

// demoAllocationDay is the date of the demo allocation decisions: after the programme began
// (2020-04-01) and before the first round was paid.
var demoAllocationDay = civil.MustParse("2020-04-28")

// writeAllocations allocates each fund's whole figure to the wards, in proportion to the amount
// listed on the fund in each ward (lines not returned or cancelled), so that a ward's share of the
// money is the share of its lists and the wards' allocations add up to the fund. THESE ARE
// SYNTHETIC DEMO FIGURES, like every payment of the demo set, and so are the decision numbers: no
// allocation decision of the city was found in the sources (see data/SOURCES.md). A ward with
// nothing listed on a fund gets no allocation of it.
func (g *demoGen) writeAllocations(ctx context.Context, tx bun.Tx) (int, error) {
	listed := map[int64]map[int64]int64{} // fund -> ward -> amount listed
	for _, l := range g.lines {
		if l.Status == disbursement.Returned || l.Status == disbursement.Cancelled {
			continue
		}
		if listed[l.FundID] == nil {
			listed[l.FundID] = map[int64]int64{}
		}
		listed[l.FundID][l.WardID] += l.Amount
	}
	now := time.Now().UTC()
	var rows []*fund.Allocation
	for i, f := range g.funds {
		shares := proportional(f.Allocated, listed[f.ID])
		decision := fmt.Sprintf("%d/QĐ-UBND (demo)", 1200+i)
		for _, w := range g.wards {
			if shares[w.unit.ID] > 0 {
				rows = append(rows, &fund.Allocation{FundID: f.ID, UnitID: w.unit.ID, Amount: shares[w.unit.ID],
					Decision: decision, DecidedOn: demoAllocationDay, RecordedBy: "system", RecordedAt: now})
			}
		}
	}
	if len(rows) == 0 {
		return 0, nil
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return 0, err
	}
	return len(rows), audit.NewStore(tx).Record(ctx, &audit.Event{
		At: now, Actor: "system", Action: "seed.allocations", Entity: "dataset", EntityID: "demo",
		After: audit.JSON(map[string]any{"allocations": len(rows), "decided_on": demoAllocationDay.String(), "synthetic": true}),
	})
}

// proportional divides total among the keys in proportion to their weights, to the đồng, by the
// largest remainder: the parts add up to total exactly (when any weight is positive).
func proportional(total int64, weights map[int64]int64) map[int64]int64 {
	out := map[int64]int64{}
	var sum int64
	keys := make([]int64, 0, len(weights))
	for k, w := range weights {
		if w > 0 {
			sum += w
			keys = append(keys, k)
		}
	}
	if sum == 0 || total <= 0 {
		return out
	}
	slices.Sort(keys)
	rest := make(map[int64]*big.Int, len(keys))
	given := int64(0)
	for _, k := range keys {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(total), big.NewInt(weights[k])), big.NewInt(sum), new(big.Int))
		out[k] = q.Int64()
		rest[k] = r
		given += out[k]
	}
	// The đồng left over go one each to the largest remainders (ties: the lower key).
	slices.SortStableFunc(keys, func(a, b int64) int { return rest[b].Cmp(rest[a]) })
	for i := int64(0); i < total-given; i++ {
		out[keys[i]]++
	}
	return out
}
