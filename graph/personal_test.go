package graph_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// TestExampleAnswersHoldNoPersonalData scans every golden answer (the examples run as an analyst)
// for any recipient's full name or full ID number.
func TestExampleAnswersHoldNoPersonalData(t *testing.T) {
	d := seedtest.Demo(t, dbtest.Dialects()[0])
	var names, ids []string
	ctx := context.Background()
	if err := d.NewRaw("SELECT full_name FROM beneficiaries").Scan(ctx, &names); err != nil {
		t.Fatal(err)
	}
	if err := d.NewRaw("SELECT citizen_id FROM beneficiaries WHERE citizen_id IS NOT NULL").Scan(ctx, &ids); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/golden/*.json")
	if len(files) == 0 {
		t.Fatal("no golden answers")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, id := range ids {
			if strings.Contains(text, id) {
				t.Errorf("%s holds the full ID number %s", f, id)
			}
		}
		for _, n := range names {
			if strings.Contains(text, `"`+n+`"`) {
				t.Errorf("%s holds the full name %s", f, n)
			}
		}
	}
}
