package officialdoc

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"hotro/internal/errs"
)

// WriteDOCX writes r as a Word document (Office Open XML), for the office to finish and sign: A4,
// the decree's layout, Times New Roman named (Liberation Serif stands in for it in LibreOffice).
func WriteDOCX(w io.Writer, r Report) error {
	const op = "officialdoc: docx"
	if err := r.Validate(); err != nil {
		return err
	}
	l, err := compose(r)
	if err != nil {
		return err
	}
	d := &docxWriter{}
	document := d.document(l)
	day := time.Date(r.Date.Year(), r.Date.Month(), r.Date.Day(), 0, 0, 0, 0, time.UTC)

	parts := []struct {
		name string
		body []byte
	}{
		{"[Content_Types].xml", []byte(contentTypes)},
		{"_rels/.rels", []byte(packageRels)},
		{"docProps/core.xml", []byte(coreProps(l, day))},
		{"docProps/app.xml", []byte(appProps)},
		{"word/document.xml", []byte(document)},
		{"word/styles.xml", []byte(styles)},
		{"word/settings.xml", []byte(settings)},
		{"word/header1.xml", []byte(pageNumberHeader)},
		{"word/header2.xml", []byte(emptyHeader)},
		{"word/_rels/document.xml.rels", []byte(d.rels())},
	}
	for i, pic := range d.pictures {
		parts = append(parts, struct {
			name string
			body []byte
		}{fmt.Sprintf("word/media/chart%d.png", i+1), pic})
	}
	z := zip.NewWriter(w)
	for _, p := range parts {
		// The same report gives the same bytes: every part is dated the report's day.
		fw, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: day})
		if err != nil {
			return errs.E(op, errs.Internal, err)
		}
		if _, err := fw.Write(p.body); err != nil {
			return errs.E(op, errs.Internal, err)
		}
	}
	if err := z.Close(); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	return nil
}

const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsWP  = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
	nsA   = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsPic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
	xmlHd = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

const contentTypes = xmlHd + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Default Extension="png" ContentType="image/png"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
	`<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const packageRels = xmlHd + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const appProps = xmlHd + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>hotro</Application></Properties>`

func coreProps(l layout, day time.Time) string {
	return xmlHd + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(l.title) + `</dc:title><dc:creator>` + esc(strings.ReplaceAll(l.issuingBody, "\n", " ")) + `</dc:creator>` +
		`<dc:language>vi-VN</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + day.Format(time.RFC3339) + `</dcterms:created>` +
		`</cp:coreProperties>`
}

// The document's defaults: Times New Roman, 14 pt, Vietnamese.
var styles = xmlHd + `<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr>` +
	`<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/>` +
	fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, halfPoints(sizeBody), halfPoints(sizeBody)) +
	`<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>` +
	`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>` +
	`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`

const settings = xmlHd + `<w:settings xmlns:w="` + nsW + `"><w:defaultTabStop w:val="720"/>` +
	`<w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`</w:settings>`

// Page numbers from the second page, at the top centre; the first page has an empty header.
var pageNumberHeader = xmlHd + `<w:hdr xmlns:w="` + nsW + `"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
	fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>`, halfPoints(sizePageNumber)) +
	fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>`, halfPoints(sizePageNumber)) +
	fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>`, halfPoints(sizePageNumber)) +
	fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:t>2</w:t></w:r>`, halfPoints(sizePageNumber)) +
	fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>`, halfPoints(sizePageNumber)) +
	`</w:p></w:hdr>`

const emptyHeader = xmlHd + `<w:hdr xmlns:w="` + nsW + `"><w:p/></w:hdr>`

func halfPoints(pt float64) int { return int(math.Round(pt * 2)) }

// twips converts millimetres to twentieths of a point.
func twips(mm float64) int { return int(math.Round(mm / 25.4 * 1440)) }

