package wardfigure

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/errs"
	"hotro/internal/vntext"
)

// MaxRows bounds one file: every commune of the country, a few years over.
const MaxRows = 50_000

// maxReported is how many wrong rows an error names before it counts the rest.
const maxReported = 20

// columns are the CSV's columns, each under its Vietnamese or English header (case and diacritics
// ignored; any order; other columns are refused so that a misspelt header is not silently lost).
var columns = []struct{ name, vi, en string }{
	{"code", "ma_xa", "ward_code"},
	{"year", "nam", "year"},
	{"population", "dan_so", "population"},
	{"households", "so_ho", "households"},
	{"source", "nguon", "source"},
}

// LoadInput is one CSV of figures.
type LoadInput struct {
	CSV []byte
	// Illustrative marks the figures as not official statistics.
	Illustrative bool
}

// LoadResult says what a load wrote.
type LoadResult struct {
	Rows  int
	Years []int
}

// Load writes the figures of a CSV, all or nothing, for an admin: a header row
// (ma_xa,nam,dan_so,so_ho,nguon or ward_code,year,population,households,source), then one row per
// ward and year. A code names the commune with that code valid on 31 December of the year (codes are
// reused after 2025: the 2020 ward for 2020, the 2025 unit for 2025). A figure already loaded for
// the unit and year is replaced. Any wrong row refuses the whole file with an Invalid error naming
// the rows (line numbers of the file) and what is wrong with each; nothing is written. The load is
// recorded in the audit trail and moves the data version (answers kept in caches are dropped).
func (s *Store) Load(ctx context.Context, in LoadInput) (LoadResult, error) {
	const op = "wardfigure: load"
	id := auth.FromContext(ctx)
	if id.Role != auth.Admin {
		return LoadResult{}, errs.E(op, errs.Permission, errs.Msg("Chỉ quản trị viên được nạp số liệu dân số và số hộ."))
	}
	rows, err := parse(in.CSV)
	if err != nil {
		return LoadResult{}, err
	}
	var res LoadResult
	err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		units, err := adminunit.NewStore(tx).List(ctx, adminunit.Filter{Level: adminunit.Commune})
		if err != nil {
			return err
		}
		byCode := map[string][]*adminunit.Unit{}
		for _, u := range units {
			byCode[u.Code] = append(byCode[u.Code], u)
		}
		var bad []string
		var figures []*Figure
		now := time.Now().UTC()
		for _, r := range rows {
			endOfYear := civil.New(r.year, time.December, 31)
			var unit *adminunit.Unit
			for _, u := range byCode[r.code] {
				if u.ValidOn(endOfYear) {
					unit = u
				}
			}
			if unit == nil {
				if len(byCode[r.code]) == 0 {
					bad = append(bad, fmt.Sprintf("dòng %d: không có phường/xã mã %s", r.line, r.code))
				} else {
					bad = append(bad, fmt.Sprintf("dòng %d: phường/xã mã %s không có hiệu lực ngày %s (số liệu năm %d gắn với đơn vị có hiệu lực cuối năm)", r.line, r.code, endOfYear.Vietnamese(), r.year))
				}
				continue
			}
			figures = append(figures, &Figure{UnitID: unit.ID, Year: r.year, Population: r.population,
				Households: r.households, Source: r.source, Illustrative: in.Illustrative, LoadedBy: id.Username, LoadedAt: now})
			if !slices.Contains(res.Years, r.year) {
				res.Years = append(res.Years, r.year)
			}
		}
		if len(bad) > 0 {
			return refuse(bad)
		}
		for part := range slices.Chunk(figures, 500) {
			if _, err := tx.NewInsert().Model(&part).On("CONFLICT (unit_id, year) DO UPDATE").
				Set("population = EXCLUDED.population").Set("households = EXCLUDED.households").
				Set("source = EXCLUDED.source").Set("illustrative = EXCLUDED.illustrative").
				Set("loaded_by = EXCLUDED.loaded_by").Set("loaded_at = EXCLUDED.loaded_at").Exec(ctx); err != nil {
				return errs.E(op, err)
			}
		}
		res.Rows = len(figures)
		slices.Sort(res.Years)
		if err := dataset.NewStore(tx).Bump(ctx); err != nil {
			return err
		}
		return audit.NewStore(tx).Record(ctx, &audit.Event{Actor: id.Username, Action: "wardfigures.load",
			Entity: "ward_figures", EntityID: strings.Trim(strings.Join(strings.Fields(fmt.Sprint(res.Years)), ","), "[]"),
			After: audit.JSON(map[string]any{"rows": res.Rows, "years": res.Years, "illustrative": in.Illustrative})})
	})
	if err != nil {
		return LoadResult{}, errs.E(op, err)
	}
	return res, nil
}

