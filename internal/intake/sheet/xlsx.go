package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"

	"hotro/internal/vntext"
)

// maxZipEntries bounds the parts of a workbook; real ones have a few dozen.
const maxZipEntries = 10_000

const msgBadXLSX = `Tệp Excel bị hỏng hoặc không đọc được. Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) → "Excel Workbook (*.xlsx)" rồi tải lên lại.`

// xlsxSource streams one worksheet: values and the cells holding formulas or
// error values from a rowCursor, merged ranges from a scan made at open.
type xlsxSource struct {
	sheet    string
	date1904 bool
	lim      Limits

	rows   *rowCursor
	merges mergeIndex
	num    int // row number of the last row returned
}

// openXLSX checks the zip cheaply before anything is inflated, picks the
// sheet, scans its merged ranges, reads the shared strings and opens the
// sheet's rows.
func openXLSX(data []byte, lim Limits, o options) (_ *xlsxSource, err error) {
	var src *xlsxSource
	defer func() { // after catchPanic below, so a panic also releases the file
		if err != nil && src != nil {
			src.close()
		}
	}()
	defer catchPanic("open", &err)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
	}
	if e := checkZip(zr, lim); e != nil {
		return nil, e
	}
	parts := partIndex(zr)
	wb, sheets, err := workbookSheets(parts)
	if err != nil {
		return nil, err
	}
	target, err := chooseSheet(sheets, o.sheet)
	if err != nil {
		return nil, err
	}
	sheetPart := parts[strings.ToLower(target.path)]
	if sheetPart == nil {
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: fmt.Errorf("worksheet part %s missing", target.path)}
	}
	if err := verifyParts(zr); err != nil {
		return nil, err
	}
	merges, err := scanMerges(sheetPart, lim.MaxMergedRanges)
	if err != nil {
		return nil, err
	}
	sst, err := readSharedStrings(sharedStringsPart(parts, wb), lim)
	if err != nil {
		return nil, err
	}
	src = &xlsxSource{sheet: target.name, lim: lim, merges: newMergeIndex(merges), date1904: wb.date1904()}
	if src.rows, err = newRowCursor(sheetPart, sst, lim); err != nil {
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
	}
	return src, nil
}

func (s *xlsxSource) next() (raw rawRow, err error) {
	defer catchPanic("next", &err)
	cells, marks, err := s.rows.next(s.num + 1)
	if err == io.EOF {
		return rawRow{}, io.EOF
	}
	if err != nil {
		if e, ok := AsError(err); ok {
			return rawRow{}, e
		}
		return rawRow{}, s.damaged(err)
	}
	s.num++
	raw = rawRow{num: s.num, cells: cells}
	if len(cells) == 0 {
		return raw, nil
	}
	for _, m := range marks {
		ref := columnName(m.col-1) + itoa(s.num)
		e := &Error{Row: s.num, Column: columnName(m.col - 1)}
		if m.formula {
			e.Code, e.Message = CodeFormula, "Ô "+ref+" chứa công thức, hãy dán giá trị: chọn ô (hoặc cả cột), Sao chép rồi Dán đặc biệt → Giá trị (Paste Special → Values)."
		} else {
			value := ""
			if m.col-1 < len(cells) {
				value = " " + trimCell(cells[m.col-1])
			}
			e.Code, e.Message = CodeCellError, "Ô "+ref+" chứa giá trị lỗi của Excel"+value+". Hãy sửa lại ô này."
		}
		if m.col-1 < len(cells) {
			cells[m.col-1] = ""
		}
		raw.problems = append(raw.problems, e)
	}
	for _, r := range s.merges.covering(s.num) {
		raw.merged = append(raw.merged, &Error{Row: s.num, Column: r.String(), Code: CodeMergedCells,
			Message: "Vùng ô " + r.String() + " đang được gộp (Merge). Hãy bỏ gộp ô (Unmerge) và điền đầy đủ giá trị vào từng ô."})
	}
	return raw, nil
}

