package beneficiary_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

func readsRecorded(t *testing.T, d *bun.DB) int {
	t.Helper()
	var n int
	if err := d.NewRaw("SELECT COUNT(*) FROM audit_events WHERE action = ?", beneficiary.ReadAction).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWorkingGroupReadsAreRecorded: each recipient given in full to the working group is one audit
// event, on every read; admins' and masked roles' reads are not recorded; and when the record
// cannot be written the working group is given nothing.
func TestWorkingGroupReadsAreRecorded(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			if err := d.NewRaw("SELECT id FROM beneficiaries ORDER BY id LIMIT 3").Scan(context.Background(), &ids); err != nil {
				t.Fatal(err)
			}
			r := beneficiary.NewReader(d)
			as := func(role auth.Role) context.Context {
				return auth.WithIdentity(context.Background(), &auth.Identity{UserID: 5, Username: "who." + string(role), Role: role})
			}
			for _, role := range []auth.Role{auth.Admin, auth.Leader, auth.Analyst} {
				if _, err := r.ByIDs(as(role), ids); err != nil {
					t.Fatal(err)
				}
			}
			if n := readsRecorded(t, d); n != 0 {
				t.Errorf("%d reads recorded for admins and masked roles, want none", n)
			}
			for i := 1; i <= 2; i++ {
				got, err := r.ByIDs(as(auth.Supervisor), ids)
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range got {
					if b.Visibility != auth.Full {
						t.Errorf("the working group sees recipient %d %v", b.ID, b.Visibility)
					}
				}
				if n := readsRecorded(t, d); n != 3*i {
					t.Errorf("after %d reads of 3 recipients, %d recorded", i, n)
				}
			}
			page, err := r.List(as(auth.Supervisor), beneficiary.ListQuery{First: 4})
			if err != nil || len(page.Beneficiaries) != 4 {
				t.Fatalf("list: %v", err)
			}
			if n := readsRecorded(t, d); n != 10 {
				t.Errorf("after a list of 4, %d recorded; want 10", n)
			}

			// A search is recorded as typed, even one that finds nobody.
			if _, err := r.List(as(auth.Supervisor), beneficiary.ListQuery{First: 5, Filter: beneficiary.Filter{Search: "khong co ai ten nay"}}); err != nil {
				t.Fatal(err)
			}
			var searches int
			if err := d.NewRaw("SELECT COUNT(*) FROM audit_events WHERE action = ? AND CAST(after AS TEXT) LIKE '%khong co ai ten nay%'", beneficiary.SearchAction).Scan(context.Background(), &searches); err != nil || searches != 1 {
				t.Errorf("searches recorded: %d, %v", searches, err)
			}

			// The record goes to its own database (the primary, when reads go to a replica); when it
			// cannot be written, nothing is given.
			broken := dbtest.Open(t, dialect)
			if _, err := broken.NewRaw("DROP TABLE audit_events").Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
			replica := beneficiary.NewReplicaReader(d, broken)
			if got, err := replica.ByIDs(as(auth.Supervisor), ids); err == nil || got != nil {
				t.Errorf("with no audit trail the working group was given %v (%v)", got, err)
			}
			if _, err := replica.ByIDs(as(auth.Admin), ids); err != nil {
				t.Errorf("an admin's read needs no record: %v", err)
			}
		})
	}
}
