// Package seed loads hotro's reference data (administrative units, programs, groups, funds) and
// generates the synthetic demo data set. Both are idempotent and run in one transaction each.
package seed

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"hotro/internal/adminunit"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/errs"
	"hotro/internal/fund"
	"hotro/internal/program"
	"hotro/internal/reference"
)

//go:embed data/*.csv data/*.json
var files embed.FS

// The validity dates the reference data assumes (see data/SOURCES.md).
var (
	units2020From = civil.MustParse("2020-01-01")
	units2020To   = civil.MustParse("2025-06-30")
)

// ReferenceVersion identifies the embedded reference data: it changes when a seed file changes.
func ReferenceVersion() string {
	h := sha256.New()
	entries, _ := files.ReadDir("data")
	for _, e := range entries {
		b, _ := files.ReadFile("data/" + e.Name())
		fmt.Fprintf(h, "%s %d\n", e.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Realigner makes what is derived from the unit tree follow a change of it, in tx, the transaction
// that changed it: before and after are the reference data as tx read it before and after; it
// returns how many units moved. rollup.Realign is the one a server passes.
type Realigner func(ctx context.Context, tx bun.IDB, before, after *reference.Snapshot) (moved int, err error)

// EnsureReference loads the reference data when the database does not hold this version of it yet.
// It reports whether it loaded anything. realign is as for Reference.
func EnsureReference(ctx context.Context, db *bun.DB, realign Realigner) (bool, error) {
	have, err := dataset.NewStore(db).ReferenceVersion(ctx)
	if err != nil {
		return false, err
	}
	if have == ReferenceVersion() {
		return false, nil
	}
	_, err = Reference(ctx, db, realign)
	return err == nil, err
}

// Reference upserts the reference data. Running it again changes nothing. Units written again may
// have moved (a ward to another district): realign is told in the same transaction. nil tells no
// one, for a database that holds no payment lines yet (a fixture being made).
func Reference(ctx context.Context, db *bun.DB, realign Realigner) (Summary, error) {
	var sum Summary
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if err = dataset.NewStore(tx).SetReferenceVersion(ctx, ReferenceVersion()); err != nil {
			return err
		}
		var before *reference.Snapshot
		if realign != nil {
			if before, err = reference.Load(ctx, tx); err != nil {
				return err
			}
		}
		if sum.Units, err = loadUnits(ctx, tx); err != nil {
			return err
		}
		if realign != nil {
			after, err := reference.Load(ctx, tx)
			if err != nil {
				return err
			}
			if sum.Moved, err = realign(ctx, tx, before, after); err != nil {
				return err
			}
		}
		if sum.Programs, sum.Groups, err = loadPrograms(ctx, tx); err != nil {
			return err
		}
		if sum.Funds, err = loadFunds(ctx, tx); err != nil {
			return err
		}
		sum.Rounds, err = loadRounds(ctx, tx)
		return err
	})
	if err != nil {
		return Summary{}, errs.E("seed: reference", err)
	}
	return sum, nil
}

// Summary counts what a seeding run wrote or confirmed.
type Summary struct {
	Units, Programs, Groups, Funds, Rounds int
	Moved                                  int // units given another parent, whose rollups were realigned
}

type cityFile struct {
	Province struct{ Code, Name string } `json:"province"`
	District struct{ Code, Name string } `json:"district"`
	Units    []struct {
		Code, Name, Kind string
		Became           []string
	} `json:"units_2020"`
	Units25 []struct {
		Code, Name, Kind string
		ValidFrom        string `json:"valid_from"`
	} `json:"units_2025"`
}

func loadUnits(ctx context.Context, tx bun.Tx) (int, error) {
	raw, err := files.ReadFile("data/admin-units-vn-2020-06-01.csv")
	if err != nil {
		return 0, err
	}
	var city cityFile
	if err := readJSON("data/thai-nguyen-2025.json", &city); err != nil {
		return 0, err
	}
	// Units the city file knows ended on 2025-06-30: the city's communes and the city itself.
	ended := map[string]bool{city.District.Code: true}
	for _, u := range city.Units {
		ended[u.Code] = true
	}

	rows, err := readCSV(raw)
	if err != nil {
		return 0, err
	}
	byLevel := map[adminunit.Level][]*adminunit.Unit{}
	parentCode := map[*adminunit.Unit]string{}
	for _, r := range rows {
		level, code, name, typeName, parent := r[0], r[1], r[2], r[3], r[4]
		u := &adminunit.Unit{
			Code: code, Name: name, Kind: adminunit.KindOf(typeName),
			NameEn: adminunit.EnglishName(name, typeName), ValidFrom: units2020From,
		}
		if u.Kind == "" {
			return 0, fmt.Errorf("unit %s: unknown type %q", code, typeName)
		}
		switch level {
		case "province":
			u.Level = adminunit.Province
		case "district":
			u.Level = adminunit.District
		case "commune":
			u.Level = adminunit.Commune
		default:
			return 0, fmt.Errorf("unit %s: unknown level %q", code, level)
		}
		if ended[code] && u.Level != adminunit.Province {
			to := units2020To
			u.ValidTo = &to
		}
		byLevel[u.Level] = append(byLevel[u.Level], u)
		parentCode[u] = parent
	}

	store := adminunit.NewStore(tx)
	ids := map[adminunit.Level]map[string]int64{}
	parentLevel := map[adminunit.Level]adminunit.Level{adminunit.District: adminunit.Province, adminunit.Commune: adminunit.District}
	total := 0
	for _, level := range []adminunit.Level{adminunit.Province, adminunit.District, adminunit.Commune} {
		units := byLevel[level]
		for _, u := range units {
			if pl, ok := parentLevel[level]; ok {
				pid, ok := ids[pl][parentCode[u]]
				if !ok {
					return 0, fmt.Errorf("unit %s: parent %s not found", u.Code, parentCode[u])
				}
				u.ParentID = &pid
			}
		}
		if err := store.Upsert(ctx, units); err != nil {
			return 0, err
		}
		ids[level] = map[string]int64{}
		for _, u := range units {
			ids[level][u.Code] = u.ID
		}
		total += len(units)
	}

	// The 2025 units of the city, under the province (districts were abolished on 2025-07-01).
	provinceID := ids[adminunit.Province][city.Province.Code]
	var units25 []*adminunit.Unit
	for _, u := range city.Units25 {
		from, err := civil.Parse(u.ValidFrom)
		if err != nil {
			return 0, fmt.Errorf("2025 unit %s: %w", u.Code, err)
		}
		typeName := map[string]string{"phuong": "Phường", "xa": "Xã", "thi_tran": "Thị trấn"}[u.Kind]
		units25 = append(units25, &adminunit.Unit{
			Level: adminunit.Commune, Code: u.Code, Name: u.Name, Kind: adminunit.KindOf(typeName),
			NameEn: adminunit.EnglishName(u.Name, typeName), ParentID: &provinceID, ValidFrom: from,
		})
	}
	if err := store.Upsert(ctx, units25); err != nil {
		return 0, err
	}
	new25 := map[string]int64{}
	for _, u := range units25 {
		new25[u.Code] = u.ID
	}
	var links []adminunit.Successor
	for _, u := range city.Units {
		for _, b := range u.Became {
			sid, ok := new25[b]
			if !ok {
				return 0, fmt.Errorf("unit %s became %s, which is not among the 2025 units", u.Code, b)
			}
			links = append(links, adminunit.Successor{UnitID: ids[adminunit.Commune][u.Code], SuccessorID: sid})
		}
	}
	if err := store.LinkSuccessors(ctx, links); err != nil {
		return 0, err
	}
	return total + len(units25), nil
}

// readCSV reads the GSO list: comment lines start with '#', then a header, then rows of five fields.
func readCSV(raw []byte) ([][]string, error) {
	var body bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") {
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	r := csv.NewReader(&body)
	r.FieldsPerRecord = 5
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("admin units: %w", err)
	}
	if strings.Join(header, ",") != "level,code,name,type,parent_code" {
		return nil, fmt.Errorf("admin units: unexpected header %v", header)
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("admin units: %w", err)
		}
		rows = append(rows, rec)
	}
}

