package graph_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"hotro/graph"
	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/db/dbtest"
	"hotro/internal/disbursement"
	"hotro/internal/respcache"
	"hotro/internal/seed/seedtest"
	"hotro/internal/supervision"
)

var workingGroup = &auth.Identity{UserID: 6, Username: "giamsat", Role: auth.Supervisor}

func countEvents(t *testing.T, d *bun.DB, action string) int {
	t.Helper()
	var n int
	if err := d.NewRaw("SELECT COUNT(*) FROM audit_events WHERE action = ? AND actor = 'giamsat'", action).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWorkingGroupThroughTheAPI: a supervisor reads lines in full, each recipient read recorded
// (again on a second read); draws a spot check of 5 lines, records one "not found" and finds it on
// the board; and is refused a step of the approval chain. Other roles are refused the board.
func TestWorkingGroupThroughTheAPI(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			res := newResolver(t, d)
			res.Workflow = disbursement.NewWorkflow(d, nil, nil)
			srv := serve(t, res, workingGroup)

			lines := `{ disbursements(filter: { wards: ["05485"] }, first: 7) { edges { node { id beneficiary { id fullName citizenId visibility } } } } }`
			var got struct {
				Disbursements struct {
					Edges []struct {
						Node struct {
							Beneficiary struct {
								ID, FullName, Visibility string
								CitizenID                *string
							}
						}
					}
				}
			}
			decode(t, srv.URL, lines, nil, &got)
			recipients := map[string]bool{}
			for _, e := range got.Disbursements.Edges {
				b := e.Node.Beneficiary
				recipients[b.ID] = true
				if b.Visibility != "FULL" || strings.Contains(b.FullName, ".") {
					t.Errorf("the working group sees %+v: want it in full", b)
				}
			}
			if n := countEvents(t, d, beneficiary.ReadAction); n != len(recipients) || n == 0 {
				t.Errorf("%d reads recorded for %d recipients given in full", n, len(recipients))
			}
			decode(t, srv.URL, lines, nil, &got)
			if n := countEvents(t, d, beneficiary.ReadAction); n != 2*len(recipients) {
				t.Errorf("after a second read, %d recorded; want %d", n, 2*len(recipients))
			}

			var drawn struct {
				DrawSpotCheck struct {
					ID    string
					Seed  string
					Lines []struct{ Line struct{ ID string } }
				}
			}
			decode(t, srv.URL, `mutation { drawSpotCheck(input: { ward: "05431", size: 5, seed: "tct-api" }) { id seed lines { line { id } } } }`, nil, &drawn)
			if len(drawn.DrawSpotCheck.Lines) != 5 || drawn.DrawSpotCheck.Seed != "tct-api" {
				t.Fatalf("drawn %+v", drawn)
			}
			var visit struct{ RecordSpotCheckVisit struct{ Result string } }
			decode(t, srv.URL, `mutation($c: ID!, $l: ID!, $on: Date!) { recordSpotCheckVisit(input: { checkId: $c, lineId: $l, result: NOT_FOUND, visitedOn: $on, note: "Không có người này" }) { result } }`,
				map[string]any{"c": drawn.DrawSpotCheck.ID, "l": drawn.DrawSpotCheck.Lines[0].Line.ID, "on": civil.Of(time.Now()).String()}, &visit)
			if visit.RecordSpotCheckVisit.Result != "NOT_FOUND" {
				t.Errorf("recorded %+v", visit)
			}
			var board struct {
				SupervisionBoard struct {
					Wards []struct {
						Ward       struct{ Code string }
						SpotChecks struct{ Drawn, Visited, NotFound int }
					}
					Anomalies []struct {
						Kind  string
						Ward  struct{ Code string }
						Lines []struct{ ID string }
					}
				}
			}
			decode(t, srv.URL, `{ supervisionBoard(wards: ["05431"]) { wards { ward { code } spotChecks { drawn visited notFound } } anomalies { kind ward { code } lines { id } } } }`, nil, &board)
			b := board.SupervisionBoard
			if len(b.Wards) != 1 || b.Wards[0].SpotChecks.Drawn != 5 || b.Wards[0].SpotChecks.NotFound != 1 {
				t.Errorf("board wards %+v", b.Wards)
			}
			found := false
			for _, a := range b.Anomalies {
				found = found || (a.Kind == "SPOT_CHECK_FAILED" && a.Ward.Code == "05431" && len(a.Lines) == 1 && a.Lines[0].ID == drawn.DrawSpotCheck.Lines[0].Line.ID)
			}
			if !found {
				t.Errorf("the visit that found nobody is not on the board: %+v", b.Anomalies)
			}

			var paid []int64
			if err := d.NewRaw("SELECT id FROM disbursements WHERE status = 'APPROVED' ORDER BY id LIMIT 1").Scan(context.Background(), &paid); err != nil {
				t.Fatal(err)
			}
			r, _ := post(t, srv.URL, `mutation($ids: [ID!]) { transitionDisbursements(input: { step: PAY, ids: $ids, date: "2020-06-01", channel: CASH_AT_WARD }) { lines } }`,
				map[string]any{"ids": []string{strconv.FormatInt(paid[0], 10)}})
			if code(r) != "FORBIDDEN" {
				t.Errorf("the working group pays: %+v", r.Errors)
			}

			for _, id := range []*auth.Identity{analyst, {UserID: 3, Username: "lanhdao", Role: auth.Leader}, {UserID: 4, Username: "canbo", Role: auth.WardOfficer, WardIDs: []int64{1}}} {
				r, _ := post(t, serve(t, newResolver(t, d), id).URL, `{ supervisionBoard { truncated } }`, nil)
				if code(r) != "FORBIDDEN" {
					t.Errorf("%s reads the board: %+v", id.Role, r.Errors)
				}
			}
			r, _ = post(t, serve(t, newResolver(t, d), nil).URL, `mutation { drawSpotCheck(input: { ward: "05431", size: 5 }) { id } }`, nil)
			if len(r.Errors) == 0 {
				t.Errorf("a visitor draws a spot check")
			}
		})
	}
}

