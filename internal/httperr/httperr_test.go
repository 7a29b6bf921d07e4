package httperr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hotro/internal/errs"
)

func TestWriter(t *testing.T) {
	sqlErr := errors.New(`pq: relation "payment_lines" does not exist`)
	timeout := errors.New("canceling statement due to statement timeout")
	classify := func(err error) errs.Kind {
		if err == timeout {
			return errs.Unavailable
		}
		return errs.Internal
	}
	tests := []struct {
		name       string
		err        error
		status     int // given to ErrorStatus; 0: the kind's
		wantStatus int
		wantBody   Body
		wantRetry  string
		wantLog    string // a substring of the log, "" for none
	}{
		{"invalid", errs.E("export: parse", errs.Invalid, errs.Msg("Tham số first không hợp lệ.")), 0,
			http.StatusBadRequest, Body{"Tham số first không hợp lệ.", "BAD_USER_INPUT"}, "", ""},
		{"not found, default message", errs.E("portal: chart", errs.NotFound), 0,
			http.StatusNotFound, Body{"Không tìm thấy.", "NOT_FOUND"}, "", ""},
		{"conflict", errs.E("x", errs.Conflict, errs.Msg("trùng")), 0, http.StatusConflict, Body{"trùng", "CONFLICT"}, "", ""},
		{"permission", errs.E("x", errs.Permission), 0, http.StatusForbidden, Body{"Bạn không có quyền thực hiện thao tác này.", "FORBIDDEN"}, "", ""},
		{"unauthorized", errs.E("x", errs.Unauthorized), 0, http.StatusUnauthorized, Body{"Vui lòng đăng nhập.", "UNAUTHENTICATED"}, "", ""},
		{"a rate, more precise status", errs.E("auth: login", errs.TooComplex, errs.Msg("Thử lại sau.")), http.StatusTooManyRequests,
			http.StatusTooManyRequests, Body{"Thử lại sau.", "TOO_COMPLEX"}, "", ""},
		{"unclassified SQL error is hidden and logged", sqlErr, 0,
			http.StatusInternalServerError, Body{"Lỗi hệ thống, vui lòng thử lại sau.", "INTERNAL"}, "", "payment_lines"},
		{"internal keeps its message out", errs.E("x", errs.Internal, errs.Msg("secret"), sqlErr), 0,
			http.StatusInternalServerError, Body{"Lỗi hệ thống, vui lòng thử lại sau.", "INTERNAL"}, "", "level=ERROR"},
		{"cancelled by the browser is not the database unavailable", errs.E("x", errs.Unavailable, context.Canceled), 0,
			http.StatusServiceUnavailable, Body{"Cơ sở dữ liệu tạm thời không phản hồi, vui lòng thử lại.", "UNAVAILABLE"}, "", ""},
		{"classified: the database too slow", timeout, 0,
			http.StatusServiceUnavailable, Body{"Cơ sở dữ liệu tạm thời không phản hồi, vui lòng thử lại.", "UNAVAILABLE"}, "5", "level=WARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			hw := Writer{Op: "test", Classify: classify, Logger: slog.New(slog.NewTextHandler(&log, nil))}
			rec := httptest.NewRecorder()
			hw.ErrorStatus(rec, httptest.NewRequest("GET", "/export/stats.csv?first=x", nil), tt.err, tt.status)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			var got Body
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got != tt.wantBody {
				t.Errorf("body = %s (%v), want %+v", rec.Body, err, tt.wantBody)
			}
			for name, want := range map[string]string{"Content-Type": "application/json; charset=utf-8",
				"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Retry-After": tt.wantRetry} {
				if got := rec.Header().Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if tt.wantLog == "" && log.Len() > 0 {
				t.Errorf("logged a failure the client can act on: %s", log.String())
			}
			if tt.wantLog != "" && !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log = %q, want it to hold %q", log.String(), tt.wantLog)
			}
		})
	}
}

func TestZeroWriterTreatsUnclassifiedAsInternal(t *testing.T) {
	rec := httptest.NewRecorder()
	Writer{}.Error(rec, httptest.NewRequest("GET", "/", nil), errors.New("dial tcp: connection refused"))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "dial") {
		t.Errorf("got %d %s, want 500 without the cause", rec.Code, rec.Body)
	}
}