func (s *xlsxSource) damaged(err error) *Error {
	if e := tooLongRun(err); e != nil {
		e.Row = s.num
		return e
	}
	return &Error{Row: s.num, Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
}

func (s *xlsxSource) close() error {
	if s.rows == nil {
		return nil
	}
	if err := s.rows.close(); err != nil {
		return fmt.Errorf("sheet: close: %w", err)
	}
	return nil
}

// catchPanic turns a panic while reading a workbook, provoked by a crafted
// file, into a "damaged file" error instead of a crash.
func catchPanic(op string, err *error) {
	if p := recover(); p != nil {
		*err = &Error{op: op, Code: CodeBadXLSX, Message: msgBadXLSX, cause: fmt.Errorf("panic: %v", p)}
	}
}

// checkZip refuses a zip bomb from the sizes the zip declares, before any
// byte is inflated; archive/zip then refuses to inflate past a declared size.
func checkZip(zr *zip.Reader, lim Limits) *Error {
	bomb := func(why string) *Error {
		return &Error{Code: CodeZipBomb, Message: "Tệp Excel " + why + ", hệ thống từ chối để đảm bảo an toàn. Hãy sao chép dữ liệu sang một tệp Excel mới, lưu lại rồi tải lên."}
	}
	if len(zr.File) > maxZipEntries {
		return bomb("có quá nhiều thành phần (hơn " + vntext.Number(maxZipEntries) + ")")
	}
	tooBig := bomb("khi giải nén quá lớn (hơn " + formatBytes(lim.UnzipSizeLimit) + ")")
	var total, inMemory uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		if size > uint64(lim.UnzipSizeLimit) {
			return tooBig
		}
		if total += size; total > uint64(lim.UnzipSizeLimit) {
			return tooBig
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		spooled := size > uint64(lim.UnzipXMLSizeLimit) &&
			(strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
		if !spooled {
			if inMemory += size; inMemory > 4*uint64(lim.UnzipXMLSizeLimit) {
				return bomb("có các thành phần phụ quá lớn (hơn " + formatBytes(4*lim.UnzipXMLSizeLimit) + " khi giải nén)")
			}
		}
	}
	return nil
}

// verifyParts inflates every part but the worksheets and checks its
// checksum, so that a truncated part is refused rather than read in part.
// The chosen worksheet is checked by scanMerges.
func verifyParts(zr *zip.Reader) error {
	for _, f := range zr.File {
		if strings.HasPrefix(strings.ToLower(f.Name), "xl/worksheets/") || strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			return &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: fmt.Errorf("%s: %w", f.Name, err)}
		}
	}
	return nil
}

// partIndex maps lower-case part names (with forward slashes) to zip entries.
func partIndex(zr *zip.Reader) map[string]*zip.File {
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))
		if _, dup := parts[name]; !dup {
			parts[name] = f
		}
	}
	return parts
}

// workbookSheet is one <sheet> of the workbook, with its part path resolved.
type workbookSheet struct {
	name, state, path string
}

// isWorksheet is false for chart, dialog and macro sheets, which hold no
// table to read.
func (s workbookSheet) isWorksheet() bool {
	p := strings.ToLower(s.path)
	return !strings.Contains(p, "chartsheets/") && !strings.Contains(p, "dialogsheets/") && !strings.Contains(p, "macrosheets/")
}

// workbookSheets lists the sheets in workbook order, resolving each one's
// part through the package and workbook relationships.
func workbookSheets(parts map[string]*zip.File) (*workbookInfo, []workbookSheet, error) {
	notWorkbook := &Error{Code: CodeBadFormat, Message: "Tệp nén này không phải bảng tính Excel (.xlsx) (có thể là tệp Word, tệp .zip hay bảng tính OpenOffice .ods). Hãy tải lên tệp .xlsx hoặc CSV."}
	wbPath := "xl/workbook.xml"
	var rootRels xmlRelationships
	if found, err := readXMLPart(parts, "_rels/.rels", &rootRels); err != nil {
		return nil, nil, err
	} else if found {
		for _, r := range rootRels.Relationships {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = resolvePart("", r.Target)
				break
			}
		}
	}
	var wb xmlWorkbook
	if found, err := readXMLPart(parts, wbPath, &wb); err != nil {
		return nil, nil, err
	} else if !found {
		return nil, nil, notWorkbook
	}
	var rels xmlRelationships
	dir, base := path.Split(wbPath)
	if _, err := readXMLPart(parts, dir+"_rels/"+base+".rels", &rels); err != nil {
		return nil, nil, err
	}
	info := &workbookInfo{workbook: wb}
	targets := make(map[string]string, len(rels.Relationships))
	for _, r := range rels.Relationships {
		targets[r.ID] = resolvePart(dir, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") && info.sharedStrings == "" {
			info.sharedStrings = resolvePart(dir, r.Target)
		}
	}
	sheets := make([]workbookSheet, 0, len(wb.Sheets))
	for _, s := range wb.Sheets {
		sheets = append(sheets, workbookSheet{name: s.Name, state: s.State, path: targets[s.RID]})
	}
	if len(sheets) == 0 {
		return nil, nil, notWorkbook
	}
	return info, sheets, nil
}

