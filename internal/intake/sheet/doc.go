// Package sheet reads the recipient lists that ward officers upload (XLSX or CSV) within strict size limits and streams their rows with Vietnamese error messages.
//
// Open detects the format from the content, refuses hostile or unreadable files
// cheaply (oversized files, zip bombs, unknown text encodings, legacy .xls),
// and returns a Reader whose Header is the first non-empty row and whose Next
// yields the following non-empty rows, numbered as Excel shows them.
//
// Behaviour worth knowing:
//
//   - Formulas: every XLSX cell that holds a formula is returned blank with an
//     Error (code "formula") in Row.Errors, even when the file carries a cached
//     result, because a cached result may be stale or missing (files written by
//     tools other than Excel are never recalculated). Officers are asked to
//     paste values. More than MaxFormulaCells such cells fail the whole file.
//   - Merged cells: a merged range that touches the header row fails Open; a
//     merged range that covers a data row puts an Error (code "merged_cells",
//     Column is the range, e.g. "A5:A9") in Row.Errors of every non-empty row it
//     covers. Empty merged ranges above the header are ignored; a title row
//     with text above the table is itself taken as the header (and, merged,
//     fails Open), so templates must start with the header row.
//   - Values are returned as stored: XLSX numbers and dates come back as the raw
//     number text (a date is its Excel serial, e.g. "43952"), never as
//     locale-formatted text; ParseDate, ParseMoney and ParseInt read them.
//   - CSV delimiter: a leading Excel "sep=X" line wins; otherwise the header line
//     is searched for ',', ';' and TAB outside quotes and the most frequent wins
//     (ties prefer TAB, then ';', then ','); a header without any is ','.
//   - Cells are trimmed of surrounding white space (including no-break and
//     zero-width spaces) and trailing empty cells are dropped.
//   - Limits.MaxEmptyRows consecutive empty rows end the sheet; Reader.Warnings
//     then says where reading stopped, since data below would be ignored.
//   - Memory: an XLSX worksheet and its shared strings are read as XML streams,
//     one row at a time, so reading costs bounded memory whatever the sheet
//     inflates to: no tag or text run over 1 MB, a cell's text kept only as far
//     as the cell-length check needs, at most MaxColumns cells a row, and a
//     table of shared strings of at most Limits.MaxSharedStrings (past it, and
//     past a long run, the file is refused). Comments, CDATA and DTDs, which
//     Excel never writes into these parts, make the file unreadable.
//   - Errors: problems confined to a row come in Row.Errors and reading goes
//     on; anything returned as an error by Open or Next ends the upload. Both
//     are *Error, with a stable Code and a Vietnamese Message, except a failure
//     to read the upload itself, which is returned wrapped.
package sheet
