package graph_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
	"hotro/internal/vntext"
)

// TestLinesByName pages through a ward's lines by the recipient's name, both ways: every line comes
// once, in the order of the folded name (Đ with D, Á with A), and the cursor keeps the order across
// pages; the batches filter keeps one list's lines.
func TestLinesByName(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			r := newResolver(t, d)
			admin := serve(t, r, &auth.Identity{UserID: 2, Username: "quantri", Role: auth.Admin})
			const q = `query($dir: OrderDirection, $after: String, $batches: [ID!]) {
  disbursements(filter: { wards: ["05431"], batches: $batches }, orderBy: { field: NAME, direction: $dir }, first: 37, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id beneficiary { fullName } } } } }`
			type answer struct {
				Disbursements struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct {
						Node struct {
							ID          string
							Beneficiary struct{ FullName string }
						}
					}
				}
			}
			all := func(t *testing.T, dir string, batches []string) (names []string, total int) {
				t.Helper()
				seen := map[string]bool{}
				var after any
				for {
					vars := map[string]any{"dir": dir, "after": after}
					if batches != nil {
						vars["batches"] = batches
					}
					res, raw := post(t, admin.URL+"/", q, vars)
					if len(res.Errors) > 0 {
						t.Fatalf("%s", raw)
					}
					var a answer
					if err := json.Unmarshal(res.Data, &a); err != nil {
						t.Fatal(err)
					}
					for _, e := range a.Disbursements.Edges {
						if seen[e.Node.ID] {
							t.Fatalf("line %s came twice", e.Node.ID)
						}
						seen[e.Node.ID] = true
						names = append(names, e.Node.Beneficiary.FullName)
					}
					total = a.Disbursements.TotalCount
					if !a.Disbursements.PageInfo.HasNextPage {
						return names, total
					}
					after = a.Disbursements.PageInfo.EndCursor
				}
			}
			for _, dir := range []string{"ASC", "DESC"} {
				t.Run(dir, func(t *testing.T) {
					names, total := all(t, dir, nil)
					if len(names) != total || total < 40 {
						t.Fatalf("got %d lines of %d (want every line of a ward with more than one page)", len(names), total)
					}
					for i := 1; i < len(names); i++ {
						a, b := vntext.Fold(names[i-1]), vntext.Fold(names[i])
						if (dir == "ASC" && a > b) || (dir == "DESC" && a < b) {
							t.Fatalf("%s: %q (%s) before %q (%s)", dir, names[i-1], a, names[i], b)
						}
					}
				})
			}
			t.Run("a masked role by family name only", func(t *testing.T) {
				leader := serve(t, r, &auth.Identity{UserID: 4, Username: "lanhdao", Role: auth.Leader})
				var prevFamily string
				var prevID int
				var after any
				seen := 0
				for {
					res, raw := post(t, leader.URL+"/", q, map[string]any{"dir": "ASC", "after": after})
					if len(res.Errors) > 0 {
						t.Fatalf("%s", raw)
					}
					var a answer
					if err := json.Unmarshal(res.Data, &a); err != nil {
						t.Fatal(err)
					}
					for _, e := range a.Disbursements.Edges {
						family := vntext.Fold(strings.Fields(e.Node.Beneficiary.FullName)[0])
						id, _ := strconv.Atoi(e.Node.ID)
						if family < prevFamily || (family == prevFamily && id < prevID) {
							t.Fatalf("%q (line %d) after %q (line %d): want family name, then line ID", family, id, prevFamily, prevID)
						}
						prevFamily, prevID = family, id
						seen++
					}
					if !a.Disbursements.PageInfo.HasNextPage {
						if seen != a.Disbursements.TotalCount {
							t.Errorf("%d lines of %d", seen, a.Disbursements.TotalCount)
						}
						break
					}
					after = a.Disbursements.PageInfo.EndCursor
				}
			})
			t.Run("one list", func(t *testing.T) {
				var batch int64
				var want int
				ctx := context.Background()
				if err := d.NewRaw(`SELECT d.batch_id, COUNT(*) FROM disbursements AS d JOIN admin_units AS w ON w.id = d.ward_id
  WHERE w.code = '05431' AND d.batch_id IS NOT NULL GROUP BY d.batch_id ORDER BY d.batch_id LIMIT 1`).Scan(ctx, &batch, &want); err != nil {
					t.Skipf("the demo data has no imported list in 05431: %v", err)
				}
				names, total := all(t, "ASC", []string{strconv.FormatInt(batch, 10)})
				if total != want || len(names) != want {
					t.Errorf("batch %d: %d lines (%d listed), want %d", batch, total, len(names), want)
				}
			})
		})
	}
}