// TestWorkingGroupIsNeverAnsweredFromTheCache: a cached answer would skip the record of the read.
func TestWorkingGroupIsNeverAnsweredFromTheCache(t *testing.T) {
	body := `{"query":"{ disbursements(first: 5) { edges { node { beneficiary { citizenId } } } } }"}`
	for _, tt := range []struct {
		id   *auth.Identity
		want respcache.Kind
	}{{workingGroup, respcache.Pass}, {analyst, respcache.Read}} {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(auth.WithIdentity(req.Context(), tt.id))
		if got := graph.CacheRequest(req).Kind; got != tt.want {
			t.Errorf("%s: %v, want %v", tt.id.Role, got, tt.want)
		}
	}
}

func decode(t *testing.T, url, query string, vars map[string]any, into any) {
	t.Helper()
	r, raw := post(t, url, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %s", query, raw)
	}
	if err := json.Unmarshal(r.Data, into); err != nil {
		t.Fatal(err)
	}
}

func code(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	ext, _ := r.Errors[0]["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

// TestSpotCheckDrawsAreBoundedThroughTheAPI: the board states the daily bound, each draw answers
// with its number, the bound and whether its seed was typed, and the draw past the bound is
// refused with TOO_COMPLEX and the Vietnamese message naming it.
func TestSpotCheckDrawsAreBoundedThroughTheAPI(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			res := newResolver(t, d)
			rules := supervision.DefaultRules
			rules.DailyDraws = 2
			res.Supervision = supervision.New(d, rules, nil)
			srv := serve(t, res, workingGroup)
			var board struct {
				SupervisionBoard struct{ Rules struct{ DailyDraws int } }
			}
			decode(t, srv.URL, `{ supervisionBoard(wards: ["05431"]) { rules { dailyDraws } } }`, nil, &board)
			if board.SupervisionBoard.Rules.DailyDraws != 2 {
				t.Errorf("the board states %d draws a day, want 2", board.SupervisionBoard.Rules.DailyDraws)
			}
			const draw = `mutation($seed: String) { drawSpotCheck(input: { ward: "05431", size: 3, seed: $seed }) { id createdBy drawnOn drawNumber drawLimit seedGiven } }`
			for i, seed := range []any{"tct-a", nil} {
				var got struct {
					DrawSpotCheck struct {
						CreatedBy, DrawnOn    string
						DrawNumber, DrawLimit int
						SeedGiven             bool
					}
				}
				decode(t, srv.URL, draw, map[string]any{"seed": seed}, &got)
				c := got.DrawSpotCheck
				if c.DrawNumber != i+1 || c.DrawLimit != 2 || c.SeedGiven != (seed != nil) || c.CreatedBy != workingGroup.Username || c.DrawnOn != civil.Of(time.Now()).String() {
					t.Errorf("draw %d: %+v", i+1, c)
				}
			}
			r, raw := post(t, srv.URL, draw, map[string]any{"seed": "tct-b"})
			if len(r.Errors) != 1 || r.Errors[0]["extensions"].(map[string]any)["code"] != "TOO_COMPLEX" ||
				!strings.Contains(r.Errors[0]["message"].(string), "giới hạn 2 lần mỗi ngày") {
				t.Errorf("the third draw: %s, want TOO_COMPLEX naming the bound", raw)
			}
			var list struct{ SpotChecks []struct{ DrawNumber int } }
			decode(t, srv.URL, `{ spotChecks(wards: ["05431"]) { drawNumber } }`, nil, &list)
			if len(list.SpotChecks) != 2 || list.SpotChecks[0].DrawNumber != 2 || list.SpotChecks[1].DrawNumber != 1 {
				t.Errorf("spot checks read back %+v, want draws 2 and 1", list.SpotChecks)
			}
		})
	}
}
