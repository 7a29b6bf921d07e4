package intake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"hotro/internal/audit"
	"hotro/internal/auth"
	"hotro/internal/beneficiary"
	"hotro/internal/civil"
	"hotro/internal/dataset"
	"hotro/internal/disbursement"
	"hotro/internal/errs"
	"hotro/internal/intake/sheet"
	"hotro/internal/logging"
	"hotro/internal/vntext"
)

// pass reads one upload row by row and checks every row; in a commit it also writes the rows in
// chunks as it goes, so that memory holds one chunk of rows, not the file's rows. A commit runs in
// one transaction: when a row turns out wrong, writing stops and the transaction is rolled back.
type pass struct {
	db        bun.IDB // the transaction of a commit
	t         *Target
	commit    bool
	actor     string
	now       time.Time
	chunk     int
	limits    sheet.Limits
	observer  disbursement.Observer
	onRow     func(RowResult)
	onWritten func(rows int)

	rep     *Report
	parser  *rowParser
	idCol   string
	nameCol string
	// The rows' IDs and names, for duplicates within the file: the only state that grows with the
	// file's rows, kept small (about 40 bytes a row).
	seenIDs   map[uint64]int32     // citizen ID (idKey) -> first row with it
	seenNames map[uint64]seenName  // hash of the folded name and birth date -> first row with them
	wards     map[string]wardCheck // ward cells already checked
	batch     *disbursement.Batch

	// visible, for a ward-scoped caller, tells the wards whose records the caller may learn of (nil:
	// every ward). What rows find outside them is kept in found for the reconciliation queue.
	visible func(wardID int64) bool
	found   []*Reconciliation
	// budget is how many rows the pass may look up (the caller's daily bound); negative: no bound.
	budget int
}

// hider returns the pass when it hides other wards' records from its caller, else nil.
func (p *pass) hider() *pass {
	if p.visible == nil {
		return nil
	}
	return p
}

// elsewhere counts the rows that named people on record outside the caller's wards.
func (p *pass) elsewhere() int {
	n := 0
	for _, r := range p.found {
		if r.Code != CodeNearDuplicate {
			n++
		}
	}
	return n
}

type seenName struct {
	row int32
	id  uint64 // idKey
}

// idKey packs a citizen ID (9 or 12 digits) into a number, keeping its length apart.
func idKey(id string) uint64 {
	n, _ := strconv.ParseUint(id, 10, 64)
	return n | uint64(len(id))<<40
}

// nameDateKey hashes a folded name and a birth date.
func nameDateKey(name string, birth civil.Date) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(birth.String()))
	return h.Sum64()
}

type wardCheck struct{ code, msg string }

func newPass(db bun.IDB, t *Target, id *auth.Identity, now time.Time, opt Options) *pass {
	p := &pass{db: db, t: t, actor: id.Username, now: now, chunk: opt.ChunkSize, limits: opt.Limits, observer: opt.Observer, onWritten: opt.OnWritten,
		seenIDs: map[uint64]int32{}, seenNames: map[uint64]seenName{}, wards: map[string]wardCheck{}, budget: -1}
	if id.WardScoped() {
		p.visible = id.InScope
	}
	return p
}

