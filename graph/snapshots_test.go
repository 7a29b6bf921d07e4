package graph_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"hotro/internal/auth"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/reference"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
	"hotro/internal/snapshot"
)

// officialQuery is what a visitor asks of the newest official snapshot.
const officialQuery = `query Official { officialSnapshot { name document createdBy official publicStats(groupBy: [WARD]) { minCount total { suppressed amountPaid } rows { ward { code } totals { suppressed amountPaid peopleSupported } } } } }`

// TestSnapshotsThroughTheAPI: a leader freezes the figures; `snapshot.stats` answers what `stats`
// answers, in the same shape; what the tables do not hold is refused; the diff with now is empty
// while nothing changed; visitors see the official snapshot's public figures (and no author),
// nothing else of snapshots; ward officers and analysts cannot make one.
func TestSnapshotsThroughTheAPI(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			r := newLoaderResolver(t, d)
			ref := reference.NewCache(d)
			r.Snapshots = snapshot.NewService(d, rollup.NewEngineShared(d, ref), ref, dataset.NewStore(d).Version, time.Now, 5)
			leader := serve(t, r, &auth.Identity{UserID: 2, Username: "lanhdao", Role: auth.Leader})
			res, raw := post(t, leader.URL+"/graphql", `mutation { createSnapshot(name: "Báo cáo 123", document: "Báo cáo số 123/BC-UBND ngày 20/05/2020") { id name createdBy official } }`, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("create: %s", raw)
			}
			var made struct {
				CreateSnapshot struct{ ID, Name, CreatedBy string }
			}
			json.Unmarshal(res.Data, &made)
			id := made.CreateSnapshot.ID
			if id == "" || made.CreateSnapshot.CreatedBy != "lanhdao" {
				t.Fatalf("made %s", raw)
			}
			an := serve(t, r, analyst)
			const sel = `(groupBy: [WARD], filter: { rounds: ["NQ42_DOT1"] }, orderBy: { field: AMOUNT_PAID }, first: 5) { total { amountPaid peopleSupported beneficiaries disbursements amountListed amountApproved } rows { ward { code name } totals { amountPaid peopleSupported } } }`
			live, liveRaw := post(t, an.URL+"/graphql", `{ stats`+sel+` }`, nil)
			frozen, frozenRaw := post(t, an.URL+"/graphql", `query($id: ID!) { snapshot(id: $id) { stats`+sel+` } }`, map[string]any{"id": id})
			if len(live.Errors)+len(frozen.Errors) > 0 {
				t.Fatalf("live %s\nfrozen %s", liveRaw, frozenRaw)
			}
			var wrapped struct{ Snapshot json.RawMessage }
			json.Unmarshal(frozen.Data, &wrapped)
			if !bytes.Equal(compact(t, live.Data), compact(t, wrapped.Snapshot)) {
				t.Errorf("snapshot.stats differs from stats:\n%s\n%s", live.Data, wrapped.Snapshot)
			}
			// What stats derives after grouping (shares, ranks, series, undefined measures, the
			// returned and cancelled amounts) is answered the same by the snapshot.
			const totals = `{ amountPaid amountListed amountApproved amountReturned amountCancelled shareOfTotal paidShareOfListed averagePerRecipient undefinedMeasures }`
			for _, args := range []string{
				`(groupBy: [FUND, MONTH], orderBy: { field: AMOUNT_RETURNED, direction: DESC })`,
				`(groupBy: [GROUP], filter: { paidFrom: "2020-05-01", paidTo: "2020-05-31" }, orderBy: { field: SHARE_OF_TOTAL, direction: DESC }, first: 3)`,
				`(groupBy: [WARD], orderBy: { field: AMOUNT_CANCELLED, direction: DESC }, first: 4)`,
			} {
				sel := args + ` { total ` + totals + ` rows { fund { code } group { code } ward { code } period { label } rank totals ` + totals +
					` running { amountPaid amountReturned amountCancelled } previous ` + totals + ` change { amountPaid amountPaidRatio } } }`
				live, liveRaw := post(t, an.URL+"/graphql", `{ stats`+sel+` }`, nil)
				frozen, frozenRaw := post(t, an.URL+"/graphql", `query($id: ID!) { snapshot(id: $id) { stats`+sel+` } }`, map[string]any{"id": id})
				if len(live.Errors)+len(frozen.Errors) > 0 {
					t.Fatalf("%s: live %s\nfrozen %s", args, liveRaw, frozenRaw)
				}
				var wrapped struct{ Snapshot json.RawMessage }
				json.Unmarshal(frozen.Data, &wrapped)
				if !bytes.Equal(compact(t, live.Data), compact(t, wrapped.Snapshot)) || !strings.Contains(string(live.Data), `"rank":2`) {
					t.Errorf("%s: snapshot.stats differs from stats:\n%s\n%s", args, live.Data, wrapped.Snapshot)
				}
			}
			// What only the lines answer is refused, naming it, as a question of the caller.
			for _, q := range []struct{ query, says string }{
				{`stats(filter: { kinds: [HOUSEHOLD] }) { total { amountPaid } }`, "kinds"},
				{`stats(filter: { listedFrom: "2020-05-01" }, groupBy: [WARD]) { total { amountPaid } }`, "listedFrom"},
				{`stats(filter: { amountFrom: 1000000 }) { total { amountPaid } }`, "amountFrom"},
				{`stats(filter: { breaksRule: true }) { total { amountPaid } }`, "breaksRule"},
				{`stats(groupBy: [INSTALMENT]) { total { amountPaid } }`, "INSTALMENT"},
				{`stats(groupBy: [WARD]) { rows { totals { daysListedToPaid { median } } } }`, "daysListedToPaid"},
				{`provenance(groupBy: [KIND]) { total { lines } }`, "KIND"},
				{`provenance(groupBy: [GROUP]) { rows { row { totals { daysListedToPaid { p90 } } } } }`, "daysListedToPaid"},
			} {
				res, raw := post(t, an.URL+"/graphql", `query($id: ID!) { snapshot(id: $id) { `+q.query+` } }`, map[string]any{"id": id})
				if len(res.Errors) != 1 || res.Errors[0]["extensions"].(map[string]any)["code"] != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0]["message"].(string), q.says) {
					t.Errorf("%s: %.400s", q.query, raw)
				}
			}
			prov, provRaw := post(t, an.URL+"/graphql", `query($id: ID!) { snapshot(id: $id) { provenance(groupBy: [WARD], first: 2) { total { lines lineDigest } rows { row { ward { code } totals { disbursements } } lines lineDigest lineIds(first: 3) } } } }`, map[string]any{"id": id})
			var p struct {
				Snapshot struct {
					Provenance struct {
						Total struct{ Lines int }
						Rows  []struct {
							Row        struct{ Totals struct{ Disbursements int } }
							Lines      int
							LineDigest string
							LineIds    []string
						}
					}
				}
			}
			json.Unmarshal(prov.Data, &p)
			if len(prov.Errors) > 0 || len(p.Snapshot.Provenance.Rows) != 2 || p.Snapshot.Provenance.Total.Lines == 0 {
				t.Fatalf("provenance: %s", provRaw)
			}
			for _, r := range p.Snapshot.Provenance.Rows {
				if r.Lines != r.Row.Totals.Disbursements || len(r.LineIds) != 3 || len(r.LineDigest) != 64 {
					t.Errorf("provenance row: %+v", r)
				}
			}
			// The line IDs of every ward's cell of every group at once cost more than a request may.
			costly, costlyRaw := post(t, an.URL+"/graphql", `query($id: ID!) { snapshot(id: $id) { provenance(groupBy: [WARD, GROUP]) { rows { lineIds(first: 1000) } } } }`, map[string]any{"id": id})
			if len(costly.Errors) == 0 || costly.Errors[0]["extensions"].(map[string]any)["code"] != "TOO_COMPLEX" {
				t.Errorf("every cell's lines at once: %.300s", costlyRaw)
			}
			refused, refusedRaw := post(t, an.URL+"/graphql", `query($id: ID!) { snapshot(id: $id) { stats(groupBy: [WARD, GROUP, MONTH]) { total { amountPaid } } } }`, map[string]any{"id": id})
			if len(refused.Errors) != 1 || refused.Errors[0]["extensions"].(map[string]any)["code"] != "BAD_USER_INPUT" || !strings.Contains(refused.Errors[0]["message"].(string), snapshot.Held) {
				t.Errorf("a table the snapshot does not hold: %s", refusedRaw)
			}
			diff, diffRaw := post(t, an.URL+"/graphql", `query($id: ID!) { snapshotDiff(from: $id, to: "now") { linesChanged cells(groupBy: [WARD]) { before { amountPaid amountReturned shareOfTotal } after { amountPaid amountReturned shareOfTotal } rows { row { ward { code } } } } } }`, map[string]any{"id": id})
			if len(diff.Errors) > 0 || !strings.Contains(string(diff.Data), `"linesChanged":0`) || !strings.Contains(string(diff.Data), `"rows":[]`) {
				t.Errorf("diff with now while nothing changed: %s", diffRaw)
			}

			visitor := serve(t, r, nil, officialQuery)
			pub, pubRaw := post(t, visitor.URL+"/graphql", officialQuery, nil)
			if len(pub.Errors) > 0 || !strings.Contains(string(pub.Data), `"createdBy":null`) || !strings.Contains(string(pub.Data), `"name":"Báo cáo 123"`) || !strings.Contains(string(pub.Data), `"suppressed"`) {
				t.Errorf("visitor: %s", pubRaw)
			}
			if res, raw := post(t, visitor.URL+"/graphql", `{ snapshots { id } }`, nil); len(res.Errors) == 0 {
				t.Errorf("a visitor listed snapshots: %s", raw)
			}
			officer := serve(t, r, &auth.Identity{UserID: 3, Username: "phuong", Role: auth.WardOfficer, WardIDs: []int64{1}})
			for who, srv := range map[string]string{"analyst": an.URL, "ward officer": officer.URL} {
				res, raw := post(t, srv+"/graphql", `mutation { createSnapshot(name: "x", document: "y") { id } }`, nil)
				if len(res.Errors) == 0 || res.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
					t.Errorf("%s made a snapshot: %s", who, raw)
				}
			}
			res, raw = post(t, officer.URL+"/graphql", `query($id: ID!) { snapshot(id: $id) { stats(groupBy: [WARD]) { total { amountPaid } } } }`, map[string]any{"id": id})
			if len(res.Errors) == 0 || res.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN" {
				t.Errorf("a ward officer read every ward of a snapshot: %s", raw)
			}
			res, raw = post(t, leader.URL+"/graphql", `mutation($id: ID!) { withdrawSnapshot(id: $id, reason: "Nhập sai số liệu phường Quán Triều") { official withdrawnReason withdrawnBy } }`, map[string]any{"id": id})
			if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"official":false`) {
				t.Errorf("withdraw: %s", raw)
			}
			if pub, raw := post(t, visitor.URL+"/graphql", officialQuery, nil); len(pub.Errors) > 0 || string(pub.Data) != `{"officialSnapshot":null}` {
				t.Errorf("visitor after the only snapshot was withdrawn: %s", raw)
			}
		})
	}
}

func compact(t *testing.T, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
