package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hotro/internal/seed/seedtest"
)

// TestSnapshotAndReportCommands: a snapshot is made, listed, shown, compared with now and
// withdrawn from the command line, and its report written as PDF (its text read back) and DOCX;
// wrong arguments are refused with what to give.
func TestSnapshotAndReportCommands(t *testing.T) {
	url := seedtest.SQLiteDemoFile(t)
	hotro := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		all := append(args, "--database-url", url, "--log-level", "warn")
		err := run(context.Background(), all, envOf(nil), strings.NewReader(""), &stdout, &stderr)
		return stdout.String(), err
	}
	out, err := hotro("snapshot", "create", "--name", "Báo cáo 123", "--document", "Báo cáo số 123/BC-UBND ngày 20/05/2020")
	if err != nil || !strings.Contains(out, "snapshot 1: Báo cáo 123") || !strings.Contains(out, "made by cli") {
		t.Fatalf("create: %q, %v", out, err)
	}
	if out, err := hotro("snapshot", "list"); err != nil || !strings.Contains(out, "Báo cáo số 123/BC-UBND") || !strings.Contains(out, "chính thức") {
		t.Errorf("list: %q, %v", out, err)
	}
	if out, err := hotro("snapshot", "diff", "1", "now", "--by", "group"); err != nil || !strings.Contains(out, "0 lines changed") {
		t.Errorf("diff: %q, %v", out, err)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "bao-cao.pdf")
	if out, err := hotro("report", "--snapshot", "1", "--format", "pdf", "--out", pdf, "--signer", "Nguyễn Văn A", "--parent-body", "UBND TỈNH THÁI NGUYÊN"); err != nil || !strings.Contains(out, "wrote") {
		t.Fatalf("report pdf: %q, %v", out, err)
	}
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	show, _ := hotro("snapshot", "show", "1")
	for _, want := range []string{"123/BC-UBND", "Nguyễn Văn A", "THÀNH PHỐ THÁI NGUYÊN"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	// The paid total the snapshot shows is in the PDF, in the same Vietnamese format.
	paid := strings.Fields(strings.SplitN(strings.SplitAfter(show, "paid ")[1], " đồng", 2)[0])[0]
	if !strings.Contains(string(text), paid) {
		t.Errorf("the PDF lacks the total paid %s (%q)", paid, show)
	}
	docx := filepath.Join(dir, "bao-cao.docx")
	if _, err := hotro("report", "--snapshot", "1", "--format", "docx", "--out", docx, "--signer", "Nguyễn Văn A"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(docx); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("the DOCX is not a zip: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"snapshot", "create", "--name", "x"}, "Cần văn bản"},
		{[]string{"snapshot", "show", "abc"}, "not a snapshot number"},
		{[]string{"snapshot", "show", "99"}, "Không có bản số liệu"},
		{[]string{"snapshot", "delete", "1"}, "unknown action"},
		{[]string{"snapshot", "withdraw", "1"}, "Cần lý do"},
		{[]string{"report", "--snapshot", "1", "--format", "odt", "--out", docx}, "--format docx or pdf"},
		{[]string{"report", "--snapshot", "1", "--format", "pdf", "--out", pdf}, "họ tên người ký"},
	} {
		if _, err := hotro(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.args, err, c.want)
		}
	}
	if out, err := hotro("snapshot", "withdraw", "1", "--reason", "Số liệu phường Quán Triều nhập sai"); err != nil || !strings.Contains(out, "withdrawn: 1") {
		t.Errorf("withdraw: %q, %v", out, err)
	}
	if _, err := hotro("report", "--snapshot", "1", "--format", "pdf", "--out", pdf, "--signer", "A"); err == nil || !strings.Contains(err.Error(), "đã được rút") {
		t.Errorf("a report from a withdrawn snapshot: %v", err)
	}
}
