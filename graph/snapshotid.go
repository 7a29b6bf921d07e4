package graph

import (
	"strconv"

	"hotro/internal/errs"
)

// snapshotID reads a snapshot's ID.
func snapshotID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.E("graph: snapshot", errs.Invalid, errs.Msgf("%q không phải số của một bản số liệu chính thức.", id))
	}
	return n, nil
}
