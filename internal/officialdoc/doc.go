// Package officialdoc writes the report a leader signs, in the administrative document format of
// Decree 30/2020/NĐ-CP, as DOCX (for the office to finish in Word or LibreOffice) and as PDF.
//
// The input is a plain Report: the document's metadata and the figures, filled by the caller (from
// a frozen snapshot), so the package needs no database. Both formats are drawn from one layout
// (compose.go), so they say the same thing:
//
//   - A4; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm (the decree: 20–25, 20–25, 30–35,
//     15–20);
//   - the issuing body's block at the top left (parent body regular, issuing body bold, a rule
//     below, then "Số: 123/BC-UBND"); the national heading at the top right ("CỘNG HÒA XÃ HỘI CHỦ
//     NGHĨA VIỆT NAM" bold 12 pt, "Độc lập - Tự do - Hạnh phúc" bold 13 pt with a rule as long as the
//     line), and the place and date in italics below it;
//   - the kind of document and its subject, bold, centred, with a short rule below;
//   - the body in 14 pt, justified, the first line indented 1.27 cm, 6 pt between paragraphs; tables
//     in 13 pt; page numbers from the second page, at the top centre;
//   - "Nơi nhận:" (bold italic 12 pt, its lines 11 pt) at the bottom left beside the signature block
//     (authority, position, the space to sign, the signer's name; bold 14 pt).
//
// Figures are written the Vietnamese way ("18.692.500.000 đồng", "82,4%"); the date line follows
// the decree ("ngày 05 tháng 02 năm 2021": a 0 before days below 10 and the months 1 and 2). Text is
// composed (NFC); a character the fonts cannot draw prints as "?" in both formats. Validate refuses,
// in Vietnamese, a report missing what the decree requires or larger than a page can hold (a
// heading field, a row's name or a recipient over 300 characters, over 30 recipients, over 40 bars,
// over 2,000 rows in a table).
//
// Font: the decree asks for Times New Roman. The DOCX names it (Word has it; LibreOffice puts in
// Liberation Serif, which has the same metrics). The PDF embeds Liberation Serif 2 (regular, bold,
// italic, bold italic; a subset of each), vendored in fonts/ from Debian's fonts-liberation2 2.1.5 with its
// licence (SIL Open Font License 1.1) and the SHA-256 of each file in fonts/SHA256SUMS, which a test
// checks. To refresh: apt-get install fonts-liberation2, copy LiberationSerif-{Regular,Bold,Italic,BoldItalic}.ttf
// from /usr/share/fonts/truetype/liberation2 and the licence from its copyright file, and rerun
// sha256sum into SHA256SUMS.
package officialdoc
