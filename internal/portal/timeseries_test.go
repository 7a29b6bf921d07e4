package portal_test

import (
	"encoding/json"
	"testing"

	"hotro/internal/app/apptest"
	"hotro/internal/db/dbtest"
	"hotro/internal/portal"
	"hotro/internal/seed/seedtest"
)

// TestTimeSeriesKeepsWithheldPeriodsInPlace: the time series embed's points come in time order,
// withheld weeks and months among the others where they fall (never moved to the end), with no
// value and no running total; the running total of the others only grows.
func TestTimeSeriesKeepsWithheldPeriodsInPlace(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := seedtest.Fresh(t, dialect)
			if err != nil {
				t.Fatal(err)
			}
			srv := apptest.Start(t, d, nil)
			inside := 0
			// The release tables hold weeks by group and months by unit.
			queries := []string{"bucket=MONTH", "bucket=WEEK"}
			for _, group := range []string{"TAM_HOAN_HDLD", "CHAM_DUT_HDLD", "HO_KINH_DOANH", "LAO_DONG_TU_DO", "HO_CAN_NGHEO"} {
				queries = append(queries, "bucket=WEEK&group="+group)
			}
			for _, q := range queries {
				res, body := get(t, srv.URL+"/embed/data/timeseries?"+q, nil)
				if res.StatusCode != 200 {
					t.Fatalf("%s: %d %s", q, res.StatusCode, body)
				}
				var chart portal.Chart
				if err := json.Unmarshal(body, &chart); err != nil {
					t.Fatal(err)
				}
				var running int64
				for i, p := range chart.Points {
					if i > 0 && p.Start <= chart.Points[i-1].Start {
						t.Errorf("%s: %s comes after %s", q, p.Start, chart.Points[i-1].Start)
					}
					if p.Suppressed {
						if p.Value != nil || p.Cumulative != nil {
							t.Errorf("%s: withheld %s has a value or a running total", q, p.Start)
						}
						if i > 0 && i < len(chart.Points)-1 {
							inside++
						}
						continue
					}
					if p.Cumulative == nil || *p.Cumulative < running {
						t.Errorf("%s: running total at %s is %v after %d", q, p.Start, p.Cumulative, running)
						continue
					}
					running = *p.Cumulative
				}
			}
			if inside == 0 {
				t.Error("no withheld period between two others: nothing shows that they keep their place")
			}
		})
	}
}
