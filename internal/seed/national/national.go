// Package national generates the synthetic national data set of Resolution 42 (all 63 provinces,
// 707 districts and 10,614 communes of 2020, about 20 million recipients and 30 million payment
// lines) and bulk-loads it into PostgreSQL with COPY, rollups included.
package national

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"golang.org/x/sync/errgroup"

	"hotro/internal/audit"
	"hotro/internal/dataset"
	"hotro/internal/db"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/rollup"
)

// Options shape the national data set.
type Options struct {
	Seed  uint64  // the same seed and scale give the same data set, row for row
	Scale float64 // 1: about 20 million recipients and 30 million lines; 0.01 for a quick run
	// Progress is told what the load is doing (nil: nothing).
	Progress func(step string, elapsed time.Duration)
}

// Summary says what was loaded and how fast.
type Summary struct {
	Provinces, Districts, Wards int
	Recipients, Lines, Persons  int64
	Batches, RollupRows         int64
	Amount                      int64 // of every line

	Copy    time.Duration // generating and copying every table (rows stream while they are drawn)
	Indexes time.Duration // building indexes and keys, and validating foreign keys, afterwards
	Analyze time.Duration
	Total   time.Duration
}

// LinesPerSecond is the rate of the whole load: lines over the total time.
func (s Summary) LinesPerSecond() float64 { return float64(s.Lines) / s.Total.Seconds() }

// CopyLinesPerSecond is the rate at which lines (with recipients and rollups alongside) were copied.
func (s Summary) CopyLinesPerSecond() float64 { return float64(s.Lines) / s.Copy.Seconds() }

// SummaryKey is the dataset_info key that keeps the summary of the national load, as JSON.
const SummaryKey = "national_summary"

// Check refuses what Load would refuse before it touches the database: a database other than
// PostgreSQL, or a scale out of range. Commands call it before they migrate anything.
func Check(d *bun.DB, opt Options) error {
	const op = "national: load"
	if db.DialectOf(d) != db.Postgres {
		return errs.E(op, errs.Invalid, errs.Msg("the national data set loads into PostgreSQL only (it uses COPY and is tens of gigabytes): set --database-url postgres://..."))
	}
	if opt.Scale <= 0 || opt.Scale > 2 || math.IsNaN(opt.Scale) {
		return errs.E(op, errs.Invalid, errs.Msgf("--scale must be above 0 and at most 2 for the national data set, got %v", opt.Scale))
	}
	return nil
}

// Load generates the national data set into d, a migrated PostgreSQL database with reference data
// and no payment lines, and marks it as synthetic demo data.
func Load(ctx context.Context, d *bun.DB, opt Options) (Summary, error) {
	const op = "national: load"
	if err := Check(d, opt); err != nil {
		return Summary{}, err
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, time.Duration) {}
	}
	start := time.Now()
	var n int
	if err := d.NewSelect().Table("disbursements").ColumnExpr("count(*)").Limit(1).Scan(ctx, &n); err != nil {
		return Summary{}, errs.E(op, err)
	}
	if n > 0 {
		return Summary{}, errs.E(op, errs.Conflict, errs.Msg("the database already holds payment lines; the national data set goes only into a database without any"))
	}
	g, sum, err := prepare(ctx, d, opt)
	if err != nil {
		return Summary{}, errs.E(op, err)
	}
	admin, err := rawConn(ctx, d)
	if err != nil {
		return Summary{}, errs.E(op, err)
	}
	defer admin.close()
	if _, err := admin.pgx.Exec(ctx, "SET statement_timeout = 0"); err != nil {
		return Summary{}, errs.E(op, err)
	}
	tables := []string{"beneficiaries", "disbursements", "import_batches"}
	schema, err := dropForLoad(ctx, admin.pgx, tables)
	if err != nil {
		return Summary{}, errs.E(op, err)
	}
	loadErr := copyAll(ctx, d, g, &sum, progress)
	sum.Copy = time.Since(start)
	progress("copy", sum.Copy)
	// On failure every COPY was rolled back: the tables are empty, and get their indexes back.
	indexStart := time.Now()
	if err := schema.restore(context.WithoutCancel(ctx), admin.pgx, func(name string, run func() error) error {
		t := time.Now()
		err := run()
		progress(name, time.Since(t))
		return err
	}); err != nil {
		return Summary{}, errs.E(op, errors.Join(loadErr, err))
	}
	sum.Indexes = time.Since(indexStart)
	if loadErr != nil {
		return Summary{}, errs.E(op, loadErr)
	}
	if err := finish(ctx, d, g, &sum, opt); err != nil {
		return Summary{}, errs.E(op, err)
	}
	analyzeStart := time.Now()
	if _, err := admin.pgx.Exec(ctx, "ANALYZE beneficiaries, disbursements, import_batches, rollups"); err != nil {
		return Summary{}, errs.E(op, err)
	}
	sum.Analyze = time.Since(analyzeStart)
	progress("analyze", sum.Analyze)
	sum.Total = time.Since(start)
	raw, _ := json.Marshal(sum)
	if _, err := d.ExecContext(ctx, "INSERT INTO dataset_info (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", SummaryKey, string(raw)); err != nil {
		return Summary{}, errs.E(op, err)
	}
	return sum, nil
}

