package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"hotro/internal/db/dbtest"
	"hotro/internal/seed/seedtest"
)

// BenchmarkAttackRefused times the refusal of issue 15's query (thirty aliases of every ward with
// its totals) over HTTP: parsing, validation and pricing, with no statement run. It should take well
// under 50 ms (`go test ./graph -run '^$' -bench AttackRefused`).
func BenchmarkAttackRefused(b *testing.B) {
	srv := newServer(b, seedtest.Demo(b, dbtest.Dialects()[0]), analyst)
	body, _ := json.Marshal(map[string]any{"query": wardsAttack()})
	for b.Loop() {
		res, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(raw), "TOO_COMPLEX") {
			b.Fatalf("not refused: %.300s", raw)
		}
	}
}

// BenchmarkSimpleQueryUnderAttack runs a simple query (the total paid) while four clients send,
// without pause, either issue 15's query (refused) or the most expensive stats an analyst may ask
// (accepted, so they take the two expensive slots by turns). It reports the simple query's p99
// latency and the memory the process took from the system (`go test ./graph -run '^$' -bench
// UnderAttack -benchtime 200x`); the README gives the figures.
func BenchmarkSimpleQueryUnderAttack(b *testing.B) {
	heavy := func() string {
		var q strings.Builder
		q.WriteString("{")
		for i := range 4 {
			fmt.Fprintf(&q, " a%d: stats(groupBy: [WARD, DAY, GROUP, FUND, STATUS, CHANNEL], first: 1000) { rows { totals { amountPaid peopleSupported beneficiaries } } }", i)
		}
		return q.String() + " }"
	}()
	for _, dialect := range dbtest.Dialects() {
		for _, attack := range []struct{ name, query string }{{"refused", wardsAttack()}, {"expensive", heavy}} {
			b.Run(string(dialect)+"/"+attack.name, func(b *testing.B) {
				srv := newServer(b, seedtest.Demo(b, dialect), analyst)
				post := func(query string) error {
					body, _ := json.Marshal(map[string]any{"query": query})
					res, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
					if err != nil {
						return err
					}
					defer res.Body.Close()
					_, err = io.Copy(io.Discard, res.Body)
					return err
				}
				stop := make(chan struct{})
				var attackers sync.WaitGroup
				for range 4 {
					attackers.Go(func() {
						for {
							select {
							case <-stop:
								return
							default:
							}
							if err := post(attack.query); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					if err := post(`{ stats { total { amountPaid } } }`); err != nil {
						b.Fatal(err)
					}
					took = append(took, time.Since(start))
				}
				close(stop)
				attackers.Wait()
				slices.Sort(took)
				var mem runtime.MemStats
				runtime.ReadMemStats(&mem)
				b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(mem.Sys)/(1<<20), "sys-MiB")
			})
		}
	}
}
