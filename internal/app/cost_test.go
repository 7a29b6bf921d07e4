package app_test

import (
	"fmt"
	"strings"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestWardsAttackIsRefused sends issue 15's query (thirty aliases of every ward with its totals)
// as a signed-in analyst and a ward officer, on every dialect: it is refused with TOO_COMPLEX and a
// Vietnamese message, and the server logs no error for it; a simple query still answers.
func TestWardsAttackIsRefused(t *testing.T) {
	var attack strings.Builder
	attack.WriteString("{")
	for i := range 30 {
		fmt.Fprintf(&attack, " a%d: wards { code stats { amountPaid peopleSupported beneficiaries } }", i)
	}
	attack.WriteString(" }")
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			srv := apptest.Start(t, seedtest.Demo(t, dialect), nil)
			for _, user := range []string{"phantich", "canbo.quantrieu"} {
				c := srv.NewClient()
				c.SignIn(t, user, seedtest.DemoPassword)
				res := c.GraphQL(t, attack.String(), nil)
				if res.Code() != "TOO_COMPLEX" || !strings.Contains(string(res.Raw), "Truy vấn quá tốn kém") {
					t.Errorf("%s: %.300s; want TOO_COMPLEX in Vietnamese", user, res.Raw)
				}
				if res := c.GraphQL(t, `{ stats { total { amountPaid } } }`, nil); len(res.Errors) > 0 {
					t.Errorf("%s: a simple query after the attack: %s", user, res.Raw)
				}
			}
			if logs := srv.Logs(); strings.Contains(logs, "level=ERROR") {
				t.Errorf("errors logged:\n%.1000s", logs)
			}
		})
	}
}
