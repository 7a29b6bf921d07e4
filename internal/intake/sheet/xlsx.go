package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"hotro/internal/vntext"
)

// maxZipEntries bounds the parts of a workbook; real ones have a few dozen.
const maxZipEntries = 10_000

const msgBadXLSX = `Tệp Excel bị hỏng hoặc không đọc được. Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) → "Excel Workbook (*.xlsx)" rồi tải lên lại.`

// xlsxSource streams one worksheet: values come from excelize's row
// iterator, formulas and error cells from a markCursor walking the same XML
// in step, merged ranges from a scan made at open.
type xlsxSource struct {
	sheet    string
	date1904 bool
	lim      Limits

	file   *excelize.File
	rows   *excelize.Rows
	marks  *markCursor
	merges mergeIndex
	num    int // row number of the last row returned by rows
}

// openXLSX checks the zip cheaply before anything is inflated, picks the
// sheet, scans its merged ranges and opens it with excelize.
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
	sheets, err := workbookSheets(parts)
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
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.UnzipSizeLimit,
		UnzipXMLSizeLimit: lim.UnzipXMLSizeLimit,
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
	}
	src = &xlsxSource{sheet: target.name, lim: lim, file: f, merges: newMergeIndex(merges)}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		src.date1904 = *props.Date1904
	}
	if src.rows, err = f.Rows(target.name); err != nil {
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
	}
	if src.marks, err = newMarkCursor(sheetPart, lim.MaxFormulaCells); err != nil {
		return nil, &Error{Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
	}
	return src, nil
}

func (s *xlsxSource) next() (raw rawRow, err error) {
	defer catchPanic("next", &err)
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return rawRow{}, s.damaged(err)
		}
		// excelize stops quietly at broken XML; make sure it was the real end.
		if err := s.marks.finish(); err != nil {
			return rawRow{}, s.damaged(err)
		}
		return rawRow{}, io.EOF
	}
	s.num++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return rawRow{}, s.damaged(err)
	}
	raw = rawRow{num: s.num, cells: cells}
	if len(cells) == 0 {
		return raw, nil
	}
	marks, err := s.marks.at(s.num)
	if err != nil {
		if e, ok := AsError(err); ok {
			return rawRow{}, e
		}
		return rawRow{}, s.damaged(err)
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
	return &Error{Row: s.num, Code: CodeBadXLSX, Message: msgBadXLSX, cause: err}
}

func (s *xlsxSource) close() error {
	var errs []error
	if s.marks != nil {
		errs = append(errs, s.marks.close())
	}
	if s.rows != nil {
		s.rows.Close() // its only error is the iteration error, already reported
	}
	if s.file != nil {
		errs = append(errs, s.file.Close())
	}
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("sheet: close: %w", err)
		}
	}
	return nil
}

// catchPanic turns a panic inside the spreadsheet libraries, provoked by a
// crafted file, into a "damaged file" error instead of a crash.
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
// checksum: excelize ignores a read error and would work on a truncated part.
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
func workbookSheets(parts map[string]*zip.File) ([]workbookSheet, error) {
	notWorkbook := &Error{Code: CodeBadFormat, Message: "Tệp nén này không phải bảng tính Excel (.xlsx) (có thể là tệp Word, tệp .zip hay bảng tính OpenOffice .ods). Hãy tải lên tệp .xlsx hoặc CSV."}
	wbPath := "xl/workbook.xml"
	var rootRels xmlRelationships
	if found, err := readXMLPart(parts, "_rels/.rels", &rootRels); err != nil {
		return nil, err
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
		return nil, err
	} else if !found {
		return nil, notWorkbook
	}
	var rels xmlRelationships
	dir, base := path.Split(wbPath)
	if _, err := readXMLPart(parts, dir+"_rels/"+base+".rels", &rels); err != nil {
		return nil, err
	}
	targets := make(map[string]string, len(rels.Relationships))
	for _, r := range rels.Relationships {
		targets[r.ID] = resolvePart(dir, r.Target)
	}
	sheets := make([]workbookSheet, 0, len(wb.Sheets))
	for _, s := range wb.Sheets {
		sheets = append(sheets, workbookSheet{name: s.Name, state: s.State, path: targets[s.RID]})
	}
	if len(sheets) == 0 {
		return nil, notWorkbook
	}
	return sheets, nil
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

// readXMLPart decodes a small XML part; found is false when it is absent.
func readXMLPart(parts map[string]*zip.File, name string, v any) (found bool, err error) {
	f := parts[strings.ToLower(name)]
	if f == nil {
		return false, nil
	}
	rc, err := f.Open()
	if err == nil {
		err = xml.NewDecoder(rc).Decode(v)
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
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RID   string `xml:"id,attr"`
	} `xml:"sheets>sheet"`
}
