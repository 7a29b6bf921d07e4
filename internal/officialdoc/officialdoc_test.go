package officialdoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// docxParagraphs opens a DOCX, checks that every XML part parses and that the parts the package
// names are there, and returns the text of each non-empty paragraph of word/document.xml.
func docxParagraphs(t *testing.T, doc []byte) []string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			if err := wellFormed(b); err != nil {
				t.Errorf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
	}
	if z.File[0].Name != "[Content_Types].xml" {
		t.Errorf("first part = %s, want [Content_Types].xml", z.File[0].Name)
	}
	// Every relationship of the document points at a part that is there, with a content type.
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(files["word/_rels/document.xml.rels"], &rels); err != nil {
		t.Fatalf("document relationships: %v", err)
	}
	types := string(files["[Content_Types].xml"])
	for _, r := range rels.Rel {
		name := "word/" + r.Target
		if _, ok := files[name]; !ok {
			t.Errorf("relationship %s points at %s, which is not in the package", r.ID, name)
		}
		if !strings.Contains(types, `PartName="/`+name+`"`) && !strings.Contains(types, `Extension="`+strings.TrimPrefix(filepath.Ext(name), ".")+`"`) {
			t.Errorf("%s has no content type", name)
		}
		if r.ID != "rIdStyles" && r.ID != "rIdSettings" && !bytes.Contains(files["word/document.xml"], []byte(`"`+r.ID+`"`)) {
			t.Errorf("relationship %s is not used by the document", r.ID)
		}
	}
	return paragraphs(t, files["word/document.xml"])
}

func wellFormed(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// paragraphs reads the text of each w:p of a WordprocessingML part.
func paragraphs(t *testing.T, part []byte) []string {
	t.Helper()
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	dec := xml.NewDecoder(bytes.NewReader(part))
	var out []string
	var cur strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != w {
				continue
			}
			switch tok.Name.Local {
			case "p":
				cur.Reset()
			case "t":
				inText = true
			case "br", "tab":
				cur.WriteByte(' ')
			}
		case xml.EndElement:
			switch {
			case tok.Name.Space == w && tok.Name.Local == "t":
				inText = false
			case tok.Name.Space == w && tok.Name.Local == "p":
				if s := cur.String(); s != "" {
					out = append(out, s)
				}
			}
		case xml.CharData:
			if inText {
				cur.Write(tok)
			}
		}
	}
	return out
}

// pdfText is the text pdftotext reads from each page of the PDF.
func pdfText(t *testing.T, pdf []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is needed (Debian's poppler-utils; .ci/run installs it)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var pages []string
	for page := 1; ; page++ {
		out, err := exec.Command("pdftotext", "-f", itoa(page), "-l", itoa(page), "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			if len(pages) == 0 {
				t.Fatalf("pdftotext: %v", err)
			}
			break
		}
		pages = append(pages, string(out))
	}
	return pages
}

func itoa(n int) string { return strconv.Itoa(n) }

func writeBoth(t *testing.T, r Report) (docx, pdf []byte) {
	t.Helper()
	var d, p bytes.Buffer
	if err := WriteDOCX(&d, r); err != nil {
		t.Fatalf("WriteDOCX: %v", err)
	}
	if err := WritePDF(&p, r); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	return d.Bytes(), p.Bytes()
}

// TestThaiNguyenReport writes the city's report both ways and reads them back: the DOCX is a valid
// package whose text is the golden one, and the PDF says the same words, the heading and the
// totals in the Vietnamese way.
func TestThaiNguyenReport(t *testing.T) {
	r := thaiNguyenReport()
	docx, pdf := writeBoth(t, r)

	paras := docxParagraphs(t, docx)
	got := strings.Join(paras, "\n") + "\n"
	golden := filepath.Join("testdata", "thai-nguyen.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the DOCX text differs from %s (rerun with -update and review the diff):\n%s", golden, got)
	}

	wantLines := []string{
		"UBND TỈNH THÁI NGUYÊN",
		"ỦY BAN NHÂN DÂN THÀNH PHỐ THÁI NGUYÊN",
		"Số: 123/BC-UBND",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc",
		"Thái Nguyên, ngày 20 tháng 5 năm 2020",
		"BÁO CÁO",
		"Tổng số người được hỗ trợ: 13.935 người, thuộc 11.255 đối tượng được chi trả (người hoặc hộ); tổng số tiền đã chi: 18.692.500.000 đồng.",
		"Nơi nhận:",
		"TM. ỦY BAN NHÂN DÂN",
		"CHỦ TỊCH",
		"Nguyễn Văn Bình",
		"- Lưu: VT, LĐTBXH.",
	}
	for _, w := range wantLines {
		if !slices.Contains(paras, w) {
			t.Errorf("the DOCX has no paragraph %q", w)
		}
	}

	checkInsideMargins(t, pdf)
	pages := pdfText(t, pdf)
	all := strings.Join(pages, "\n")
	flat := strings.Join(strings.Fields(all), " ")
	for _, w := range []string{
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 123/BC-UBND",
		"Thái Nguyên, ngày 20 tháng 5 năm 2020", "BÁO CÁO",
		"Tổng số người được hỗ trợ: 13.935 người", "11.255 đối tượng", "18.692.500.000 đồng",
		"Tổng cộng 13.935 11.255 18.692.500.000", "Nơi nhận:", "Nguyễn Văn Bình",
	} {
		if !strings.Contains(flat, w) {
			t.Errorf("the PDF's text has no %q", w)
		}
	}
	// Both formats say the same: the same words (the PDF repeats a table's header on each page it
	// spans, as Word draws it), and every figure as many times, less the page numbers at the top
	// of the pages after the first.
	var pdfWords []string
	for i, p := range pages {
		words := strings.Fields(p)
		if i > 0 {
			if len(words) == 0 || words[0] != itoa(i+1) {
				t.Errorf("page %d does not start with its number: %.40q", i+1, p)
			} else {
				words = words[1:]
			}
		}
		pdfWords = append(pdfWords, words...)
	}
	docxWords := strings.Fields(got)
	if a, b := distinct(docxWords), distinct(pdfWords); !slices.Equal(a, b) {
		t.Errorf("the PDF and the DOCX say different words:\n%s", wordDiff(a, b))
	}
	if a, b := figures(docxWords), figures(pdfWords); !slices.Equal(a, b) {
		t.Errorf("the PDF and the DOCX have different figures:\n%s", wordDiff(a, b))
	}
	if len(pages) < 2 {
		t.Errorf("the report of 32 wards with a chart has %d page(s), want several", len(pages))
	}
}

// wordDiff lists the words one sorted list has more of than the other.
func wordDiff(a, b []string) string {
	count := map[string]int{}
	for _, w := range a {
		count[w]++
	}
	for _, w := range b {
		count[w]--
	}
	var out []string
	for w, n := range count {
		if n != 0 {
			out = append(out, w+" "+itoa(max(n, -n))+map[bool]string{true: " more in the DOCX", false: " more in the PDF"}[n > 0])
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

func distinct(words []string) []string {
	out := slices.Clone(words)
	slices.Sort(out)
	return slices.Compact(out)
}

// figures are the words that are numbers ("13.935", "1", "82,4%"), sorted.
func figures(words []string) []string {
	var out []string
	for _, w := range words {
		if strings.Trim(w, "0123456789.,%") == "" {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}
