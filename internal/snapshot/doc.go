// Package snapshot freezes the official figures (số liệu chính thức): the tables a leader announces
// in a report, kept at one data version with, per cell, the count of its lines and a digest of
// their IDs, and answered later exactly as stats answered then.
//
// A snapshot holds, for every programme and for all together, the units at every level (the whole
// area, provinces, districts and wards) alone and by group, fund, round, month and ISO week, and
// the whole area by group, fund or round against month or week (Tables). Each cell carries its
// measures (report.Totals), the number of its lines (equal to its disbursements, checked when it
// is made) and the SHA-256 of their IDs in ascending order, each written in decimal and ended by a
// newline (LineDigest), so that anyone can recompute it from the lines. The state of every line
// counted (programme, ward, group, fund, round, status, amount, paid date) is kept too, which lets
// a diff name the lines behind each changed cell.
//
// Nothing of a snapshot is changed or deleted after it is made (the database refuses it); a wrong
// snapshot is withdrawn, once, with a reason. Leaders and admins make and withdraw snapshots;
// roles that see every ward's figures (analysts, leaders, admins) read them in full; everyone,
// visitors included, reads an official (not withdrawn) snapshot's figures through the public
// protection of package release, computed over the snapshot's own cells.
package snapshot
