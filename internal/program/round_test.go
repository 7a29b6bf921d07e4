package program_test

import (
	"context"
	"testing"

	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/errs"
	"hotro/internal/program"
	"hotro/internal/seed/seedtest"
)

// TestRoundsHoldEachGroupOnce: a group is in one round at most, so that a line's round follows
// from its group; a round whose payment ends before it starts is refused; a round's groups can be
// changed by writing it again.
func TestRoundsHoldEachGroupOnce(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Reference(t, dialect)
			store := program.NewStore(d)
			p, err := store.Program(ctx, "NQ42-2020")
			if err != nil {
				t.Fatal(err)
			}
			groups, err := store.Groups(ctx, "NQ42-2020")
			if err != nil {
				t.Fatal(err)
			}
			byCode := map[string]int64{}
			for _, g := range groups {
				byCode[g.Code] = g.ID
			}
			rounds, err := store.Rounds(ctx, p.ID)
			if err != nil || len(rounds) != 2 || rounds[0].Seq != 1 || rounds[0].Code != "NQ42_DOT1" {
				t.Fatalf("rounds of NQ42: %+v (%v)", rounds, err)
			}
			from, to := civil.MustParse("2020-06-30"), civil.MustParse("2020-06-01")
			for _, c := range []struct {
				name   string
				round  program.Round
				groups []int64
				kind   errs.Kind
			}{
				{"a group already in round 1", program.Round{Code: "NQ42_DOT3", Seq: 3, Name: "Đợt 3", NameEn: "Round 3"},
					[]int64{byCode["HO_NGHEO"]}, errs.Conflict},
				{"paid to before paid from", program.Round{Code: "NQ42_DOT3", Seq: 3, Name: "Đợt 3", NameEn: "Round 3", PaidFrom: &from, PaidTo: &to},
					nil, errs.Invalid},
			} {
				t.Run(c.name, func(t *testing.T) {
					tx, err := d.BeginTx(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					defer tx.Rollback()
					r := c.round
					r.ProgramID = p.ID
					if err := program.NewStore(tx).UpsertRound(ctx, &r, c.groups); !errs.Is(c.kind, err) {
						t.Errorf("err = %v, want kind %v", err, c.kind)
					}
				})
			}
			// Round 2 gives up a group, which a new round 3 then takes.
			r2 := *rounds[1]
			var keep []int64
			for _, g := range []string{"TAM_HOAN_HDLD", "HO_KINH_DOANH", "CHAM_DUT_HDLD"} {
				keep = append(keep, byCode[g])
			}
			if err := store.UpsertRound(ctx, &r2, keep); err != nil {
				t.Fatal(err)
			}
			r3 := program.Round{ProgramID: p.ID, Code: "NQ42_DOT3", Seq: 3, Name: "Đợt 3", NameEn: "Round 3"}
			if err := store.UpsertRound(ctx, &r3, []int64{byCode["LAO_DONG_TU_DO"]}); err != nil {
				t.Fatal(err)
			}
			got, err := store.RoundGroups(ctx, r3.ID)
			if err != nil || len(got) != 1 || got[0].Code != "LAO_DONG_TU_DO" {
				t.Errorf("round 3's groups: %+v (%v)", got, err)
			}
			if got, err := store.RoundGroups(ctx, r2.ID); err != nil || len(got) != 3 {
				t.Errorf("round 2's groups: %d (%v), want 3", len(got), err)
			}
		})
	}
}