// prepare reads the reference data the generator needs and sets the national funds up.
func prepare(ctx context.Context, d *bun.DB, opt Options) (*generator, Summary, error) {
	var sum Summary
	ps := program.NewStore(d)
	prog, err := ps.Program(ctx, "NQ42-2020")
	if err != nil {
		return nil, sum, fmt.Errorf("reference data missing (run hotro seed first): %w", err)
	}
	groups, err := ps.Groups(ctx, prog.Code)
	if err != nil {
		return nil, sum, err
	}
	g := &generator{seed: opt.Seed, scale: opt.Scale, programID: prog.ID, now: time.Now()}
	for _, gp := range groupPlans {
		for _, gr := range groups {
			if gr.Code == gp.code {
				gp.g = gr
			}
		}
		if gp.g == nil {
			return nil, sum, fmt.Errorf("group %s missing from the reference data", gp.code)
		}
		g.groups = append(g.groups, gp)
	}
	// The nation's lines are paid from the central budget and from the 63 local budgets; the
	// allocations are the programme's budget of 62,000 billion VND split 70/30 (an assumption).
	funds := fund.NewStore(d)
	basis := "Giả định cho bộ dữ liệu tổng hợp quốc gia: 70% ngân sách trung ương, 30% ngân sách địa phương"
	for i, f := range []*fund.Fund{
		{ProgramID: prog.ID, Code: "NSTW", Name: "Ngân sách trung ương hỗ trợ", NameEn: "Central budget support", Source: fund.Source("CENTRAL"), Allocated: 43_400_000_000_000, AllocationBasis: basis},
		{ProgramID: prog.ID, Code: "NSDP", Name: "Ngân sách địa phương (63 tỉnh, thành phố)", NameEn: "Local budgets (63 provinces)", Source: fund.Source("PROVINCIAL"), Allocated: 18_600_000_000_000, AllocationBasis: basis},
	} {
		if err := funds.Upsert(ctx, f); err != nil {
			return nil, sum, err
		}
		g.funds[i] = f.ID
	}
	var units []struct {
		ID           int64  `bun:"id"`
		Code         string `bun:"code"`
		Name         string `bun:"name"`
		Kind         string `bun:"kind"`
		District     int64  `bun:"district_id"`
		Province     int64  `bun:"province_id"`
		ProvinceCode string `bun:"province_code"`
		ProvinceName string `bun:"province_name"`
	}
	if err := d.NewRaw(`SELECT w.id, w.code, w.name, w.kind, dist.id AS district_id, prov.id AS province_id,
			prov.code AS province_code, prov.name AS province_name
		FROM admin_units AS w
		JOIN admin_units AS dist ON dist.id = w.parent_id AND dist.level = 'DISTRICT'
		JOIN admin_units AS prov ON prov.id = dist.parent_id AND prov.level = 'PROVINCE'
		WHERE w.level = 'COMMUNE' AND w.valid_from <= '2020-05-01' AND (w.valid_to IS NULL OR w.valid_to >= '2020-05-01')
		ORDER BY prov.code, dist.code, w.code`).Scan(ctx, &units); err != nil {
		return nil, sum, err
	}
	r := rand.New(rand.NewPCG(opt.Seed, 0))
	byProvince := map[int64]*provinceUnit{}
	districts := map[int64]bool{}
	for _, u := range units {
		p := byProvince[u.Province]
		if p == nil {
			p = &provinceUnit{index: len(g.provinces), id: u.Province, code: u.ProvinceCode, name: u.ProvinceName}
			byProvince[u.Province] = p
			g.provinces = append(g.provinces, p)
		}
		w := &wardUnit{id: u.ID, district: u.District, province: u.Province, code: u.Code, name: u.Name, rural: u.Kind == "XA"}
		// Synthetic population weights: wards (phường) are denser than communes.
		w.weight = math.Exp(0.5 * r.NormFloat64())
		if !w.rural {
			w.weight *= 1.3
		}
		p.wards = append(p.wards, w)
		districts[u.District] = true
	}
	sum.Provinces, sum.Districts, sum.Wards = len(g.provinces), len(districts), len(units)
	next := func(table string) (int64, error) {
		var v int64
		err := d.NewRaw("SELECT COALESCE(MAX(id), 0) + 1 FROM "+table).Scan(ctx, &v)
		return v, err
	}
	if g.nextBen, err = next("beneficiaries"); err != nil {
		return nil, sum, err
	}
	if g.nextLine, err = next("disbursements"); err != nil {
		return nil, sum, err
	}
	if g.nextBatch, err = next("import_batches"); err != nil {
		return nil, sum, err
	}
	if err := d.NewRaw("SELECT next_value FROM id_allocators WHERE name = 'person'").Scan(ctx, &g.nextPerson); err != nil {
		return nil, sum, err
	}
	return g, sum, nil
}