// run checks (and in a commit writes) the upload data. Problems with the file or its rows are in
// the report; an error means the check itself failed (database, context).
func (p *pass) run(ctx context.Context, fileName, sha string, data []byte) (*Report, error) {
	t := p.t
	p.rep = &Report{Status: Ready, ProgramID: t.Program.ID, GroupID: t.Group.ID, WardID: t.Ward.ID, FundID: t.Fund.ID,
		ListedOn: t.ListedOn, Listed: t.ListedOn.String(), FileName: fileName, SHA256: sha, Size: int64(len(data)),
		CheckedAt: p.now, CheckedBy: p.actor, Issues: []Issue{}, Preview: []RowResult{}}
	rep := p.rep
	rd, err := sheet.OpenBytes(data, fileName, p.limits) // the service holds the upload: no second copy
	if e, ok := sheet.AsError(err); ok {
		rep.refuse(e.Code, e.Message)
		return p.finish(ctx)
	}
	if err != nil {
		return nil, errs.E("intake: open", err)
	}
	defer rd.Close()
	rep.Format, rep.Sheet = string(rd.Format()), rd.Sheet()
	if p.chunk <= 0 {
		p.chunk = DefaultChunk
	}
	header := rd.Header()
	cols, problems := matchColumns(header, t.Group)
	for _, e := range problems {
		rep.addIssue(issueOf(e.At(rd.HeaderRow(), e.Column)))
	}
	if sheet.HasErrors(problems) {
		rep.Status = Refused
		return p.finish(ctx)
	}
	if done, err := p.alreadyImported(ctx); err != nil || done {
		if err != nil {
			return nil, err
		}
		return p.finish(ctx)
	}
	p.parser = &rowParser{cols: cols, header: header, group: t.Group, today: civil.Of(p.now), parseDate: rd.ParseDate}
	p.idCol, p.nameCol = p.parser.column(colCitizenID), p.parser.column(colName)
	if p.commit {
		if err := p.insertBatch(ctx); err != nil {
			return nil, err
		}
	}
	// Reading and parsing rows (CPU here) overlaps with checking and writing the chunk before
	// (mostly the database's work): one goroutine reads, this one judges and writes.
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	chunks := make(chan []*candidate, 1)
	read := make(chan error, 1)
	go func() {
		defer close(chunks)
		read <- p.read(readCtx, rd, chunks)
	}()
	for rows := range chunks {
		if err := p.flush(ctx, rows); err != nil {
			stop()
			for range chunks {
			}
			<-read
			return nil, err
		}
	}
	if err := <-read; err != nil {
		if e, ok := sheet.AsError(err); ok {
			rep.addIssue(issueOf(e))
			rep.Status = Refused
			return p.finish(ctx)
		}
		return nil, err
	}
	warnings := rd.Warnings()
	for _, w := range warnings {
		rep.addIssue(issueOf(w))
	}
	if rep.Rows == 0 {
		msg := "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."
		if len(warnings) > 0 {
			msg = "Không đọc được dòng dữ liệu nào. " + warnings[0].Message
		}
		rep.refuse(CodeNoRows, msg)
	}
	return p.finish(ctx)
}