type row struct {
	line                   int
	code, source           string
	year                   int
	population, households int64
}

// parse reads the CSV, refusing it with every wrong row named (up to maxReported).
func parse(data []byte) ([]row, error) {
	const op = "wardfigure: parse"
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // Excel's BOM
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Tệp CSV rỗng: cần dòng tiêu đề ma_xa,nam,dan_so,so_ho,nguon và các dòng số liệu."))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, errs.E(op, errs.Invalid, errs.Msgf("Không đọc được dòng tiêu đề CSV: %v.", err))
	}
	at := map[string]int{}
	for i, h := range header {
		key := strings.ReplaceAll(vntext.Fold(strings.TrimSpace(h)), " ", "_")
		found := false
		for _, c := range columns {
			if key == c.vi || key == c.en {
				if _, dup := at[c.name]; dup {
					return nil, errs.E(op, errs.Invalid, errs.Msgf("Cột %q có hai lần trong dòng tiêu đề.", h))
				}
				at[c.name], found = i, true
			}
		}
		if !found {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Cột %q không được hỗ trợ: các cột là ma_xa, nam, dan_so, so_ho, nguon (hoặc ward_code, year, population, households, source).", h))
		}
	}
	for _, c := range columns {
		if _, ok := at[c.name]; !ok {
			return nil, errs.E(op, errs.Invalid, errs.Msgf("Thiếu cột %s (hoặc %s) trong dòng tiêu đề.", c.vi, c.en))
		}
	}
	var rows []row
	var bad []string
	seen := map[[2]string]int{}
	thisYear := time.Now().Year()
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			bad = append(bad, fmt.Sprintf("dòng %d: không đọc được (%v)", line, err))
			break
		}
		if len(rows)+len(bad) >= MaxRows {
			return nil, errs.E(op, errs.TooComplex, errs.Msgf("Tệp có hơn %d dòng số liệu: hãy chia nhỏ.", MaxRows))
		}
		get := func(name string) string {
			if i := at[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		x := row{line: line, code: get("code"), source: get("source")}
		var problems []string
		if x.code == "" || strings.Trim(x.code, "0123456789") != "" {
			problems = append(problems, fmt.Sprintf("mã phường/xã %q không hợp lệ", x.code))
		}
		if x.year, err = strconv.Atoi(get("year")); err != nil || x.year < 1900 || x.year > thisYear+1 {
			problems = append(problems, fmt.Sprintf("năm %q không hợp lệ", get("year")))
		}
		number := func(name, what string) int64 {
			n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(get(name)), 10, 64)
			if err != nil || n <= 0 {
				problems = append(problems, fmt.Sprintf("%s %q phải là số nguyên dương", what, get(name)))
			}
			return n
		}
		x.population, x.households = number("population", "dân số"), number("households", "số hộ")
		if x.households > x.population && x.population > 0 {
			problems = append(problems, fmt.Sprintf("số hộ (%d) lớn hơn dân số (%d)", x.households, x.population))
		}
		if x.source == "" {
			problems = append(problems, "thiếu nguồn số liệu")
		}
		if first, dup := seen[[2]string{x.code, get("year")}]; dup {
			problems = append(problems, fmt.Sprintf("trùng với dòng %d (cùng mã và năm)", first))
		}
		seen[[2]string{x.code, get("year")}] = line
		if len(problems) > 0 {
			bad = append(bad, fmt.Sprintf("dòng %d: %s", line, strings.Join(problems, ", ")))
			continue
		}
		rows = append(rows, x)
	}
	if len(bad) > 0 {
		return nil, refuse(bad)
	}
	if len(rows) == 0 {
		return nil, errs.E(op, errs.Invalid, errs.Msg("Tệp CSV chỉ có dòng tiêu đề, không có dòng số liệu."))
	}
	return rows, nil
}

// refuse is the error of a file with wrong rows: each named, the first maxReported of them.
func refuse(bad []string) error {
	msg := "Tệp không được nạp (không dòng nào được ghi): " + strings.Join(bad[:min(len(bad), maxReported)], "; ")
	if len(bad) > maxReported {
		msg += fmt.Sprintf("; và %d dòng sai khác", len(bad)-maxReported)
	}
	return errs.E("wardfigure: load", errs.Invalid, errs.Msg(msg+"."))
}