// pgConn is a connection of the pool handed over to pgx for COPY.
type pgConn struct {
	conn  *bun.Conn
	pgx   *pgx.Conn
	done  chan struct{}
	freed chan struct{}
}

// rawConn takes a connection out of d's pool and returns its pgx connection, usable until close.
func rawConn(ctx context.Context, d *bun.DB) (*pgConn, error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return nil, err
	}
	c := &pgConn{conn: &conn, done: make(chan struct{}), freed: make(chan struct{})}
	got := make(chan *pgx.Conn, 1)
	go func() {
		defer close(c.freed)
		_ = conn.Raw(func(dc any) error {
			got <- dc.(*stdlib.Conn).Conn()
			<-c.done // the pgx connection is ours until close
			return nil
		})
	}()
	c.pgx = <-got
	return c, nil
}

func (c *pgConn) close() {
	close(c.done)
	<-c.freed
	c.conn.Close()
}

// stream is one table's COPY.
type stream struct {
	table   string
	columns []string
	sink    *sink
}

// copyAll runs the generator and four COPY streams (recipients, lines, import batches, rollups),
// each on its own connection, and commits them together only if all succeed.
func copyAll(ctx context.Context, d *bun.DB, g *generator, sum *Summary, progress func(string, time.Duration)) error {
	g.bens, g.lines, g.batches, g.rollups = newSink(), newSink(), newSink(), newSink()
	stop := make(chan struct{})
	g.stop = stop
	streams := []stream{
		{"beneficiaries", benColumns, g.bens},
		{"disbursements", lineColumns, g.lines},
		{"import_batches", batchColumns, g.batches},
		{"rollups", rollup.CopyColumns, g.rollups},
	}
	conns := make([]*pgConn, len(streams))
	txs := make([]pgx.Tx, len(streams))
	for i := range streams {
		c, err := rawConn(ctx, d)
		if err != nil {
			return err
		}
		defer c.close()
		conns[i] = c
		tx, err := c.pgx.Begin(ctx)
		if err != nil {
			return err
		}
		txs[i] = tx
		// No statement timeout for a copy of millions of rows; synchronous_commit off: a crash loses
		// the load, which starts again from an empty database.
		for _, stmt := range []string{"SET LOCAL statement_timeout = 0", "SET LOCAL synchronous_commit = off"} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
	}
	var abortOnce sync.Once
	eg, ectx := errgroup.WithContext(ctx)
	eg.Go(func() error {
		err := g.run()
		if errors.Is(err, errStopped) {
			return nil
		}
		return err
	})
	for i, s := range streams {
		eg.Go(func() error {
			started := time.Now()
			sql := fmt.Sprintf("COPY %s (%s) FROM STDIN WITH (FORMAT binary)", s.table, strings.Join(s.columns, ", "))
			if _, err := conns[i].pgx.PgConn().CopyFrom(ectx, s.sink.pr, sql); err != nil {
				// The generator stops at its next ward; until then its rows go nowhere.
				abortOnce.Do(func() { close(stop) })
				s.sink.pr.CloseWithError(err)
				return fmt.Errorf("copy %s: %w", s.table, err)
			}
			progress("copy "+s.table, time.Since(started))
			return nil
		})
	}
	err := eg.Wait()
	if err == nil {
		// Each table's ID sequence, and the person allocator, move past the loaded rows in the
		// transaction that loads them: a table that is committed never leaves IDs to be handed
		// out again (a person ID given twice would make distinct counts wrong).
		err = advanceIDs(ctx, streams[:3], txs[:3], g.nextPerson)
	}
	// Once the copies are done, an interrupt no longer splits the commits.
	commitCtx := context.WithoutCancel(ctx)
	for _, tx := range txs {
		if err != nil {
			_ = tx.Rollback(commitCtx)
			continue
		}
		if cerr := tx.Commit(commitCtx); cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	sum.Recipients, sum.Lines, sum.Batches, sum.RollupRows = g.bens.n, g.lines.n, g.batches.n, g.rollups.n
	sum.Persons = g.nextPerson
	return nil
}

// advanceIDs moves the ID sequences of the loaded tables, and the person allocator (with the
// recipients), past the loaded rows, each in the transaction that loaded them.
func advanceIDs(ctx context.Context, streams []stream, txs []pgx.Tx, nextPerson int64) error {
	for i, s := range streams {
		sql := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT MAX(id) FROM %s), 1))", s.table, s.table)
		if _, err := txs[i].Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", s.table, err)
		}
		if s.table == "beneficiaries" {
			if _, err := txs[i].Exec(ctx, "UPDATE id_allocators SET next_value = $1 WHERE name = 'person'", nextPerson); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish marks the data set as synthetic demo data.
func finish(ctx context.Context, d *bun.DB, g *generator, sum *Summary, opt Options) error {
	return d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewRaw("SELECT COALESCE(SUM(amount), 0) FROM disbursements").Scan(ctx, &sum.Amount); err != nil {
			return err
		}
		ds := dataset.NewStore(tx)
		if err := ds.MarkDemo(ctx, fmt.Sprintf("national-%d-x%g", opt.Seed, opt.Scale), time.Now()); err != nil {
			return err
		}
		if err := ds.Bump(ctx); err != nil {
			return err
		}
		// The rollups were copied in without the Keeper: servers holding them read them again.
		if err := rollup.MarkAllChanged(ctx, tx); err != nil {
			return err
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{
			Actor: "system", Action: "seed.national", Entity: "dataset", EntityID: "national",
			After: audit.JSON(map[string]any{"seed": opt.Seed, "scale": opt.Scale, "recipients": sum.Recipients, "lines": sum.Lines}),
		})
	})
}
