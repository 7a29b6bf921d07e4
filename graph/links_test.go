package graph_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"hotro/graph"
	"hotro/internal/auth"
	"hotro/internal/db"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// lockedBuffer is a log destination that tests read after the requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the logged lines that contain s.
func (l *lockedBuffer) lines(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// serveLogged serves r's API to id like serve, logging into the buffer it returns.
func serveLogged(t testing.TB, r *graph.Resolver, id *auth.Identity, opt graph.Options) (*httptest.Server, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	opt.Logger = slog.New(slog.NewTextHandler(logs, nil))
	opt.Classify = db.Classify
	h := graph.NewHandler(r, opt)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if id != nil {
			req = req.WithContext(auth.WithIdentity(req.Context(), id))
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv, logs
}

// TestUnitsWithoutLinksAnswerEmptyLists asks what every ward of 2020 became, what the 2025 commune
// 05488 became and what its 2020 namesake was formed from, on every dialect: units with no links answer [], with no error and
// nothing logged at ERROR (it used to be INTERNAL, and one ERROR line per ward).
func TestUnitsWithoutLinksAnswerEmptyLists(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			srv, logs := serveLogged(t, newResolver(t, seedtest.Demo(t, dialect)), analyst, graph.Options{})
			r, raw := post(t, srv.URL, `{
				latest: ward(code: "05488") { became { code } }
				of2020: ward(code: "05488", asOf: "2020-05-01") { formedFrom { code } }
				wards(asOf: "2020-05-01") { code became { code } }
			}`, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %.500s", raw)
			}
			var data struct {
				Latest struct{ Became []struct{ Code string } }
				Of2020 struct{ FormedFrom []struct{ Code string } }
				Wards  []struct {
					Code   string
					Became []struct{ Code string }
				}
			}
			if err := json.Unmarshal(r.Data, &data); err != nil {
				t.Fatal(err)
			}
			if data.Latest.Became == nil || len(data.Latest.Became) != 0 {
				t.Errorf("05488 of 2025 became %v; want []", data.Latest.Became)
			}
			if data.Of2020.FormedFrom == nil || len(data.Of2020.FormedFrom) != 0 {
				t.Errorf("05488 of 2020 was formed from %v; want []", data.Of2020.FormedFrom)
			}
			unchanged, merged := 0, 0
			for _, w := range data.Wards {
				if len(w.Became) == 0 {
					unchanged++
				} else {
					merged++
				}
			}
			if unchanged < 10_000 || merged == 0 {
				t.Errorf("wards of 2020: %d unchanged, %d with successors; want every commune of the country, some merged", unchanged, merged)
			}
			if errLines := logs.lines("level=ERROR"); len(errLines) > 0 {
				t.Errorf("%d ERROR lines logged, first: %s", len(errLines), errLines[0])
			}
		})
	}
}