type programsFile struct {
	Programs []struct {
		Code        string   `json:"code"`
		NameVi      string   `json:"name_vi"`
		NameEn      string   `json:"name_en"`
		LegalBasis  []string `json:"legal_basis"`
		AppliesFrom string   `json:"applies_from"`
		OverlapRule string   `json:"overlap_rule"`
		Groups      []struct {
			Code          string   `json:"code"`
			NameVi        string   `json:"name_vi"`
			NameEn        string   `json:"name_en"`
			ShortNameVi   string   `json:"short_name_vi"`
			ShortNameEn   string   `json:"short_name_en"`
			Unit          string   `json:"unit"`
			Monthly       *int64   `json:"monthly_amount_vnd"`
			MaxMonths     *int     `json:"max_months"`
			OneTime       *int64   `json:"one_time_amount_vnd"`
			Extras        string   `json:"extras"`
			Payment       string   `json:"payment"`
			Period        []string `json:"period"`
			Confidence    string   `json:"confidence"`
			ApprovalChain string   `json:"approval_chain"`
		} `json:"groups"`
	} `json:"programs"`
}

func loadPrograms(ctx context.Context, tx bun.Tx) (programs, groups int, err error) {
	var pf programsFile
	if err := readJSON("data/programs.json", &pf); err != nil {
		return 0, 0, err
	}
	store := program.NewStore(tx)
	for _, p := range pf.Programs {
		from, err := civil.Parse(p.AppliesFrom)
		if err != nil {
			return 0, 0, fmt.Errorf("program %s: %w", p.Code, err)
		}
		prog := &program.Program{
			Code: p.Code, Name: p.NameVi, NameEn: p.NameEn, LegalBasis: strings.Join(p.LegalBasis, "\n"),
			AppliesFrom: from, OverlapRule: program.HighestOnly, OverlapNote: p.OverlapRule,
		}
		if err := store.UpsertProgram(ctx, prog); err != nil {
			return 0, 0, err
		}
		programs++
		for _, g := range p.Groups {
			grp := &program.Group{
				ProgramID: prog.ID, Code: g.Code, Name: g.NameVi, NameEn: g.NameEn,
				ShortName: g.ShortNameVi, ShortNameEn: g.ShortNameEn,
				SupportUnit: program.SupportUnit(g.Unit), Payment: program.Payment(g.Payment),
				MonthlyAmount: g.Monthly, MaxMonths: g.MaxMonths, OneTimeAmount: g.OneTime,
				Confidence: g.Confidence, Note: strings.TrimSpace(g.Extras + "\n" + g.ApprovalChain),
			}
			if len(g.Period) == 2 {
				from, err1 := civil.Parse(g.Period[0])
				to, err2 := civil.Parse(g.Period[1])
				if err1 != nil || err2 != nil {
					return 0, 0, fmt.Errorf("group %s: bad period %v", g.Code, g.Period)
				}
				grp.PeriodFrom, grp.PeriodTo = &from, &to
			}
			if err := store.UpsertGroup(ctx, grp); err != nil {
				return 0, 0, err
			}
			groups++
		}
	}
	return programs, groups, nil
}

