package officialdoc

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Where LibreOffice is installed (it is not required), the DOCX opens in it and prints the same
// heading and totals: the office finishes the report there or in Word.
func TestDOCXOpensInLibreOffice(t *testing.T) {
	if raceEnabled {
		t.Skip("LibreOffice runs in the pass without -race")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice is not installed (optional: apt-get install libreoffice-writer-nogui)")
	}
	var docx bytes.Buffer
	if err := WriteDOCX(&docx, thaiNguyenReport()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(in, docx.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "report.pdf"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no PDF: %v", err)
	}
	pages := pdfText(t, pdf)
	if last := strings.Fields(pages[len(pages)-1]); len(last) <= 1 {
		t.Errorf("the last of %d pages is empty but for its number: %q", len(pages), last)
	}
	flat := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	for _, want := range []string{
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 123/BC-UBND",
		"Thái Nguyên, ngày 20 tháng 5 năm 2020", "13.935 người", "18.692.500.000 đồng",
		"Tổng cộng", "11.255", "Nơi nhận:", "Nguyễn Văn Bình",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the DOCX as LibreOffice prints it has no %q", want)
		}
	}
}
