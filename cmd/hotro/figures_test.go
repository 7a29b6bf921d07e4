package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hotro/internal/db/dbtest"
)

// TestFiguresLoadCommand loads ward figures from a CSV file and refuses a file with a wrong row,
// naming the row, without writing any of it.
func TestFiguresLoadCommand(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			url := databaseURL(t, dialect, func(url string) {
				if err := run(context.Background(), []string{"seed", "--database-url", url, "--log-level", "warn"}, envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
					t.Fatal(err)
				}
			})
			dir := t.TempDir()
			loadFile := func(content string, flags ...string) (string, error) {
				file := filepath.Join(dir, "dan-so.csv")
				if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
				var stdout bytes.Buffer
				args := append([]string{"figures", "load", file, "--database-url", url, "--log-level", "warn"}, flags...)
				err := run(context.Background(), args, envOf(nil), strings.NewReader(""), &stdout, &bytes.Buffer{})
				return stdout.String(), err
			}
			_, err := loadFile("ma_xa,nam,dan_so,so_ho,nguon\n05431,2020,30000,9000,Niên giám\n05434,2020,0,10,Niên giám\n")
			if err == nil || !strings.Contains(err.Error(), "dòng 3: dân số \"0\" phải là số nguyên dương") {
				t.Fatalf("a wrong row: %v", err)
			}
			out, err := loadFile("ma_xa,nam,dan_so,so_ho,nguon\n05431,2020,30000,9000,Niên giám\n05434,2020,20000,6000,Niên giám\n", "--illustrative")
			if err != nil || !strings.Contains(out, "loaded 2 ward figures for [2020]") {
				t.Fatalf("load: %q, %v", out, err)
			}
			if _, err := loadFile("x"); err == nil || !strings.Contains(err.Error(), "Cột \"x\" không được hỗ trợ") {
				t.Errorf("a bad header: %v", err)
			}
		})
	}
}
