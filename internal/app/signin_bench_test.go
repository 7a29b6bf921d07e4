package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hotro/internal/account"
	"hotro/internal/app"
	"hotro/internal/app/apptest"
	"hotro/internal/auth"
	"hotro/internal/config"
	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// BenchmarkAnalystDuringSignInFlood: an analyst's stats queries (API token, no response cache) while
// 200 clients sign in over and over with the production argon2id costs, each from its own address
// behind a trusted proxy (so the throttle lets every one through to a password check). It reports
// the analyst's p50 and p99 and the sign-ins served; the bound on concurrent hashing keeps the p99
// low. The README reports a run:
//
//	go test -run '^$' -bench AnalystDuringSignInFlood -benchtime 300x ./internal/app/
func BenchmarkAnalystDuringSignInFlood(b *testing.B) {
	// The collector as hotro serve sets it.
	gcPercent := debug.SetGCPercent(100)
	debug.SetGCPercent(gcPercent)
	defer debug.SetGCPercent(gcPercent)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	app.TuneGC()
	for _, signers := range []int{0, 200} {
		b.Run(fmt.Sprintf("signers=%d", signers), func(b *testing.B) { analystDuringSignIns(b, signers) })
	}
}

func analystDuringSignIns(b *testing.B, signers int) {
	d := seedtest.Demo(b, dbtest.Dialects()[0])
	ctx := context.Background()
	svc := account.NewService(d, account.Options{}) // production hash costs
	const floodPassword = "mat-khau-cua-dot-dang-nhap"
	// The harness runs this more than once over one database.
	username := fmt.Sprintf("dangnhap.%d.%d", signers, b.N)
	if _, err := svc.CreateUser(ctx, account.NewUser{Username: username, Role: auth.Leader, Password: floodPassword}, "bench"); err != nil {
		b.Fatal(err)
	}
	token, err := svc.CreateToken(ctx, "phantich", username, 0, "bench")
	if err != nil {
		b.Fatal(err)
	}
	srv := apptest.Start(b, d, func(c *config.Config) {
		c.ResponseCacheMB = 0
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	transport := &http.Transport{MaxIdleConnsPerHost: signers + 10}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	endFlood := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer endFlood()
	var signIns, refused atomic.Int64
	body := `{"username":"` + username + `","password":"` + floodPassword + `"}`
	for i := range signers {
		wg.Go(func() {
			addr := fmt.Sprintf("10.%d.%d.1", i/250, i%250)
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/auth/login", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", addr)
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					signIns.Add(1)
				} else {
					refused.Add(1)
				}
			}
		})
	}

	query := `{"query":"{ stats(groupBy: [WARD], filter: { paidTo: \"2020-05-31\" }) { total { amountPaid peopleSupported } rows { ward { code } } } }"}`
	ask := func() time.Duration {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(query))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		took := time.Since(start)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("analyst query: %d", res.StatusCode)
		}
		return took
	}
	// Wait until the flood is under way: sign-ins have been served.
	for signIns.Load() < int64(signers/10) {
		ask()
	}
	latencies := make([]time.Duration, 0, b.N)
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		latencies = append(latencies, ask())
	}
	b.StopTimer()
	during := time.Since(start)
	served := signIns.Load()
	endFlood()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(float64(len(latencies))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(served)/during.Seconds(), "sign-ins/s")
	if refused.Load() > 0 {
		b.Logf("%d sign-ins refused", refused.Load())
	}
}