// recipientAnswer is what the recipient tests read of a beneficiary answer.
type recipientAnswer struct {
	Beneficiary *struct {
		Visibility    string
		FullName      string
		CitizenID     string
		Address       *string
		Disbursements struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Status string
					Program    struct{ Code string }
				}
			}
		}
		History []struct {
			Action, Entity, EntityID, Actor string
			After                           *string
		}
	}
}

const recipientQuery = `query($id: ID!) { beneficiary(id: $id) { visibility fullName citizenId address
  disbursements(first: 200) { totalCount edges { node { id status program { code } } } }
  history { action entity entityId actor after } } }`

// TestRecipientPage: a recipient's page shows every line and the audit of their changes to the
// ward's officers and admins in full, to leaders masked (the same masking as lists), and to nobody
// else: an officer of another ward and a visitor get no answer.
func TestRecipientPage(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			r := newResolver(t, d)
			ctx := context.Background()
			var ben, wardID, lineID, lines int64
			var ward, name, citizenID string
			if err := d.NewRaw(`SELECT b.id, b.ward_id, w.code, b.full_name, b.citizen_id, MIN(d.id), COUNT(*) FROM beneficiaries AS b
  JOIN disbursements AS d ON d.beneficiary_id = b.id JOIN admin_units AS w ON w.id = b.ward_id
  WHERE b.citizen_id IS NOT NULL AND d.ward_id = b.ward_id
  GROUP BY b.id, b.ward_id, w.code, b.full_name, b.citizen_id HAVING COUNT(*) > 1 ORDER BY b.id LIMIT 1`).
				Scan(ctx, &ben, &wardID, &ward, &name, &citizenID, &lineID, &lines); err != nil {
				t.Fatal(err)
			}
			var otherWard int64
			if err := d.NewRaw("SELECT id FROM admin_units WHERE level = 'COMMUNE' AND id <> ? ORDER BY id LIMIT 1", wardID).Scan(ctx, &otherWard); err != nil {
				t.Fatal(err)
			}
			// One step on the first line, as the workflow records it, and one on another recipient's line.
			var otherLine int64
			if err := d.NewRaw("SELECT MIN(id) FROM disbursements WHERE beneficiary_id <> ?", ben).Scan(ctx, &otherLine); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2020, 6, 1, 3, 0, 0, 0, time.UTC)
			if err := audit.NewStore(d).Record(ctx,
				&audit.Event{At: at, Actor: "canbo.test", Action: "disbursement.post", Entity: "disbursement", EntityID: strconv.FormatInt(lineID, 10),
					WardID: &wardID, Before: audit.JSON(map[string]any{"status": "LISTED"}), After: audit.JSON(map[string]any{"status": "POSTED", "postedOn": "2020-06-01"}), RequestID: "t"},
				&audit.Event{At: at, Actor: "canbo.test", Action: "disbursement.post", Entity: "disbursement", EntityID: strconv.FormatInt(otherLine, 10),
					RequestID: "t"}); err != nil {
				t.Fatal(err)
			}
			ask := func(t *testing.T, id *auth.Identity) (recipientAnswer, []byte) {
				t.Helper()
				srv := serve(t, r, id)
				res, raw := post(t, srv.URL+"/", recipientQuery, map[string]any{"id": strconv.FormatInt(ben, 10)})
				var a recipientAnswer
				if res.Data != nil {
					if err := json.Unmarshal(res.Data, &a); err != nil {
						t.Fatal(err)
					}
				}
				return a, raw
			}
			lineKey := strconv.FormatInt(lineID, 10)
			checkLinesAndHistory := func(t *testing.T, a recipientAnswer) {
				t.Helper()
				if got := a.Beneficiary.Disbursements.TotalCount; int64(got) != lines || len(a.Beneficiary.Disbursements.Edges) != got {
					t.Errorf("%d lines (%d listed), want %d", got, len(a.Beneficiary.Disbursements.Edges), lines)
				}
				if len(a.Beneficiary.History) != 1 || a.Beneficiary.History[0].EntityID != lineKey || a.Beneficiary.History[0].Action != "disbursement.post" {
					t.Errorf("history %+v, want the one post of line %s", a.Beneficiary.History, lineKey)
				}
			}
			for _, c := range []struct {
				name string
				id   *auth.Identity
			}{
				{"admin", &auth.Identity{UserID: 2, Username: "quantri", Role: auth.Admin}},
				{"the ward's officer", &auth.Identity{UserID: 3, Username: "canbo", Role: auth.WardOfficer, WardIDs: []int64{wardID}, WardCodes: []string{ward}}},
			} {
				t.Run(c.name+" sees in full", func(t *testing.T) {
					a, raw := ask(t, c.id)
					if a.Beneficiary == nil {
						t.Fatalf("no recipient: %s", raw)
					}
					if a.Beneficiary.Visibility != "FULL" || a.Beneficiary.FullName != name || a.Beneficiary.CitizenID != citizenID {
						t.Errorf("got %s %q %q, want FULL %q %q", a.Beneficiary.Visibility, a.Beneficiary.FullName, a.Beneficiary.CitizenID, name, citizenID)
					}
					checkLinesAndHistory(t, a)
				})
			}
			for _, role := range []auth.Role{auth.Leader, auth.Analyst} {
				t.Run(string(role)+" sees masked", func(t *testing.T) {
					a, raw := ask(t, &auth.Identity{UserID: 4, Username: "lanhdao", Role: role})
					if a.Beneficiary == nil {
						t.Fatalf("no recipient: %s", raw)
					}
					b := a.Beneficiary
					if b.Visibility != "MASKED" || b.FullName != auth.MaskName(name) || b.CitizenID != auth.MaskID(citizenID) || b.Address != nil {
						t.Errorf("got %s %q %q %v, want MASKED %q %q and no address", b.Visibility, b.FullName, b.CitizenID, b.Address, auth.MaskName(name), auth.MaskID(citizenID))
					}
					if strings.Contains(string(raw), name) || strings.Contains(string(raw), citizenID) {
						t.Errorf("the answer holds the name or the ID in full: %s", raw)
					}
					checkLinesAndHistory(t, a)
				})
			}
			for _, c := range []struct {
				name string
				id   *auth.Identity
				code string
			}{
				{"an officer of another ward", &auth.Identity{UserID: 5, Username: "canbo.khac", Role: auth.WardOfficer, WardIDs: []int64{otherWard}}, "NOT_FOUND"},
				{"a visitor", nil, "FORBIDDEN"},
			} {
				t.Run(c.name+" sees nothing", func(t *testing.T) {
					a, raw := ask(t, c.id)
					if a.Beneficiary != nil || !strings.Contains(string(raw), c.code) {
						t.Errorf("got %s, want no recipient and %s", raw, c.code)
					}
					if strings.Contains(string(raw), name) {
						t.Errorf("the answer names the recipient: %s", raw)
					}
				})
			}
		})
	}
}
