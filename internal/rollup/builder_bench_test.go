package rollup_test

import (
	"testing"

	"hotro/internal/civil"
	"hotro/internal/disbursement"
	"hotro/internal/rollup"
)

// BenchmarkBuilder counts paid household lines of one province into rollup rows, as the national
// loader does: 2,000 wards of 500 households of 1 to 8 people each, consecutive IDs, one pay day.
// It reports the lines counted per second of one core.
func BenchmarkBuilder(b *testing.B) {
	const wards, households = 2000, 500
	paid := civil.New(2020, 5, 4)
	channel := disbursement.Channel("BANK")
	b.ReportAllocs()
	for b.Loop() {
		builder := rollup.NewBuilder()
		var id, person int64 = 1, 1
		for w := range int64(wards) {
			for range households {
				people := 1 + int(id%8)
				f := disbursement.Facts{ID: id, BeneficiaryID: id, PersonBase: person, People: people, ProgramID: 1,
					GroupID: 3, FundID: 1, WardID: 100 + w, Status: disbursement.Paid, Amount: 250_000 * int64(people) * 3,
					PaidOn: &paid, Channel: &channel}
				if err := builder.Add(&f, 10+w/20, 1); err != nil {
					b.Fatal(err)
				}
				id++
				person += int64(people)
			}
		}
		if err := builder.Flush(func([]any) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(wards*households)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
