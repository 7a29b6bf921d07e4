package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"hotro/internal/adminunit"
	"hotro/internal/dataset"
	"hotro/internal/db/dbtest"
	"hotro/internal/portal"
	"hotro/internal/program"
	"hotro/internal/reference"
	"hotro/internal/release"
	"hotro/internal/report"
	"hotro/internal/rollup"
	"hotro/internal/seed/seedtest"
)

// FuzzChartParams sends arbitrary paths and query strings to the chart data endpoint: the answer is
// always JSON, a client error or a chart, never a server error.
func FuzzChartParams(f *testing.F) {
	for _, seed := range []string{
		"wards?measure=peopleSupported&lang=en",
		"timeseries?bucket=WEEK&from=2020-05-01&to=2020-05-31",
		"groups?program=NQ42-2020&group=HO_NGHEO,HO_CAN_NGHEO",
		"kpi?ward=05431&district=164",
		"table?lang=vi&theme=dark&title=0",
		"pipeline?exp=1&sig=abc",
		"wards?from=2020-02-30",
		"wards?ward=%00&group=%ZZ",
	} {
		f.Add(seed)
	}
	d := seedtest.Demo(f, dbtest.Dialects()[0])
	if _, err := rollup.EnsureBuilt(context.Background(), d); err != nil {
		f.Fatal(err)
	}
	public := release.NewPublisher(rollup.NewEngine(d), reference.NewCache(d), dataset.NewStore(d).Version, 5)
	// The release tables are built once, before any input: an input that built them would take
	// seconds, which the fuzzer takes for a hung worker.
	if _, err := public.Release(context.Background()); err != nil {
		f.Fatal(err)
	}
	h := &portal.Handler{
		Engine: report.NewSQL(d), Units: adminunit.NewStore(d), Programs: program.NewStore(d),
		Dataset: dataset.NewStore(d), Signer: portal.NewSigner([]byte(secret), nil), Public: public,
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	f.Fuzz(func(t *testing.T, pathAndQuery string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/embed/data/"+strings.TrimLeft(pathAndQuery, "/"), nil)
		if err != nil {
			return // not a URL a client could send
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("%q: status %d: %s", pathAndQuery, res.StatusCode, body)
		}
		if res.StatusCode == http.StatusBadRequest && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			return // refused by net/http before reaching hotro (a malformed request line)
		}
		if !json.Valid(body) {
			t.Fatalf("%q: not JSON: %s", pathAndQuery, body)
		}
	})
}
