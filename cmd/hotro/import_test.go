package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// householdList writes a poor-household list of n households with IDs the demo data does not use.
func householdList(t *testing.T, n int) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\ufeffHọ và tên,Số CCCD/CMND,Ngày sinh,Số nhân khẩu,Địa chỉ\r\n")
	for i := range n {
		fmt.Fprintf(&b, "Nguyễn Văn Thử %d,0010%02d%06d,01/01/19%02d,%d,Tổ %d\r\n", i, 50+i%40, 900_000+i%100_000, 50+i%40, 1+i%6, 1+i%30)
	}
	path := filepath.Join(t.TempDir(), "ho-ngheo.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// databaseURL returns a database of the dialect holding the reference and demo data.
func databaseURL(t *testing.T, dialect db.Dialect, seedWith func(url string)) string {
	t.Helper()
	if dialect == db.SQLite {
		return "sqlite:" + seedtest.SQLiteDemoFile(t)
	}
	url := dbtest.Target(t, dialect).DSN
	seedWith(url)
	return url
}

// tableCounts reads how many rows the tables an import writes hold, and the data version.
func tableCounts(t *testing.T, url string) string {
	t.Helper()
	target, err := db.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), target, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for _, table := range []string{"beneficiaries", "disbursements", "import_batches", "audit_events", "rollups"} {
		n, err := d.NewSelect().Table(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s=%d", table, n))
	}
	var version, persons string
	if err := d.NewRaw("SELECT value FROM dataset_info WHERE key = 'data_version'").Scan(context.Background(), &version); err != nil {
		t.Fatal(err)
	}
	if err := d.NewRaw("SELECT CAST(next_value AS TEXT) FROM id_allocators WHERE name = 'person'").Scan(context.Background(), &persons); err != nil {
		t.Fatal(err)
	}
	return strings.Join(append(out, "version="+version, "persons="+persons), " ")
}

func TestImportCommand(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			url := databaseURL(t, dialect, func(url string) {
				if err := run(context.Background(), []string{"seed", "--database-url", url, "--log-level", "warn"}, envOf(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
					t.Fatal(err)
				}
				// The demo officers, without the demo data.
				for user, ward := range map[string]string{"canbo.quantrieu": "05431", "canbo.phucha": "05485"} {
					args := []string{"user", "add", user, "--role", "ward_officer", "--wards", ward, "--database-url", url, "--log-level", "warn"}
					if err := run(context.Background(), args, envOf(nil), strings.NewReader("mat-khau-thu-nghiem\n"), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
						t.Fatal(err)
					}
				}
			})
			good := householdList(t, 3)
			bad := filepath.Join(t.TempDir(), "sai.csv")
			if err := os.WriteFile(bad, []byte("Họ tên,CCCD,Số khẩu\nNguyễn Văn An,12345,4\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			imp := func(args ...string) (string, string, error) {
				var stdout, stderr bytes.Buffer
				all := append([]string{"import", "--database-url", url, "--log-level", "warn", "--program", "NQ42-2020", "--group", "HO_NGHEO", "--ward", "05431"}, args...)
				err := run(context.Background(), all, envOf(nil), strings.NewReader(""), &stdout, &stderr)
				return stdout.String(), stderr.String(), err
			}
			before := tableCounts(t, url)
			tests := []struct {
				name       string
				args       []string
				wantErr    bool
				wantOut    string
				wantStderr string
				writes     bool
			}{
				{"dry run prints every row", []string{good}, false, "dòng 4      hợp lệ    Nguyễn Văn Thử 2", "", false},
				{"dry run of a list with errors", []string{bad}, true, "invalid_id", "", false},
				{"another ward's officer", []string{"--as", "canbo.phucha", good}, true, "", "", false},
				{"commit as the ward's officer", []string{"--as", "canbo.quantrieu", "--commit", good}, false, "Đã nhập 3 dòng", "committing", true},
				{"the same file again", []string{"--commit", good}, false, "Không có gì được thêm", "", false},
				{"no file", nil, true, "", "import needs --program, --group, --ward and one FILE", false},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					out, errOut, err := imp(tt.args...)
					if err != nil {
						errOut += "hotro: " + err.Error() // as main prints it
					}
					if (err != nil) != tt.wantErr || !strings.Contains(out, tt.wantOut) || !strings.Contains(errOut, tt.wantStderr) {
						t.Errorf("error %v, want error %v\nstdout:\n%s\nstderr:\n%s", err, tt.wantErr, out, errOut)
					}
					after := tableCounts(t, url)
					if (after != before) != tt.writes {
						t.Errorf("tables %s, before %s; want written: %v", after, before, tt.writes)
					}
					before = after
				})
			}
		})
	}
}

// TestImportKilledWhileCommitting runs the real binary on a real database, kills it (SIGKILL)
// while its commit's transaction is open and has written its first rows, and finds the database
// exactly as it was.
func TestImportKilledWhileCommitting(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "hotro")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	list := householdList(t, 50_000)
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			url := databaseURL(t, dialect, func(url string) {
				if out, err := exec.Command(bin, "seed", "--database-url", url, "--log-level", "warn").CombinedOutput(); err != nil {
					t.Fatalf("seed: %v\n%s", err, out)
				}
			})
			before := tableCounts(t, url)
			cmd := exec.Command(bin, "import", "--database-url", url, "--log-level", "warn", "--program", "NQ42-2020",
				"--group", "HO_NGHEO", "--ward", "05431", "--commit", list)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			committing := make(chan bool, 1)
			go func() {
				lines := bufio.NewScanner(stderr)
				for lines.Scan() {
					if strings.Contains(lines.Text(), "rows written, not yet committed") {
						committing <- true
						break
					}
				}
				committing <- false
				for lines.Scan() {
				}
			}()
			select {
			case ok := <-committing:
				if !ok {
					_ = cmd.Wait()
					t.Fatalf("the import ended without committing: %s", stdout.String())
				}
			case <-time.After(2 * time.Minute):
				_ = cmd.Process.Kill()
				t.Fatal("no rows written within 2 minutes")
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("the import was not killed mid-commit (exit %v; it finished first?): %s", err, stdout.String())
			}
			if after := tableCounts(t, url); after != before {
				t.Errorf("after the kill: %s\nbefore:         %s", after, before)
			}
		})
	}
}
