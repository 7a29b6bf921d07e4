package sheet

import (
	"errors"
	"strconv"
	"strings"

	"hotro/internal/vntext"
)

// Stable machine codes carried by Error.Code. Callers may switch on them; the
// Vietnamese Message is for people and may be reworded.
const (
	CodeFileTooLarge      = "file_too_large"     // the upload is bigger than Limits.MaxFileSize
	CodeEmptyFile         = "empty_file"         // no non-empty row to use as header
	CodeBadEncoding       = "bad_encoding"       // text that is not UTF-8 or UTF-16 with BOM
	CodeBadFormat         = "bad_format"         // the extension disagrees with the content, or not a spreadsheet
	CodeUnsupportedFormat = "unsupported_format" // legacy .xls, password-protected workbook, PDF, HTML
	CodeZipBomb           = "zip_bomb"           // XLSX that inflates past the unzip limits
	CodeBadXLSX           = "bad_xlsx"           // a damaged workbook
	CodeBadCSV            = "bad_csv"            // misplaced quotes in a CSV file
	CodeSheetNotFound     = "sheet_not_found"    // the named or a visible sheet is missing
	CodeFormula           = "formula"            // a cell holds a formula
	CodeCellError         = "cell_error"         // a cell holds an Excel error value such as #N/A
	CodeMergedCells       = "merged_cells"       // a merged range in the header or data area
	CodeTooManyRows       = "too_many_rows"      // more data rows than Limits.MaxRows
	CodeTooManyColumns    = "too_many_columns"   // a row wider than Limits.MaxColumns
	CodeCellTooLong       = "cell_too_long"      // a cell longer than Limits.MaxCellLength
	CodeEmptyRowsStop     = "empty_rows_stop"    // warning: reading stopped after Limits.MaxEmptyRows empty rows
	CodeMissingColumn     = "missing_column"     // a required column is absent from the header
	CodeDuplicateColumn   = "duplicate_column"   // two header cells name the same column
	CodeUnknownColumn     = "unknown_column"     // warning: a header cell matches no known column
	CodeBadDate           = "bad_date"           // ParseDate refused the cell
	CodeBadMoney          = "bad_money"          // ParseMoney refused the cell
	CodeBadNumber         = "bad_number"         // ParseInt refused the cell
)

// Error is the one error type of this package: a problem in an uploaded file,
// worded in Vietnamese for the ward officer who has to fix it.
//
// Row is the 1-based row as Excel shows it, or 0 for a problem with the whole
// file. Column is a column letter ("C"), a cell range ("A5:A9") or a header
// name, whichever points the officer to the spot; it may be empty. Warning
// marks notes that do not stop an import (unknown columns, reading stopped
// after many empty rows).
type Error struct {
	Row     int
	Column  string
	Message string
	Code    string
	Warning bool

	op    string // "open", "next", "parse money": for logs only
	cause error  // the library error behind it, for logs only
}

// Error returns "sheet: op: dòng N, cột X: message", the form for logs.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sheet: ")
	if e.op != "" {
		b.WriteString(e.op)
		b.WriteString(": ")
	}
	if loc := e.Location(); loc != "" {
		b.WriteString(loc)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.cause != nil {
		b.WriteString(" (")
		b.WriteString(e.cause.Error())
		b.WriteString(")")
	}
	return b.String()
}

// Location says where the problem is in Vietnamese ("dòng 5, cột C"), or ""
// for a problem with the whole file.
func (e *Error) Location() string {
	var parts []string
	if e.Row > 0 {
		parts = append(parts, "dòng "+strconv.Itoa(e.Row))
	}
	if e.Column != "" {
		parts = append(parts, "cột "+e.Column)
	}
	return strings.Join(parts, ", ")
}

// Unwrap returns the library error behind e, if any.
func (e *Error) Unwrap() error { return e.cause }

// At returns a copy of e placed at row and column; callers use it to locate
// the errors of ParseDate, ParseMoney and ParseInt.
func (e *Error) At(row int, column string) *Error {
	c := *e
	c.Row, c.Column = row, column
	return &c
}

// AsError returns the *Error inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// HasErrors reports whether errs holds anything other than warnings.
func HasErrors(errs []*Error) bool {
	for _, e := range errs {
		if !e.Warning {
			return true
		}
	}
	return false
}

func newError(op, code, msg string) *Error {
	return &Error{op: op, Code: code, Message: msg}
}

// formatBytes writes a byte count as whole MB (MiB) or KB for messages.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return vntext.Number(n>>20) + " MB"
	case n >= 1<<20:
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1) + " MB"
	case n >= 1<<10:
		return vntext.Number(n>>10) + " KB"
	default:
		return vntext.Number(n) + " byte"
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