type fundsFile struct {
	Funds []struct {
		Program         string `json:"program"`
		Code            string `json:"code"`
		NameVi          string `json:"name_vi"`
		NameEn          string `json:"name_en"`
		Source          string `json:"source"`
		Allocated       int64  `json:"allocated_vnd"`
		AllocationBasis string `json:"allocation_basis"`
	} `json:"funds"`
}

func loadFunds(ctx context.Context, tx bun.Tx) (int, error) {
	var ff fundsFile
	if err := readJSON("data/funds.json", &ff); err != nil {
		return 0, err
	}
	programs := program.NewStore(tx)
	funds := fund.NewStore(tx)
	for _, f := range ff.Funds {
		p, err := programs.Program(ctx, f.Program)
		if err != nil {
			return 0, err
		}
		if err := funds.Upsert(ctx, &fund.Fund{
			ProgramID: p.ID, Code: f.Code, Name: f.NameVi, NameEn: f.NameEn, Source: fund.Source(f.Source),
			Allocated: f.Allocated, AllocationBasis: f.AllocationBasis,
		}); err != nil {
			return 0, err
		}
	}
	return len(ff.Funds), nil
}

type roundsFile struct {
	Rounds []struct {
		Program  string   `json:"program"`
		Code     string   `json:"code"`
		Seq      int      `json:"seq"`
		NameVi   string   `json:"name_vi"`
		NameEn   string   `json:"name_en"`
		Groups   []string `json:"groups"`
		PaidFrom *string  `json:"paid_from"`
		PaidTo   *string  `json:"paid_to"`
		Decision string   `json:"decision"`
		Source   string   `json:"source"`
	} `json:"rounds"`
}

// loadRounds upserts the payment rounds and their groups (groups of the round's programme).
func loadRounds(ctx context.Context, tx bun.Tx) (int, error) {
	var rf roundsFile
	if err := readJSON("data/rounds.json", &rf); err != nil {
		return 0, err
	}
	store := program.NewStore(tx)
	date := func(s *string) (*civil.Date, error) {
		if s == nil {
			return nil, nil
		}
		d, err := civil.Parse(*s)
		return &d, err
	}
	for _, r := range rf.Rounds {
		p, err := store.Program(ctx, r.Program)
		if err != nil {
			return 0, err
		}
		groups, err := store.Groups(ctx, r.Program)
		if err != nil {
			return 0, err
		}
		byCode := map[string]int64{}
		for _, g := range groups {
			byCode[g.Code] = g.ID
		}
		var ids []int64
		for _, code := range r.Groups {
			id, ok := byCode[code]
			if !ok {
				return 0, fmt.Errorf("round %s: programme %s has no group %s", r.Code, r.Program, code)
			}
			ids = append(ids, id)
		}
		from, err1 := date(r.PaidFrom)
		to, err2 := date(r.PaidTo)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("round %s: bad dates %v %v", r.Code, err1, err2)
		}
		round := &program.Round{
			ProgramID: p.ID, Code: r.Code, Seq: r.Seq, Name: r.NameVi, NameEn: r.NameEn,
			PaidFrom: from, PaidTo: to, Decision: r.Decision, Source: r.Source,
		}
		if err := store.UpsertRound(ctx, round, ids); err != nil {
			return 0, err
		}
	}
	return len(rf.Rounds), nil
}

func readJSON(name string, v any) error {
	raw, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
