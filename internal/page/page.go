// Package page holds the rules of list pagination shared by every list: page sizes, and opaque
// cursors that name the position after the last row seen.
package page

import (
	"encoding/base64"
	"encoding/json"

	"hotro/internal/errs"
)

// The page sizes.
const (
	DefaultSize = 50
	MaxSize     = 1000
)

// Size returns the page size asked for, or the default; more than MaxSize or less than 0 is refused.
func Size(first *int) (int, error) {
	if first == nil {
		return DefaultSize, nil
	}
	if *first < 0 || *first > MaxSize {
		return 0, errs.E("page: size", errs.Invalid, errs.Msgf("first phải từ 0 đến %d.", MaxSize))
	}
	return *first, nil
}

// Cursor is the position after a row: the value of the sort key and the row's ID, which breaks ties.
type Cursor struct {
	Value string `json:"v,omitempty"`
	ID    int64  `json:"i"`
}

// Encode writes the cursor as an opaque string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads an opaque cursor; nil for "". A cursor that was not made by Encode is refused.
func Decode(s *string) (*Cursor, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*s)
	var c Cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID <= 0 {
		return nil, errs.E("page: cursor", errs.Invalid, errs.Msg("Con trỏ phân trang (after) không hợp lệ."))
	}
	return &c, nil
}

// Info describes a page for Relay's pageInfo.
type Info struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}
