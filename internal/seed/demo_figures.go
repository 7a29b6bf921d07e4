package seed

import (
	"context"
	"math"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/wardfigure"
)

// demoPopulation is the demo city's population in the demo figures' year: ILLUSTRATIVE, of the order
// of Thái Nguyên city's, not a statistic.
const (
	demoPopulation    = 340_000
	demoFiguresYear   = 2020
	demoPeoplePerHome = 3.4
	demoFiguresSource = "Số liệu minh hoạ của bộ dữ liệu mẫu (chia dân số khoảng 340.000 người theo trọng số của từng phường/xã), không phải số liệu thống kê chính thức"
)

// writeFigures gives every demo ward a population and households for 2020, shared out by the
// wards' synthetic weights, marked illustrative, so that per-capita measures and the map have
// figures to show on demo data, and say that they are illustrative.
func (g *demoGen) writeFigures(ctx context.Context, tx bun.Tx) error {
	var total float64
	for _, w := range g.wards {
		total += w.weight
	}
	now := time.Now().UTC()
	var figures []*wardfigure.Figure
	for _, w := range g.wards {
		people := int64(math.Round(demoPopulation * w.weight / total))
		figures = append(figures, &wardfigure.Figure{UnitID: w.unit.ID, Year: demoFiguresYear, Population: people,
			Households: max(1, int64(math.Round(float64(people)/demoPeoplePerHome))), Source: demoFiguresSource,
			Illustrative: true, LoadedBy: "system", LoadedAt: now})
	}
	if len(figures) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&figures).Exec(ctx)
	return err
}
