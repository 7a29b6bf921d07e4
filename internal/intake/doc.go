// Package intake imports the recipient lists that ward officers keep in spreadsheets: it checks an
// upload row by row against the group's rule and the lists already held (the dry run), keeps the
// checked upload until the officer confirms it, and commits it in one transaction.
//
// # The dry run
//
// Every row is ACCEPTED, WARNING (imported, with something to review), SKIPPED (already on this very
// list) or ERROR. An upload with any ERROR row cannot be committed: the officer fixes the file and
// uploads it again, so that a list is whole. Errors and warnings carry the row, the column (as the
// officer wrote its header) and a message in Vietnamese.
//
// Decisions worth knowing:
//
//   - Amount against the group's rule (program.Group.AmountDue: for HO_NGHEO 250,000 × members ×
//     months). An empty amount cell takes the amount due. An amount above it is an ERROR (it would pay
//     more than the law grants); below it is a WARNING: the line is imported as written and stays
//     findable (disbursements(breaksRule: true), amountMatchesRule false).
//   - Months default to the group's maximum and may not exceed it. Household groups need the
//     household size (1-64); per-person groups ignore it (a WARNING when it is not 1).
//   - The citizen ID must be a valid 12-digit CCCD or 9-digit CMND; a leading zero that Excel dropped
//     from a number-formatted cell is put back (WARNING). A birth year or gender that disagrees with
//     the CCCD is an ERROR.
//   - Duplicates: the same ID twice in the file is an ERROR on the later row; the same folded name
//     (vntext.Fold: case, spaces and diacritics ignored) and birth date under another ID, in the file
//     or on record, is a WARNING for review. An ID on record under another name is an ERROR.
//   - The same person already on this group's list of this ward: SKIPPED (so importing a list again,
//     or a longer version of it, adds only the new rows). On this group's list of another ward: ERROR.
//   - A ward officer learns nothing of other wards' records: a row whose ID is on record outside the
//     officer's wards is an ERROR (CodeElsewhere) in the same words whatever is on record there, and
//     what an admin would have been told goes to the reconciliation queue (reconcile.go). An officer
//     checks at most Options.DailyRows rows a day, and one whose rows keep naming people elsewhere is
//     flagged in the audit trail (lookups.go). Admins see every detail and are not bound.
//   - On another group's list of the same programme, the programme's overlap rule decides.
//     ALLOW_ALL: WARNING. HIGHEST_ONLY (the default, Resolution 42's one-benefit rule): the line with
//     the higher amount stands. A new row not higher than the existing line is an ERROR; a higher row
//     is a WARNING and the commit CANCELS the existing lower lines (with the reason, an audit event and
//     the observer told), unless one of them is already APPROVED or PAID, which is an ERROR for a
//     person to sort out.
//   - The same file (SHA-256) committed before for the group and ward: ALREADY_IMPORTED, nothing added.
//     A file whose every row is already listed: the same.
//   - An optional "Phường/xã" column must name the list's ward (code or name); another ward or an
//     unknown one is an ERROR. An "STT" column is accepted and ignored.
//
// # The commit
//
// Commit re-reads the kept file and checks it again against the data as it then stands, holding a
// per-programme lock (PostgreSQL advisory lock; SQLite's write lock), and writes in chunks as it
// reads: new recipients with their person IDs, one LISTED line each through disbursement.Store (which
// tells the Observer), the cancellations, an audit event per line and one for the import, the
// import_batches row, and the data version. Any error rolls all of it back. Memory holds one chunk
// of rows (and the set of IDs seen, for duplicates), not the file's rows; package sheet reads the
// file in bounded memory, and at most Options.MaxConcurrent uploads are read at a time (slots.go).
package intake
