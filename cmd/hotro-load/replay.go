package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// replayBodies builds the GraphQL requests the dashboard sends, from the operations the server
// publishes at /operations.json, over a spread of filters and time buckets like leaders' clicks:
// the public overview for visitors, or the signed-in overview with a token.
func replayBodies(ctx context.Context, base string, signedIn bool) ([][]byte, error) {
	ops, err := fetchOperations(ctx, base)
	if err != nil {
		return nil, err
	}
	overview := "PublicOverview"
	if signedIn {
		overview = "Overview"
	}
	doc, ok := ops[overview]
	if !ok {
		return nil, fmt.Errorf("%s/operations.json has no %s operation", base, overview)
	}
	groups := [][]string{nil, {"NGUOI_CO_CONG"}, {"BAO_TRO_XA_HOI"}, {"HO_NGHEO", "HO_CAN_NGHEO"}, {"LAO_DONG_TU_DO"}}
	wards := [][]string{nil, {"05431"}, {"05485"}, {"05443", "05446"}, {"05500"}}
	dates := [][2]string{{"", ""}, {"2020-05-01", "2020-05-31"}, {"2020-06-01", "2020-06-30"}}
	var bodies [][]byte
	for _, g := range groups {
		for _, w := range wards {
			for i, d := range dates {
				filter := map[string]any{"programs": []string{"NQ42-2020"}}
				if g != nil {
					filter["groups"] = g
				}
				if w != nil {
					filter["wards"] = w
				}
				if d[0] != "" {
					filter["paidFrom"], filter["paidTo"] = d[0], d[1]
				}
				vars := map[string]any{"filter": filter, "bucket": []string{"DAY", "WEEK", "DAY"}[i]}
				if !signedIn {
					var ok bool
					if vars, ok = publicVariables(filter, len(g), len(w), d[0] != ""); !ok {
						continue // the page says why the public figures cannot answer it
					}
				}
				b, err := json.Marshal(map[string]any{"query": doc, "operationName": overview, "variables": vars})
				if err != nil {
					return nil, err
				}
				bodies = append(bodies, b)
			}
		}
	}
	wardOptions := "WardOptions"
	if signedIn {
		wardOptions = "SignedInWardOptions"
	}
	for _, name := range []string{"Meta", wardOptions} {
		if doc, ok := ops[name]; ok {
			b, _ := json.Marshal(map[string]any{"query": doc, "operationName": name})
			bodies = append(bodies, b)
		}
	}
	return bodies, nil
}

// publicVariables are the public overview's variables for a filter, as the page works them out
// (dashboard/static/js/public.js): weeks or months, never days, and only the panels one release
// table holds; ok is false when the filter itself is not one the public figures answer. The filter
// names groups and wards by count, and a whole month or not.
func publicVariables(filter map[string]any, groups, wards int, month bool) (vars map[string]any, ok bool) {
	dims := map[byte]bool{}
	if wards > 0 {
		dims['U'] = true
	}
	if groups > 0 {
		dims['G'] = true
	}
	if month {
		dims['M'] = true
	}
	answerable := func(extra ...byte) bool {
		d := map[byte]bool{}
		for k := range dims {
			d[k] = true
		}
		for _, k := range extra {
			d[k] = true
		}
		switch {
		case len(d) <= 1:
			return true
		case len(d) > 2:
			return false
		case d['U']:
			return !d['W']
		}
		return d['G'] && d['W']
	}
	if groups > 1 || wards > 1 || !answerable() {
		return nil, false
	}
	bucket, letter := "WEEK", byte('W')
	if !answerable('W') && answerable('M') {
		bucket, letter = "MONTH", 'M'
	}
	return map[string]any{"filter": filter, "bucket": bucket, "withWards": answerable('U'), "withGroups": answerable('G'),
		"withFunds": answerable('F'), "withTime": answerable(letter)}, true
}

func fetchOperations(ctx context.Context, base string) (map[string]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/operations.json", nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s/operations.json: %s", base, res.Status)
	}
	var ops map[string]struct {
		Query string `json:"query"`
	}
	if err := json.NewDecoder(res.Body).Decode(&ops); err != nil {
		return nil, fmt.Errorf("%s/operations.json: %w", base, err)
	}
	out := map[string]string{}
	for name, op := range ops {
		out[name] = op.Query
	}
	return out, nil
}

// memorySampler reads the server's resident memory from its metrics every interval.
type memorySampler struct {
	mu      sync.Mutex
	samples []float64 // MiB
}

func (m *memorySampler) run(ctx context.Context, metricsURL string, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if v, err := residentMiB(ctx, metricsURL); err == nil {
			m.mu.Lock()
			m.samples = append(m.samples, v)
			m.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *memorySampler) report(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.samples) == 0 {
		fmt.Fprintln(w, "server memory: no samples (are the metrics served at -metrics?)")
		return
	}
	lo, hi := m.samples[0], m.samples[0]
	var series []string
	for _, v := range m.samples {
		lo, hi = min(lo, v), max(hi, v)
		series = append(series, strconv.FormatFloat(v, 'f', 0, 64))
	}
	fmt.Fprintf(w, "server memory (RSS, MiB, every sample): %s\n", strings.Join(series, " "))
	fmt.Fprintf(w, "server memory: first %.0f, last %.0f, min %.0f, max %.0f MiB\n", m.samples[0], m.samples[len(m.samples)-1], lo, hi)
}

func residentMiB(ctx context.Context, metricsURL string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f / (1 << 20), err
		}
	}
	return 0, fmt.Errorf("no process_resident_memory_bytes in %s", metricsURL)
}
