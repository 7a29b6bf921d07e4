package sheet

// Limits bound the work and memory one upload may cost. A zero field means
// its default (see DefaultLimits), so Limits{} is safe and a caller can
// override one field alone.
type Limits struct {
	// MaxFileSize is the largest upload in bytes; Open reads at most one byte
	// more to find out. Default 20 MiB.
	MaxFileSize int64
	// MaxRows is the largest number of non-empty data rows (the header not
	// counted). Default 200,000.
	MaxRows int
	// MaxEmptyRows consecutive empty rows end the sheet: nothing below them is
	// read and Reader.Warnings says so. Default 1,000.
	MaxEmptyRows int
	// MaxColumns is the widest row accepted. Default 256.
	MaxColumns int
	// MaxCellLength is the longest cell in characters. Default 2,000.
	MaxCellLength int
	// MaxFormulaCells is how many formula or error cells an XLSX may hold
	// before the whole file is refused rather than reported cell by cell.
	// Default 1,000.
	MaxFormulaCells int
	// MaxMergedRanges is how many merged ranges a sheet may declare. Default
	// 10,000.
	MaxMergedRanges int
	// UnzipSizeLimit is the largest total uncompressed size of an XLSX.
	// Default 256 MiB. The worksheet and the shared strings are read as
	// streams, so memory does not grow with it.
	UnzipSizeLimit int64
	// UnzipXMLSizeLimit bounds the other parts: together they may not exceed
	// four times this value uncompressed. Default 16 MiB.
	UnzipXMLSizeLimit int64
	// MaxSharedStrings is the memory an XLSX's table of shared strings may
	// take (its text, and four bytes a string); a bigger table refuses the
	// file. Default 12 MiB (with the garbage collector's headroom, reading
	// stays under 64 MiB).
	MaxSharedStrings int64
}

// DefaultLimits returns the limits used for a zero Limits field.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:       20 << 20,
		MaxRows:           200_000,
		MaxEmptyRows:      1_000,
		MaxColumns:        256,
		MaxCellLength:     2_000,
		MaxFormulaCells:   1_000,
		MaxMergedRanges:   10_000,
		UnzipSizeLimit:    256 << 20,
		UnzipXMLSizeLimit: 16 << 20,
		MaxSharedStrings:  12 << 20,
	}
}

// WithDefaults fills the zero (or negative) fields of l from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxEmptyRows <= 0 {
		l.MaxEmptyRows = d.MaxEmptyRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.MaxCellLength <= 0 {
		l.MaxCellLength = d.MaxCellLength
	}
	if l.MaxFormulaCells <= 0 {
		l.MaxFormulaCells = d.MaxFormulaCells
	}
	if l.MaxMergedRanges <= 0 {
		l.MaxMergedRanges = d.MaxMergedRanges
	}
	if l.UnzipSizeLimit <= 0 {
		l.UnzipSizeLimit = d.UnzipSizeLimit
	}
	if l.UnzipXMLSizeLimit <= 0 {
		l.UnzipXMLSizeLimit = d.UnzipXMLSizeLimit
	}
	if l.MaxSharedStrings <= 0 {
		l.MaxSharedStrings = d.MaxSharedStrings
	}
	if l.UnzipXMLSizeLimit > l.UnzipSizeLimit {
		l.UnzipXMLSizeLimit = l.UnzipSizeLimit
	}
	return l
}

// Option adjusts how Open reads a file.
type Option func(*options)

type options struct {
	sheet string
}

// WithSheet reads the XLSX sheet with this name (visible or not) instead of
// the first visible one. It has no effect on CSV.
func WithSheet(name string) Option {
	return func(o *options) { o.sheet = name }
}