// read reads and parses the rows into chunks, until the end of the sheet (nil), a problem with the
// file (*sheet.Error) or a failure.
func (p *pass) read(ctx context.Context, rd *sheet.Reader, chunks chan<- []*candidate) error {
	rows := make([]*candidate, 0, p.chunk)
	send := func() error {
		select {
		case chunks <- rows:
			rows = make([]*candidate, 0, p.chunk)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if _, ok := sheet.AsError(err); ok {
			return err
		}
		if err != nil {
			return errs.E("intake: read", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rows = append(rows, p.inFile(p.parser.parse(row)))
		if len(rows) == p.chunk {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(rows) > 0 {
		return send()
	}
	return nil
}

// inFile checks a row against the rows above it: the same ID twice is an error, the same name and
// birth date under another ID a warning.
func (p *pass) inFile(c *candidate) *candidate {
	id := idKey(c.citizenID)
	if c.citizenID != "" {
		if first, ok := p.seenIDs[id]; ok {
			c.fail(p.idCol, CodeDuplicateInFile, fmt.Sprintf("Trùng số CCCD/CMND với dòng %d của tệp.", first))
		} else {
			p.seenIDs[id] = int32(c.row)
		}
	}
	if c.nameKey != "" && c.birth != nil {
		key := nameDateKey(c.nameKey, *c.birth)
		if first, ok := p.seenNames[key]; !ok {
			p.seenNames[key] = seenName{int32(c.row), id}
		} else if first.id != id {
			c.warn(p.nameCol, CodeNearDuplicate, fmt.Sprintf("Cùng họ tên và ngày sinh với dòng %d của tệp nhưng khác số giấy tờ. Hãy kiểm tra có phải cùng một người không.", first.row))
		}
	}
	return c
}

// flush judges the rows gathered against the database, reports them and, in a commit that has met
// no error yet, writes them.
func (p *pass) flush(ctx context.Context, rows []*candidate) error {
	if len(rows) == 0 {
		return nil
	}
	for _, c := range rows {
		if c.wardCell != "" {
			if code, msg := p.checkWard(ctx, c.wardCell); code != "" {
				c.fail(p.parser.column(colWard), code, msg)
			}
		}
	}
	if p.budget >= 0 && p.rep.Rows+len(rows) > p.budget {
		return errDailyBound
	}
	k, err := lookup(ctx, p.db, p.t, rows)
	if err != nil {
		return err
	}
	rep := p.rep
	for _, c := range rows {
		judge(c, k, p.t, p.idCol, p.nameCol, p.hider())
		rep.Rows++
		switch c.outcome() {
		case Accepted:
			rep.Accepted++
		case Warned:
			rep.Warned++
		case Skipped:
			rep.Skipped++
		case Rejected:
			rep.Rejected++
		}
		if o := c.outcome(); o == Accepted || o == Warned {
			rep.Amount += c.amount
			rep.People += c.people
			rep.Replaced += len(c.replace)
			if c.recipientID == 0 {
				rep.NewRecipients++
			}
		}
		for _, i := range c.issues {
			rep.addIssue(i)
		}
		if len(rep.Preview) < PreviewRows || p.onRow != nil {
			r := c.result()
			if len(rep.Preview) < PreviewRows {
				rep.Preview = append(rep.Preview, r)
			}
			if p.onRow != nil {
				p.onRow(r)
			}
		}
	}
	if p.commit && rep.Rejected == 0 {
		if err := p.write(ctx, rows); err != nil {
			return err
		}
		if p.onWritten != nil {
			p.onWritten(rep.Accepted + rep.Warned)
		}
	}
	return nil
}

// checkWard checks a row's ward cell: a code or a name (with or without "Phường", "Xã" and
// diacritics) of the list's ward passes (""); another ward, or none, is an error code and message.
func (p *pass) checkWard(ctx context.Context, cell string) (string, string) {
	if w, ok := p.wards[cell]; ok {
		return w.code, w.msg
	}
	w := p.lookupWard(ctx, cell)
	p.wards[cell] = w
	return w.code, w.msg
}

func (p *pass) lookupWard(ctx context.Context, cell string) wardCheck {
	ward := p.t.Ward
	if cell == ward.Code || sameWardName(cell, ward.Name) {
		return wardCheck{}
	}
	var units []struct {
		Code string `bun:"code"`
		Name string `bun:"name"`
	}
	q := p.db.NewSelect().Table("admin_units").Column("code", "name").Where("level = 'COMMUNE'")
	if allDigits(cell) {
		q = q.Where("code = ?", cell)
	} else {
		// Names are matched within the ward's district, where they are unique.
		q = q.Where("parent_id = ?", ward.ParentID)
	}
	if err := q.Scan(ctx, &units); err == nil {
		for _, u := range units {
			if u.Code == cell || sameWardName(cell, u.Name) {
				return wardCheck{CodeOtherWard, fmt.Sprintf("Dòng này thuộc %s (%s), không phải %s của danh sách đang nhập. Hãy nhập dòng này vào danh sách của phường/xã đó.", u.Name, u.Code, ward.Name)}
			}
		}
	}
	return wardCheck{CodeUnknownWard, fmt.Sprintf("Không có phường/xã %q. Hãy ghi đúng tên hoặc mã phường/xã (%s: %s), hoặc để trống.", cell, ward.Name, ward.Code)}
}

// alreadyImported reports (in the report) whether this very file was committed for the group and
// ward before.
func (p *pass) alreadyImported(ctx context.Context) (bool, error) {
	var b disbursement.Batch
	err := p.db.NewSelect().Model(&b).Where("group_id = ?", p.t.Group.ID).Where("ward_id = ?", p.t.Ward.ID).
		Where("file_sha256 = ?", p.rep.SHA256).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, errs.E("intake: already imported", err)
	}
	p.rep.Status = AlreadyImported
	p.rep.BatchID = b.ID
	p.rep.addIssue(Issue{Code: CodeAlreadyImported, Warning: true, Message: fmt.Sprintf("Tệp này đã được nhập vào danh sách ngày %s (lô số %d, %d dòng). Không có gì được thêm.",
		(civil.Of(b.CreatedAt)).Vietnamese(), b.ID, b.RowCount)})
	return true, nil
}

// finish sets the report's status and message, and completes a commit without errors: the batch's
// row count, the audit event of the import and the data version.
func (p *pass) finish(ctx context.Context) (*Report, error) {
	rep := p.rep
	if rep.Status == Ready {
		switch {
		case rep.Rejected > 0:
			rep.Status = HasErrors
		case rep.Accepted+rep.Warned == 0:
			rep.Status, rep.BatchID = AlreadyImported, 0
			rep.addIssue(Issue{Code: CodeAlreadyListed, Warning: true, Message: "Mọi dòng của tệp đã có trong danh sách của nhóm này; không có gì để nhập thêm."})
		}
	}
	if p.commit && rep.Status == Ready {
		if err := p.complete(ctx); err != nil {
			return nil, err
		}
	}
	rep.Message = summary(rep)
	return rep, nil
}

func summary(rep *Report) string {
	firstError := func() string {
		for _, i := range rep.Issues {
			if !i.Warning {
				if loc := i.Location(); loc != "" {
					return loc + ": " + i.Message
				}
				return i.Message
			}
		}
		return ""
	}
	toImport := rep.Accepted + rep.Warned
	switch rep.Status {
	case Refused:
		return "Không nhập được tệp: " + firstError()
	case AlreadyImported:
		return firstIssue(rep, CodeAlreadyImported, CodeAlreadyListed)
	case HasErrors:
		return fmt.Sprintf("Có %d/%d dòng bị lỗi; chưa nhập dòng nào. Hãy sửa các dòng lỗi trong tệp rồi tải lên lại. Lỗi đầu tiên: %s", rep.Rejected, rep.Rows, firstError())
	case Committed:
		return fmt.Sprintf("Đã nhập %d dòng vào danh sách (lô số %d): %s đồng cho %d người.%s", toImport, rep.BatchID, vntext.Number(rep.Amount), rep.People, extras(rep))
	}
	return fmt.Sprintf("Tệp hợp lệ: %d dòng sẽ được nhập, %s đồng cho %d người.%s Chưa có gì được ghi; hãy xác nhận để nhập danh sách.", toImport, vntext.Number(rep.Amount), rep.People, extras(rep))
}

func extras(rep *Report) string {
	var s string
	if rep.Warned > 0 {
		s += fmt.Sprintf(" %d dòng có cảnh báo cần xem lại.", rep.Warned)
	}
	if rep.Skipped > 0 {
		s += fmt.Sprintf(" %d dòng đã có trong danh sách được bỏ qua.", rep.Skipped)
	}
	if rep.Replaced > 0 {
		s += fmt.Sprintf(" %d dòng mức thấp hơn ở nhóm khác bị huỷ theo quy tắc chỉ hưởng mức cao nhất.", rep.Replaced)
	}
	return s
}

func firstIssue(rep *Report, codes ...string) string {
	for _, i := range rep.Issues {
		for _, c := range codes {
			if i.Code == c {
				return i.Message
			}
		}
	}
	return ""
}

// insertBatch adds the batch row the commit's lines belong to.
func (p *pass) insertBatch(ctx context.Context) error {
	p.batch = &disbursement.Batch{ProgramID: p.t.Program.ID, GroupID: p.t.Group.ID, WardID: p.t.Ward.ID,
		FileName: p.rep.FileName, FileSHA256: p.rep.SHA256, CreatedBy: p.actor, CreatedAt: p.now}
	if _, err := p.db.NewInsert().Model(p.batch).Returning("id").Exec(ctx); err != nil {
		return errs.E("intake: batch", err)
	}
	p.rep.BatchID = p.batch.ID
	return nil
}

// recipientState is what the audit trail keeps of a recipient an import adds.
type recipientState struct {
	Kind        string `json:"kind"`
	FullName    string `json:"fullName"`
	CitizenID   string `json:"citizenId"`
	DateOfBirth string `json:"dateOfBirth,omitempty"`
	Members     int    `json:"members"`
	Address     string `json:"address,omitempty"`
}

// createdLine is what the audit trail keeps of a line an import adds.
type createdLine struct {
	ID          int64           `json:"id"`
	Row         int             `json:"row"`
	RecipientID int64           `json:"recipientId"`
	Amount      int64           `json:"amount"`
	People      int             `json:"people"`
	Months      int             `json:"months"`
	Note        string          `json:"note,omitempty"`
	Recipient   *recipientState `json:"newRecipient,omitempty"`
}

// createdChunk is the after-state of one audit event of an import: the lines of one chunk, with
// what they share.
type createdChunk struct {
	Status    disbursement.Status `json:"status"`
	ProgramID int64               `json:"programId"`
	GroupID   int64               `json:"groupId"`
	FundID    int64               `json:"fundId"`
	WardID    int64               `json:"wardId"`
	ListedOn  string              `json:"listedOn"`
	Lines     []createdLine       `json:"lines"`
}

// write adds the chunk's rows to the lists: new recipients (with their person IDs), one LISTED line
// each, the cancellation of the lower lines they replace (an audit event each), and one audit event
// naming the chunk's lines. Lines go through disbursement.Store, which tells the observer.
func (p *pass) write(ctx context.Context, rows []*candidate) error {
	const op = "intake: write"
	t := p.t
	kind := beneficiary.Person
	if householdGroup(t.Group) {
		kind = beneficiary.Household
	}
	var bens []*beneficiary.Beneficiary
	newOf := map[*candidate]*beneficiary.Beneficiary{}
	var take []*candidate
	for _, c := range rows {
		if o := c.outcome(); o != Accepted && o != Warned {
			continue
		}
		take = append(take, c)
		if c.recipientID != 0 {
			continue
		}
		id := c.citizenID
		b := &beneficiary.Beneficiary{Kind: kind, FullName: c.fullName, NameKey: c.nameKey, CitizenID: &id,
			DateOfBirth: c.birth, Gender: c.gender, Members: c.members, WardID: t.Ward.ID, Address: c.address, CreatedAt: p.now}
		bens = append(bens, b)
		newOf[c] = b
	}
	if len(take) == 0 {
		return nil
	}
	if len(bens) > 0 {
		if err := beneficiary.AssignPersons(ctx, p.db, bens); err != nil {
			return errs.E(op, err)
		}
		if err := insertRecipients(ctx, p.db, bens); err != nil {
			return errs.E(op, err)
		}
	}
	lines := make([]*disbursement.Disbursement, len(take))
	bases := make(map[int64]int64, len(take))
	var replaced []*disbursement.Disbursement
	for i, c := range take {
		if b := newOf[c]; b != nil {
			c.recipientID, c.personBase = b.ID, b.PersonBase
		}
		bases[c.recipientID] = c.personBase
		lines[i] = &disbursement.Disbursement{ProgramID: t.Program.ID, BeneficiaryID: c.recipientID, GroupID: t.Group.ID,
			FundID: t.Fund.ID, WardID: t.Ward.ID, Amount: c.amount, PeopleCovered: c.people, MonthsCovered: c.months,
			Instalment: 1, Status: disbursement.Listed, ListedOn: t.ListedOn, BatchID: &p.batch.ID, CreatedAt: p.now, UpdatedAt: p.now}
		replaced = append(replaced, c.replace...)
	}
	store := disbursement.NewStore(p.db, p.observer)
	if err := store.InsertBulk(ctx, lines, bases); err != nil {
		return errs.E(op, err)
	}
	if len(replaced) > 0 {
		reason := fmt.Sprintf("Thay bằng dòng nhóm %s mức cao hơn (lô nhập %d): mỗi người chỉ hưởng một mức cao nhất của chương trình.", t.Group.Code, p.batch.ID)
		if err := store.Move(ctx, replaced, disbursement.Action{Step: disbursement.Cancel, Reason: reason}, p.actor, p.now); err != nil {
			return errs.E(op, err)
		}
	}
	// One audit event per chunk names every line it adds (and every recipient it creates): an
	// import of 100,000 rows writes 100 events rather than 100,000, which the time budget needs.
	created := make([]createdLine, len(lines))
	for i, l := range lines {
		c := take[i]
		created[i] = createdLine{ID: l.ID, Row: c.row, RecipientID: l.BeneficiaryID, Amount: l.Amount, People: l.PeopleCovered,
			Months: l.MonthsCovered, Note: c.note}
		if b := newOf[c]; b != nil {
			rs := &recipientState{Kind: string(b.Kind), FullName: b.FullName, CitizenID: c.citizenID, Members: b.Members, Address: b.Address}
			if b.DateOfBirth != nil {
				rs.DateOfBirth = b.DateOfBirth.String()
			}
			created[i].Recipient = rs
		}
	}
	ward := t.Ward.ID
	ev := &audit.Event{At: p.now, Actor: p.actor, Action: "disbursement.create", Entity: "import_batch",
		EntityID: strconv.FormatInt(p.batch.ID, 10), WardID: &ward, RequestID: logging.RequestID(ctx),
		After: audit.JSON(createdChunk{Status: disbursement.Listed, ProgramID: t.Program.ID, GroupID: t.Group.ID, FundID: t.Fund.ID,
			WardID: t.Ward.ID, ListedOn: t.ListedOn.String(), Lines: created})}
	if err := disbursement.RecordAll(ctx, p.db, []*audit.Event{ev}); err != nil {
		return errs.E(op, err)
	}
	return nil
}

// complete finishes a commit: the batch's row count, the audit event of the import, the data
// version.
func (p *pass) complete(ctx context.Context) error {
	const op = "intake: complete"
	rep := p.rep
	rows := rep.Accepted + rep.Warned
	if _, err := p.db.NewUpdate().Table("import_batches").Set("row_count = ?", rows).Where("id = ?", p.batch.ID).Exec(ctx); err != nil {
		return errs.E(op, err)
	}
	ward := p.t.Ward.ID
	ev := &audit.Event{At: p.now, Actor: p.actor, Action: "import.commit", Entity: "import_batch",
		EntityID: strconv.FormatInt(p.batch.ID, 10), WardID: &ward, RequestID: logging.RequestID(ctx),
		After: audit.JSON(map[string]any{"program": p.t.Program.Code, "group": p.t.Group.Code, "ward": p.t.Ward.Code,
			"fund": p.t.Fund.Code, "listedOn": p.t.ListedOn.String(), "fileName": rep.FileName, "sha256": rep.SHA256,
			"rows": rep.Rows, "imported": rows, "skipped": rep.Skipped, "warned": rep.Warned, "amount": rep.Amount,
			"people": rep.People, "newRecipients": rep.NewRecipients, "replaced": rep.Replaced})}
	if err := audit.NewStore(p.db).Record(ctx, ev); err != nil {
		return errs.E(op, err)
	}
	if err := dataset.NewStore(p.db).Bump(ctx); err != nil {
		return errs.E(op, err)
	}
	rep.Status = Committed
	now := p.now
	rep.CommittedAt = &now
	return nil
}

// sameWardName reports whether a cell names the ward, with or without its kind ("Phường",
// "Xã", "Thị trấn"), diacritics or case.
func sameWardName(cell, name string) bool {
	bare := func(s string) string {
		s = vntext.Fold(s)
		for _, kind := range []string{"phuong ", "xa ", "thi tran "} {
			s = strings.TrimPrefix(s, kind)
		}
		return s
	}
	return bare(cell) != "" && bare(cell) == bare(name)
}

// insertRecipients adds new recipients and sets their IDs: on PostgreSQL over arrays, elsewhere
// with multi-row inserts.
func insertRecipients(ctx context.Context, db bun.IDB, bens []*beneficiary.Beneficiary) error {
	if db.Dialect().Name() != dialect.PG {
		_, err := db.NewInsert().Model(&bens).Returning("id").Exec(ctx)
		return err
	}
	n := len(bens)
	kind, name, key, address := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	citizen, birth, gender := make([]*string, n), make([]*string, n), make([]*string, n)
	members, base, ward := make([]int64, n), make([]int64, n), make([]int64, n)
	created := make([]time.Time, n)
	for i, b := range bens {
		kind[i], name[i], key[i], address[i], citizen[i] = string(b.Kind), b.FullName, b.NameKey, b.Address, b.CitizenID
		if b.DateOfBirth != nil {
			d := b.DateOfBirth.String()
			birth[i] = &d
		}
		if b.Gender != nil {
			g := string(*b.Gender)
			gender[i] = &g
		}
		members[i], base[i], ward[i], created[i] = int64(b.Members), b.PersonBase, b.WardID, b.CreatedAt.UTC()
	}
	keys, err := disbursement.InsertColumns(ctx, db, "beneficiaries", []disbursement.Column{
		{Name: "kind", Type: "text", Values: kind}, {Name: "full_name", Type: "text", Values: name},
		{Name: "name_key", Type: "text", Values: key}, {Name: "citizen_id", Type: "text", Values: citizen},
		{Name: "date_of_birth", Type: "date", Values: birth}, {Name: "gender", Type: "text", Values: gender},
		{Name: "members", Type: "integer", Values: members}, {Name: "person_base", Type: "bigint", Values: base},
		{Name: "ward_id", Type: "bigint", Values: ward}, {Name: "address", Type: "text", Values: address},
		{Name: "created_at", Type: "timestamptz", Values: created},
	}, "id", "person_base")
	if err != nil {
		return err
	}
	// Person bases are unique: they find each new recipient's ID.
	ids := make(map[int64]int64, len(keys))
	for _, k := range keys {
		ids[k[1]] = k[0]
	}
	for _, b := range bens {
		b.ID = ids[b.PersonBase]
	}
	return nil
}