// emu converts millimetres to English metric units (drawings).
func emu(mm float64) int { return int(math.Round(mm * 36000)) }

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// docxWriter builds word/document.xml and keeps the pictures it refers to.
type docxWriter struct {
	b        strings.Builder
	pictures [][]byte
}

func (d *docxWriter) rels() string {
	var b strings.Builder
	b.WriteString(xmlHd + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	b.WriteString(`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`)
	b.WriteString(`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>`)
	b.WriteString(`<Relationship Id="rIdHeader1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>`)
	b.WriteString(`<Relationship Id="rIdHeader2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>`)
	for i := range d.pictures {
		fmt.Fprintf(&b, `<Relationship Id="rIdChart%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart%d.png"/>`, i+1, i+1)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

// pPr describes a paragraph's properties.
type pPr struct {
	align             alignment
	firstLineMM       float64
	leftMM, rightMM   float64
	beforePt, afterPt float64
	keepNext          bool
	ruleAbove         bool // a rule at the top of the paragraph (the decree's short lines)
	exactLinePt       float64
	single            bool // single spacing (tables, heading blocks)
}

func (d *docxWriter) pPr(p pPr) {
	b := &d.b
	b.WriteString(`<w:pPr>`)
	if p.keepNext {
		b.WriteString(`<w:keepNext/>`)
	}
	if p.ruleAbove {
		b.WriteString(`<w:pBdr><w:top w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:pBdr>`)
	}
	switch {
	case p.exactLinePt > 0:
		fmt.Fprintf(b, `<w:spacing w:before="%d" w:after="%d" w:line="%d" w:lineRule="exact"/>`,
			int(p.beforePt*20), int(p.afterPt*20), int(p.exactLinePt*20))
	case p.single:
		fmt.Fprintf(b, `<w:spacing w:before="%d" w:after="%d" w:line="240" w:lineRule="auto"/>`, int(p.beforePt*20), int(p.afterPt*20))
	default:
		fmt.Fprintf(b, `<w:spacing w:before="%d" w:after="%d" w:line="%d" w:lineRule="auto"/>`,
			int(p.beforePt*20), int(p.afterPt*20), int(math.Round(240*lineSpacing)))
	}
	if p.firstLineMM > 0 || p.leftMM > 0 || p.rightMM > 0 {
		fmt.Fprintf(b, `<w:ind w:left="%d" w:right="%d" w:firstLine="%d"/>`, twips(p.leftMM), twips(p.rightMM), twips(p.firstLineMM))
	}
	jc := map[alignment]string{alignLeft: "left", alignCenter: "center", alignRight: "right", alignJustify: "both"}[p.align]
	fmt.Fprintf(b, `<w:jc w:val="%s"/>`, jc)
	b.WriteString(`</w:pPr>`)
}

func (d *docxWriter) run(r run, size float64) {
	b := &d.b
	b.WriteString(`<w:r><w:rPr>`)
	if r.bold {
		b.WriteString(`<w:b/><w:bCs/>`)
	}
	if r.italic {
		b.WriteString(`<w:i/><w:iCs/>`)
	}
	fmt.Fprintf(b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`,
		halfPoints(size), halfPoints(size), esc(r.text))
}

func (d *docxWriter) para(p pPr, size float64, runs ...run) {
	d.b.WriteString(`<w:p>`)
	d.pPr(p)
	for _, r := range runs {
		d.run(r, size)
	}
	d.b.WriteString(`</w:p>`)
}

// brokenPara writes r (its line breaks kept) in balanced lines at most widthMM wide, broken where
// the PDF breaks them.
func (d *docxWriter) brokenPara(p pPr, size float64, r run, widthMM float64) []line {
	lines := headingLines(r.text, r.bold, r.italic, size, widthMM)
	d.b.WriteString(`<w:p>`)
	d.pPr(p)
	for i, ln := range lines {
		if i > 0 {
			d.b.WriteString(`<w:r><w:br/></w:r>`)
		}
		var words []string
		for _, w := range ln.words {
			var s strings.Builder
			for _, pt := range w.parts {
				s.WriteString(pt.text)
			}
			words = append(words, s.String())
		}
		d.run(run{text: strings.Join(words, " "), bold: r.bold, italic: r.italic}, size)
	}
	d.b.WriteString(`</w:p>`)
	return lines
}

// rule is an empty paragraph whose top border is a rule widthMM long, centred in a column columnMM wide.
func (d *docxWriter) rule(widthMM, columnMM float64) {
	side := max(0, (columnMM-widthMM)/2)
	d.para(pPr{align: alignCenter, leftMM: side, rightMM: side, ruleAbove: true, beforePt: 4, exactLinePt: 4}, 4)
}

// layoutTable opens a table without borders or cell margins, for the heading and the signature.
func (d *docxWriter) layoutTable(widthsMM ...float64) {
	b := &d.b
	total := 0
	for _, w := range widthsMM {
		total += twips(w)
	}
	// The children of tblPr in the schema's order (Word refuses another).
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/>`, total)
	b.WriteString(`<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>`)
	b.WriteString(`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>`)
	b.WriteString(`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range widthsMM {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, twips(w))
	}
	b.WriteString(`</w:tblGrid>`)
}

func (d *docxWriter) cell(widthMM float64, content func()) {
	fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, twips(widthMM))
	content()
	d.b.WriteString(`</w:tc>`)
}

func (d *docxWriter) document(l layout) string {
	b := &d.b
	b.WriteString(xmlHd)
	fmt.Fprintf(b, `<w:document xmlns:w="%s" xmlns:r="%s" xmlns:wp="%s" xmlns:a="%s" xmlns:pic="%s"><w:body>`, nsW, nsR, nsWP, nsA, nsPic)
	d.heading(l)
	for _, bl := range l.body {
		switch {
		case bl.para != nil:
			p := bl.para
			props := pPr{align: p.align, afterPt: paragraphSpacePt, keepNext: p.keepNext}
			if p.indent {
				props.firstLineMM = firstLineIndentMM
			}
			d.para(props, p.size, p.runs...)
		case bl.table != nil:
			d.table(*bl.table)
		case bl.picture != nil:
			d.picture(*bl.picture)
		}
	}
	d.closing(l)
	fmt.Fprintf(b, `<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/><w:headerReference w:type="first" r:id="rIdHeader2"/>`+
		`<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`+
		`<w:titlePg/></w:sectPr>`,
		twips(pageWidthMM), twips(pageHeightMM), twips(marginTopMM), twips(marginRightMM), twips(marginBottomMM), twips(marginLeftMM), twips(10), twips(10))
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

func (d *docxWriter) heading(l layout) {
	b := &d.b
	center := pPr{align: alignCenter, single: true}
	d.layoutTable(issuerColumnMM, nationColumnMM)
	b.WriteString(`<w:tr>`)
	d.cell(issuerColumnMM, func() {
		if l.parentBody != "" {
			d.brokenPara(center, sizeBodies, run{text: l.parentBody}, issuerColumnMM)
		}
		lines := d.brokenPara(center, sizeBodies, run{text: l.issuingBody, bold: true}, issuerColumnMM)
		d.rule(widest(lines)*0.4, issuerColumnMM)
	})
	d.cell(nationColumnMM, func() {
		d.para(center, sizeNation, run{text: nationLine, bold: true})
		d.para(center, sizeMotto, run{text: mottoLine, bold: true})
		d.rule(textWidthMM(bold, sizeMotto, mottoLine), nationColumnMM)
	})
	b.WriteString(`</w:tr><w:tr>`)
	d.cell(issuerColumnMM, func() {
		d.para(pPr{align: alignCenter, single: true, beforePt: 2}, sizeNumber, run{text: l.number})
	})
	d.cell(nationColumnMM, func() {
		d.para(pPr{align: alignCenter, single: true}, sizeDate, run{text: l.dateLine, italic: true})
	})
	b.WriteString(`</w:tr></w:tbl>`)

	d.para(pPr{align: alignCenter, single: true, beforePt: 18}, sizeTitle, run{text: l.kind, bold: true})
	// The subject's lines break where the PDF breaks them (30 mm narrower than the text).
	lines := d.brokenPara(pPr{align: alignCenter, single: true}, sizeTitle, run{text: l.subject, bold: true}, textWidthMMAll-30)
	d.rule(widest(lines)*0.4, textWidthMMAll)
	d.para(pPr{align: alignLeft, exactLinePt: 8}, 8)
}

func (d *docxWriter) table(t table) {
	b := &d.b
	total := 0
	for _, w := range t.widthsMM {
		total += twips(w)
	}
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/>`, total)
	b.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="34" w:type="dxa"/><w:left w:w="68" w:type="dxa"/><w:bottom w:w="34" w:type="dxa"/><w:right w:w="68" w:type="dxa"/></w:tblCellMar>`)
	b.WriteString(`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range t.widthsMM {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, twips(w))
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, header, isBold bool, aligns []alignment) {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if header {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for i, c := range cells {
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`, twips(t.widthsMM[i]))
			a := aligns[i]
			if header {
				a = alignCenter
			}
			d.para(pPr{align: a, single: true}, sizeTable, run{text: c, bold: isBold})
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	row(t.header, true, true, t.aligns)
	for i, cells := range t.rows {
		row(cells, false, t.totalRow && i == len(t.rows)-1, t.aligns)
	}
	b.WriteString(`</w:tbl>`)
	// Word needs a paragraph between a table and what follows; it also gives the space after.
	d.para(pPr{align: alignLeft, exactLinePt: paragraphSpacePt}, paragraphSpacePt)
}

func (d *docxWriter) picture(pic picture) {
	d.pictures = append(d.pictures, pic.png)
	n := len(d.pictures)
	cx, cy := emu(pic.widthMM), emu(pic.heightMM)
	b := &d.b
	b.WriteString(`<w:p>`)
	d.pPr(pPr{align: alignCenter, single: true, afterPt: paragraphSpacePt})
	fmt.Fprintf(b, `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="%d" cy="%d"/>`+
		`<wp:docPr id="%d" name="Biểu đồ %d"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>`+
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>`+
		`<pic:nvPicPr><pic:cNvPr id="%d" name="chart%d.png"/><pic:cNvPicPr/></pic:nvPicPr>`+
		`<pic:blipFill><a:blip r:embed="rIdChart%d"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`+
		`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`,
		cx, cy, n, n, n, n, n, cx, cy)
	b.WriteString(`</w:p>`)
}

func (d *docxWriter) closing(l layout) {
	b := &d.b
	d.layoutTable(recipientsColumnMM, signatureColumnMM)
	b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
	d.cell(recipientsColumnMM, func() {
		d.para(pPr{align: alignLeft, single: true, beforePt: 6}, sizeRecipHead, run{text: "Nơi nhận:", bold: true, italic: true})
		for _, r := range l.recipients {
			d.para(pPr{align: alignLeft, single: true}, sizeRecipients, run{text: r})
		}
	})
	d.cell(signatureColumnMM, func() {
		first := true
		for _, s := range []string{l.authority, l.position} {
			if s == "" {
				continue
			}
			p := pPr{align: alignCenter, single: true}
			if first {
				p.beforePt = 6
				first = false
			}
			d.para(p, sizeSignature, run{text: s, bold: true})
		}
		d.para(pPr{align: alignCenter, single: true, beforePt: signSpaceMM / ptMM}, sizeSignature, run{text: l.signerName, bold: true})
	})
	b.WriteString(`</w:tr></w:tbl>`)
	// The body must end with a paragraph; a 1 pt one does not spill onto a page of its own.
	d.para(pPr{align: alignLeft, exactLinePt: 1}, 1)
}
