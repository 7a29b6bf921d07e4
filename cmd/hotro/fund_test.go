package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"hotro/internal/db/dbtest"
)

// TestFundAllocateCommand records an allocation from the command line and refuses a repeated
// decision, a bad amount and a missing flag with messages a city officer can act on.
func TestFundAllocateCommand(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			url := databaseURL(t, dialect, func(url string) {
				if err := run(context.Background(), []string{"seed", "--database-url", url, "--log-level", "warn"}, envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
					t.Fatal(err)
				}
			})
			allocate := func(args ...string) (string, error) {
				var stdout, stderr bytes.Buffer
				all := append([]string{"fund", "allocate", "--database-url", url, "--log-level", "warn", "--program", "NQ42-2020", "--fund", "NSTP"}, args...)
				err := run(context.Background(), all, envOf(nil), strings.NewReader(""), &stdout, &stderr)
				return stdout.String(), err
			}
			city := []string{"--unit", "164", "--decision", "88/QĐ-UBND", "--decided-on", "2020-04-20"}
			out, err := allocate(append(city, "--amount", "2.500.000.000")...)
			if err != nil || !strings.Contains(out, "recorded: 2.500.000.000 đồng of fund NSTP to unit 164 by decision 88/QĐ-UBND of 20/04/2020") {
				t.Fatalf("allocate: %q, %v", out, err)
			}
			cases := []struct {
				name string
				args []string
				want string
			}{
				{"the same decision again", append(city, "--amount", "1"), "đã được ghi"},
				{"an amount that is not a number", append(city, "--amount", "năm tỷ"), "give the amount in đồng"},
				{"a zero amount", []string{"--unit", "05431", "--decision", "9", "--decided-on", "2020-04-20", "--amount", "0"}, "lớn hơn 0"},
				{"a bad date", []string{"--unit", "05431", "--decision", "9", "--decided-on", "20/04/2020", "--amount", "5"}, "YYYY-MM-DD"},
				{"no decision", []string{"--unit", "05431", "--decided-on", "2020-04-20", "--amount", "5"}, "needs --program"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if _, err := allocate(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
						t.Errorf("got %v, want an error with %q", err, c.want)
					}
				})
			}
		})
	}
}
