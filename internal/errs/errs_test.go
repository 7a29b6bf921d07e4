package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindAndMessage(t *testing.T) {
	sqlErr := errors.New(`pq: relation "x" does not exist`)
	tests := []struct {
		name     string
		err      error
		wantKind Kind
		wantMsg  string
	}{
		{"invalid with message", E("ward: get", Invalid, Msg("Mã phường không hợp lệ.")), Invalid, "Mã phường không hợp lệ."},
		{"not found without message", E("ward: get", NotFound), NotFound, "Không tìm thấy."},
		{"wrapped keeps kind", fmt.Errorf("outer: %w", E("ward: get", Conflict, Msg("trùng"))), Conflict, "trùng"},
		{"nested E inherits", E("graph: ward", E("ward: get", NotFound, Msg("Không có phường 99999."))), NotFound, "Không có phường 99999."},
		{"raw SQL error is hidden", E("report: stats", sqlErr), Other, "Lỗi hệ thống, vui lòng thử lại sau."},
		{"internal hides message", E("report: stats", Internal, Msg("secret detail"), sqlErr), Internal, "Lỗi hệ thống, vui lòng thử lại sau."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KindOf(tt.err); got != tt.wantKind {
				t.Errorf("KindOf = %v, want %v", got, tt.wantKind)
			}
			if got := Message(tt.err); got != tt.wantMsg {
				t.Errorf("Message = %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestErrorStringKeepsCauseForLogs(t *testing.T) {
	err := E("report: stats", Unavailable, errors.New("dial tcp: connection refused"))
	if got, want := err.Error(), "report: stats: dial tcp: connection refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestHTTPStatus(t *testing.T) {
	for kind, want := range map[Kind]int{Invalid: 400, Unauthorized: 401, Permission: 403, NotFound: 404, Conflict: 409,
		TooComplex: 422, Unavailable: 503, Internal: 500, Other: 500} {
		if got := kind.HTTPStatus(); got != want {
			t.Errorf("%s: %d, want %d", kind, got, want)
		}
	}
}
