// Package supervision is the city's working group (Tổ công tác) at work: the board of anomalies
// found in the payment lines, each with its lines, and spot checks drawn as reproducible samples of
// a ward's paid lines with the result of each visit.
//
// Who: the working group (auth.Supervisor) and admins (auth.Identity.CanSupervise); the working
// group reads every ward in full, each recipient it is given in full recorded in the audit trail by
// package beneficiary, and may import, approve or pay nothing (packages intake and disbursement
// refuse it).
//
// The anomalies and their rules (Rules holds the numbers; DefaultRules the defaults):
//
//	AMOUNT_OFF_RULE               lines whose amount is not what their group's rule grants, per ward and group
//	SAME_PERSON_TWO_WARDS         one recipient with lines of one programme in two or more wards
//	SAME_PERSON_TWICE_IN_PROGRAM  one recipient with live lines in two or more groups of a programme
//	                              whose overlap rule is not ALLOW_ALL (instalments of one group are not counted)
//	RECONCILIATION                an entry of the reconciliation queue (a ward officer's upload named
//	                              someone on record in another ward), with the lines on record
//	LARGE_HOUSEHOLD               a household of at least LargeHouseholdFactor times its ward's median
//	                              household and at least LargeHouseholdMargin more members
//	PAID_LONG_AFTER_APPROVAL      lines paid more than PaidAfterApprovalDays after their decision, per ward
//	APPROVED_LONG_AFTER_POSTING   lines approved more than ApprovedAfterPostingDays after posting, per ward
//	PAID_PER_RECIPIENT_OUTLIER    a ward whose amount paid per recipient is an outlier among the wards
//	RETURNED_SHARE_OUTLIER        a ward whose share of returned lines is an outlier among the wards
//	SHARED_RECEIPT                one receipt number on the paid lines of SharedReceiptMin or more recipients of a ward
//	SHARED_ADDRESS                one address (compared without accents, case or extra spaces) for at
//	                              least SharedAddressMin recipients of a ward and SharedAddressFactor
//	                              times the ward's median recipients per address
//	SPOT_CHECK_FAILED             spot-checked lines whose visit found the wrong person, nobody, or
//	                              money not received, per ward
//
// A ward is an outlier among the wards of its city or district (the wards under the same parent,
// at least OutlierMinWards of them) when its modified z-score, 0.6745·(x − median)/MAD, is above
// OutlierZ in absolute value (Iglewicz and Hoaglin); where more than half the wards share one
// value (MAD 0) the mean absolute deviation around the median, times 1.2533, stands in for MAD/0.6745.
//
// A board narrowed to wards reads those wards' lines (and, for a person listed in two wards, that
// person's lines elsewhere), but judges outliers among every ward; it reads at most
// Rules.MaxBoardLines lines, past which it asks to be narrowed (errs.TooComplex).
//
// A spot check's sample is reproducible from what is kept: the population is the ward's PAID lines
// (of the programme, if one is named) by line ID, whose SHA-256 digest is kept; each line's key is
// SHA-256 of "seed:lineID" (the ID in decimal), and the sample is the lines with the smallest keys,
// in that order (Sample). Anyone with the seed and the list of line IDs can draw it again.
//
// Draws are bounded so that nobody redraws until a convenient sample comes up: a ward is drawn at
// most Rules.DailyDraws times a calendar day (Asia/Ho_Chi_Minh), whoever draws and whatever the
// seed or programme. The draw's transaction first raises the ward's count of the day with one
// upsert, whose row lock orders concurrent draws; past the bound it is rolled back, refused
// (errs.TooComplex) and the refusal audited. Each draw keeps its number within the day, the bound
// then in force and whether its seed was typed: a typed seed can be chosen beforehand (a seed
// announced in public is good practice; one searched for a convenient sample is not), so the board
// says which draws had one.
package supervision
