// Package scalar marshals hotro's GraphQL scalars: VND (64-bit whole đồng) and Date (YYYY-MM-DD).
package scalar

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"hotro/internal/civil"
	"hotro/internal/errs"
)

func invalid(format string, args ...any) error {
	return errs.E("scalar", errs.Invalid, errs.Msgf(format, args...))
}

// MarshalVND writes money as a JSON number.
func MarshalVND(v int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.FormatInt(v, 10)) })
}

// UnmarshalVND reads money: a whole number of đồng, as a JSON number or a numeric string.
func UnmarshalVND(v any) (int64, error) {
	switch n := v.(type) {
	case int64:
		return n, nil
	case int:
		return int64(n), nil
	case json.Number:
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return 0, invalid("Số tiền %s phải là số nguyên đồng", n)
		}
		return i, nil
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, invalid("Số tiền %v phải là số nguyên đồng", n)
		}
		return int64(n), nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return 0, invalid("Số tiền %q phải là số nguyên đồng", n)
		}
		return i, nil
	}
	return 0, invalid("Số tiền phải là số nguyên đồng, nhận được %T", v)
}

// MarshalDate writes a date as "YYYY-MM-DD".
func MarshalDate(d civil.Date) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(d.String())) })
}

// UnmarshalDate reads "YYYY-MM-DD" and refuses impossible dates.
func UnmarshalDate(v any) (civil.Date, error) {
	s, ok := v.(string)
	if !ok {
		return civil.Date{}, invalid("Ngày phải là chuỗi dạng YYYY-MM-DD, nhận được %T", v)
	}
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}, invalid("Ngày %q không hợp lệ (dạng YYYY-MM-DD)", s)
	}
	return d, nil
}