// workbookInfo is what the workbook part and its relationships say beyond the
// sheets.
type workbookInfo struct {
	workbook      xmlWorkbook
	sharedStrings string // part of the string table, from the relationships
}

// date1904 reports whether the workbook counts dates from 1904.
func (w *workbookInfo) date1904() bool {
	v := strings.TrimSpace(w.workbook.Properties.Date1904)
	return v == "1" || strings.EqualFold(v, "true")
}

// sharedStringsPart returns the string table part: the one the workbook's
// relationships name, else xl/sharedStrings.xml; nil when there is none.
func sharedStringsPart(parts map[string]*zip.File, wb *workbookInfo) *zip.File {
	if wb.sharedStrings != "" {
		if p := parts[strings.ToLower(wb.sharedStrings)]; p != nil {
			return p
		}
	}
	return parts["xl/sharedstrings.xml"]
}

// chooseSheet returns the sheet called name, or the first visible worksheet.
func chooseSheet(sheets []workbookSheet, name string) (workbookSheet, error) {
	var names []string
	for _, s := range sheets {
		names = append(names, `"`+s.name+`"`)
	}
	if name != "" {
		for _, exact := range []bool{true, false} {
			for _, s := range sheets {
				if (exact && s.name == name) || (!exact && strings.EqualFold(s.name, name)) {
					if !s.isWorksheet() {
						return workbookSheet{}, &Error{Code: CodeSheetNotFound, Message: `Trang "` + s.name + `" là biểu đồ hoặc macro, không phải bảng dữ liệu.`}
					}
					return s, nil
				}
			}
		}
		return workbookSheet{}, &Error{Code: CodeSheetNotFound, Message: `Không tìm thấy trang tính "` + name + `". Các trang có trong tệp: ` + strings.Join(names, ", ") + "."}
	}
	for _, s := range sheets {
		if (s.state == "" || s.state == "visible") && s.isWorksheet() {
			return s, nil
		}
	}
	return workbookSheet{}, &Error{Code: CodeSheetNotFound, Message: "Tệp Excel không có trang tính nào đang hiển thị. Hãy bỏ ẩn (Unhide) trang chứa danh sách rồi lưu lại."}
}

// resolvePart turns a relationship target into a part name relative to the
// package root.
func resolvePart(dir, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Clean(path.Join(dir, target))
}

// maxSmallPart bounds the parts decoded whole (the workbook and its
// relationships): real ones hold a few kilobytes.
const maxSmallPart = 4 << 20

// readXMLPart decodes a small XML part; found is false when it is absent.
func readXMLPart(parts map[string]*zip.File, name string, v any) (found bool, err error) {
	f := parts[strings.ToLower(name)]
	if f == nil {
		return false, nil
	}
	if f.UncompressedSize64 > maxSmallPart {
		return true, &Error{Code: CodeZipBomb, Message: "Tệp Excel có phần " + name + " quá lớn khi giải nén (hơn " + formatBytes(maxSmallPart) + "), hệ thống từ chối để đảm bảo an toàn. Hãy sao chép dữ liệu sang một tệp Excel mới, lưu lại rồi tải lên."}
	}
	rc, err := f.Open()
	if err == nil {
		err = xml.NewDecoder(&guard{r: rc}).Decode(v)
		rc.Close()
	}
	if err != nil {
		return true, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: fmt.Errorf("%s: %w", name, err)}
	}
	return true, nil
}

type xmlRelationships struct {
	Relationships []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Properties struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RID   string `xml:"id,attr"`
	} `xml:"sheets>sheet"`
}
