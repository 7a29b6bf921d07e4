package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"hotro/internal/auth"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
	"hotro/internal/vntext"
)

// searchAnswer is what the search tests read of a disbursements answer.
type searchAnswer struct {
	Disbursements struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Ward        struct{ Code string }
				Beneficiary struct{ FullName, CitizenID string }
			}
		}
	}
}

const searchQuery = `query($s: String) { disbursements(filter: { search: $s }, first: 200) {
  totalCount edges { node { ward { code } beneficiary { fullName citizenId } } } } }`

// TestSearchFindsAnyone finds lines by a name typed without diacritics or case, by a full ID and
// by its last four digits, within the caller's scope, on every dialect.
func TestSearchFindsAnyone(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			r := newResolver(t, d)
			var wardID int64
			if err := d.NewRaw("SELECT id FROM admin_units WHERE level = 'COMMUNE' AND code = '05431' ORDER BY id DESC LIMIT 1").Scan(context.Background(), &wardID); err != nil {
				t.Fatal(err)
			}
			admin := serve(t, r, &auth.Identity{UserID: 2, Username: "quantri", Role: auth.Admin})
			officer := serve(t, r, &auth.Identity{UserID: 3, Username: "canbo.quantrieu", Role: auth.WardOfficer, WardIDs: []int64{wardID}, WardCodes: []string{"05431"}})
			leader := serve(t, r, &auth.Identity{UserID: 4, Username: "lanhdao", Role: auth.Leader})
			search := func(t *testing.T, url, s string) searchAnswer {
				t.Helper()
				res, raw := post(t, url+"/", searchQuery, map[string]any{"s": s})
				if len(res.Errors) > 0 {
					t.Fatalf("search %q: %s", s, raw)
				}
				var a searchAnswer
				if err := json.Unmarshal(res.Data, &a); err != nil {
					t.Fatal(err)
				}
				return a
			}

			t.Run("name without diacritics or case", func(t *testing.T) {
				plain := search(t, admin.URL, "nguyen thi nhung")
				if plain.Disbursements.TotalCount == 0 {
					t.Fatal("nothing found for nguyen thi nhung")
				}
				for _, e := range plain.Disbursements.Edges {
					if !strings.Contains(vntext.Fold(e.Node.Beneficiary.FullName), "nguyen thi nhung") {
						t.Errorf("found %q", e.Node.Beneficiary.FullName)
					}
				}
				if got := search(t, admin.URL, "  NGUYỄN Thị   nhung ").Disbursements.TotalCount; got != plain.Disbursements.TotalCount {
					t.Errorf("with diacritics and capitals: %d lines, without: %d", got, plain.Disbursements.TotalCount)
				}
			})
			t.Run("full ID and last four", func(t *testing.T) {
				full := search(t, admin.URL, "019162835155")
				if full.Disbursements.TotalCount == 0 {
					t.Fatal("nothing found by a full ID")
				}
				for _, e := range full.Disbursements.Edges {
					if e.Node.Beneficiary.CitizenID != "019162835155" {
						t.Errorf("found ID %q", e.Node.Beneficiary.CitizenID)
					}
				}
				for _, url := range []string{admin.URL, leader.URL} {
					four := search(t, url, "5155")
					if four.Disbursements.TotalCount < full.Disbursements.TotalCount {
						t.Errorf("last four: %d lines, fewer than by the full ID (%d)", four.Disbursements.TotalCount, full.Disbursements.TotalCount)
					}
					for _, e := range four.Disbursements.Edges {
						if !strings.HasSuffix(e.Node.Beneficiary.CitizenID, "5155") {
							t.Errorf("last four found ID %q", e.Node.Beneficiary.CitizenID)
						}
					}
				}
			})
			t.Run("a ward officer finds only their wards", func(t *testing.T) {
				mine := search(t, officer.URL, "nguyen")
				if mine.Disbursements.TotalCount == 0 {
					t.Fatal("the officer found nobody named Nguyễn in 05431")
				}
				for _, e := range mine.Disbursements.Edges {
					if e.Node.Ward.Code != "05431" {
						t.Errorf("the officer of 05431 found a line of %s", e.Node.Ward.Code)
					}
				}
				// Nguyễn Thị Nhung (019162835155) is listed in 05710; namesakes in 05431 may be found.
				if got := search(t, officer.URL, "019162835155").Disbursements.TotalCount; got != 0 {
					t.Errorf("the officer of 05431 found %d lines of 05710 by a full ID", got)
				}
				for _, e := range search(t, officer.URL, "nguyen thi nhung").Disbursements.Edges {
					if e.Node.Ward.Code != "05431" || e.Node.Beneficiary.CitizenID == "019162835155" {
						t.Errorf("the officer of 05431 found %s of %s", e.Node.Beneficiary.CitizenID, e.Node.Ward.Code)
					}
				}
			})
		})
	}
}

// TestSearchNoOracleForMaskedRoles: a role that sees masked data cannot learn whether a full ID
// or a name is listed: the answer is the same refusal for a listed and an unlisted one.
func TestSearchNoOracleForMaskedRoles(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := seedtest.Demo(t, dialect)
			r := newResolver(t, d)
			for _, role := range []auth.Role{auth.Leader, auth.Analyst} {
				srv := serve(t, r, &auth.Identity{UserID: 5, Username: string(role), Role: role})
				for _, pair := range [][2]string{
					{"019162835155", "019999999999"},
					{"nguyen thi nhung", "khong co ai ten nay"},
				} {
					for _, q := range []string{searchQuery,
						`query($s: String) { beneficiaries(filter: { search: $s }) { totalCount edges { node { citizenId } } } }`} {
						listed, rawListed := post(t, srv.URL+"/", q, map[string]any{"s": pair[0]})
						_, rawUnlisted := post(t, srv.URL+"/", q, map[string]any{"s": pair[1]})
						if len(listed.Errors) == 0 || listed.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
							t.Errorf("%s searching %q: %s, want FORBIDDEN", role, pair[0], rawListed)
						}
						if string(rawListed) != string(rawUnlisted) {
							t.Errorf("%s tells a listed %q from an unlisted %q:\n%s\n%s", role, pair[0], pair[1], rawListed, rawUnlisted)
						}
						if strings.Contains(string(rawListed), pair[0]) {
							t.Errorf("the refusal repeats %q: %s", pair[0], rawListed)
						}
					}
				}
			}
		})
	}
}
