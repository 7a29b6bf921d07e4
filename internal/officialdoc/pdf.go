package officialdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"hotro/internal/errs"
)

const pdfFamily = "LiberationSerif"

// ptMM is one point in millimetres.
const ptMM = 25.4 / 72

// lineHeightMM is the height of a line of text at size pt.
func lineHeightMM(size float64) float64 { return size * lineSpacing * ptMM }

// WritePDF writes r as a PDF: A4, the decree's layout, Liberation Serif embedded.
func WritePDF(w io.Writer, r Report) (err error) {
	const op = "officialdoc: pdf"
	defer func() {
		// fpdf panics on some input it cannot encode; clean keeps such input out, and this keeps a
		// case it missed from taking the server down.
		if p := recover(); p != nil {
			err = errs.E(op, errs.Internal, fmt.Errorf("fpdf: %v", p))
		}
	}()
	if err := r.Validate(); err != nil {
		return err
	}
	l, err := compose(r)
	if err != nil {
		return err
	}
	p := &pdfWriter{f: fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: pageWidthMM, Ht: pageHeightMM}})}
	f := p.f
	for _, font := range []struct {
		style string
		face  face
	}{{"", regular}, {"B", bold}, {"I", italic}, {"BI", boldItalic}} {
		f.AddUTF8FontFromBytes(pdfFamily, font.style, fontBytes(font.face))
	}
	f.SetMargins(marginLeftMM, marginTopMM, marginRightMM)
	f.SetAutoPageBreak(false, marginBottomMM)
	// The document is the same bytes for the same report: its dates are the report's day.
	day := time.Date(r.Date.Year(), r.Date.Month(), r.Date.Day(), 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(day)
	f.SetModificationDate(day)
	f.SetCatalogSort(true)
	f.SetTitle(l.title, true)
	f.SetAuthor(strings.ReplaceAll(l.issuingBody, "\n", " "), true)
	f.SetCreator("hotro", true)
	f.SetProducer("hotro", true)
	f.SetLang("vi-VN")
	f.SetHeaderFunc(func() {
		// Page numbers from the second page, at the top centre.
		if f.PageNo() > 1 {
			p.font(false, false, sizePageNumber)
			f.SetXY(marginLeftMM, 10)
			f.CellFormat(textWidthMMAll, lineHeightMM(sizePageNumber), fmt.Sprint(f.PageNo()), "", 0, "C", false, 0, "")
		}
		f.SetXY(marginLeftMM, marginTopMM)
	})
	f.AddPage()
	p.heading(l)
	for i, b := range l.body {
		if b.para != nil && b.para.keepNext {
			// A heading stays with what follows it: the chain of kept blocks and the first of the rest.
			need := 0.0
			for _, next := range l.body[i:] {
				need += p.heightOf(next)
				if next.para == nil || !next.para.keepNext {
					break
				}
			}
			p.room(need)
		}
		p.block(b)
	}
	p.closing(l)
	if err := f.Error(); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	return nil
}

// pdfWriter draws the layout on fpdf pages.
type pdfWriter struct {
	f        *fpdf.Fpdf
	pictures int
}

func (p *pdfWriter) font(isBold, isItalic bool, size float64) {
	style := ""
	if isBold {
		style += "B"
	}
	if isItalic {
		style += "I"
	}
	p.f.SetFont(pdfFamily, style, size)
}

// bottom is the lowest y text may reach.
func (p *pdfWriter) bottom() float64 { return pageHeightMM - marginBottomMM }

// room starts a new page unless heightMM fits below y.
func (p *pdfWriter) room(heightMM float64) {
	if p.f.GetY()+heightMM > p.bottom() {
		p.f.AddPage()
	}
}

// centred writes s in one style, its line breaks kept, in balanced lines centred in the column [x, x+width], from y; it
// returns the y below and the lines.
func (p *pdfWriter) centred(s string, isBold, isItalic bool, size, x, width, y float64) (float64, []line) {
	lines := headingLines(s, isBold, isItalic, size, width)
	for _, ln := range lines {
		y += lineHeightMM(size)
		p.drawLine(ln, size, x+(width-ln.widthMM)/2, y-lineHeightMM(size)*0.25, 0)
	}
	return y, lines
}

// drawLine writes a line with its baseline at y from x, adding extra between words (to justify).
func (p *pdfWriter) drawLine(ln line, size, x, baseline, extra float64) {
	space := spaceMM(size)
	for _, w := range ln.words {
		for _, pt := range w.parts {
			p.font(pt.bold, pt.italic, size)
			p.f.Text(x, baseline, pt.text)
			x += pt.widthMM
		}
		x += space + extra
	}
}

// rule draws a horizontal rule of width centred on cx at y.
func (p *pdfWriter) rule(cx, width, y float64) {
	p.f.SetLineWidth(0.3)
	p.f.Line(cx-width/2, y, cx+width/2, y)
}

// heading draws the issuer's and the nation's blocks, the number, the date, the kind and the subject.
func (p *pdfWriter) heading(l layout) {
	left, right := marginLeftMM, marginLeftMM+issuerColumnMM
	top := marginTopMM
	y := top
	if l.parentBody != "" {
		y, _ = p.centred(l.parentBody, false, false, sizeBodies, left, issuerColumnMM, y)
	}
	y, lines := p.centred(l.issuingBody, true, false, sizeBodies, left, issuerColumnMM, y)
	p.rule(left+issuerColumnMM/2, widest(lines)*0.4, y+1.8)
	leftBottom := y + 1.8

	ry, _ := p.centred(nationLine, true, false, sizeNation, right, nationColumnMM, top)
	ry, lines = p.centred(mottoLine, true, false, sizeMotto, right, nationColumnMM, ry)
	p.rule(right+nationColumnMM/2, widest(lines), ry+1.8)
	rightBottom := ry + 1.8

	y = max(leftBottom, rightBottom) + 2
	p.centred(l.number, false, false, sizeNumber, left, issuerColumnMM, y+(lineHeightMM(sizeDate)-lineHeightMM(sizeNumber)))
	y, _ = p.centred(l.dateLine, false, true, sizeDate, right, nationColumnMM, y)

	y += 8
	y, _ = p.centred(l.kind, true, false, sizeTitle, marginLeftMM, textWidthMMAll, y)
	// The subject is set 30 mm narrower than the text, in balanced lines.
	y, lines = p.centred(l.subject, true, false, sizeTitle, marginLeftMM+15, textWidthMMAll-30, y)
	p.rule(marginLeftMM+textWidthMMAll/2, widest(lines)*0.4, y+2.2)
	p.f.SetY(y + 7)
}

// heightOf is how much of b must follow a heading on its page, in mm: a heading whole, two lines of
// a paragraph, a table's header and two rows, a picture whole.
func (p *pdfWriter) heightOf(b block) float64 {
	switch {
	case b.para != nil && b.para.keepNext:
		return float64(len(p.paraLines(*b.para)))*lineHeightMM(b.para.size) + paragraphSpacePt*ptMM
	case b.para != nil:
		return float64(min(2, len(p.paraLines(*b.para)))) * lineHeightMM(b.para.size)
	case b.table != nil:
		return 3 * 2 * lineHeightMM(sizeTable)
	case b.picture != nil:
		return b.picture.heightMM
	}
	return 0
}

func (p *pdfWriter) paraLines(para paragraph) []line {
	first := textWidthMMAll
	if para.indent {
		first -= firstLineIndentMM
	}
	return wrap(para.runs, para.size, first, textWidthMMAll)
}

func (p *pdfWriter) block(b block) {
	switch {
	case b.para != nil:
		p.paragraph(*b.para)
	case b.table != nil:
		p.table(*b.table)
	case b.picture != nil:
		p.picture(*b.picture)
	}
}

func (p *pdfWriter) paragraph(para paragraph) {
	f := p.f
	lh := lineHeightMM(para.size)
	lines := p.paraLines(para)
	for i, ln := range lines {
		p.room(lh)
		x := marginLeftMM
		avail := textWidthMMAll
		if i == 0 && para.indent {
			x += firstLineIndentMM
			avail -= firstLineIndentMM
		}
		extra := 0.0
		switch para.align {
		case alignCenter:
			x += (avail - ln.widthMM) / 2
		case alignRight:
			x += avail - ln.widthMM
		case alignJustify:
			if i < len(lines)-1 && len(ln.words) > 1 {
				extra = (avail - ln.widthMM) / float64(len(ln.words)-1)
			}
		}
		y := f.GetY() + lh
		p.drawLine(ln, para.size, x, y-lh*0.25, extra)
		f.SetY(y)
	}
	f.SetY(f.GetY() + paragraphSpacePt*ptMM)
}

func (p *pdfWriter) table(t table) {
	f := p.f
	lh := lineHeightMM(sizeTable)
	const pad = 1.2
	f.SetLineWidth(0.2)
	row := func(cells []string, isBold bool, aligns []alignment) {
		wrapped := make([][]line, len(cells))
		n := 1
		for i, c := range cells {
			wrapped[i] = wrap([]run{{text: c, bold: isBold}}, sizeTable, t.widthsMM[i]-2*pad, t.widthsMM[i]-2*pad)
			n = max(n, len(wrapped[i]))
		}
		h := float64(n)*lh + 2*pad
		y0 := f.GetY()
		x := marginLeftMM
		for i := range cells {
			w := t.widthsMM[i]
			f.Rect(x, y0, w, h, "D")
			// Cells are centred vertically.
			ty := y0 + pad + (float64(n-len(wrapped[i]))*lh)/2
			for _, ln := range wrapped[i] {
				tx := x + pad
				switch aligns[i] {
				case alignCenter:
					tx = x + (w-ln.widthMM)/2
				case alignRight:
					tx = x + w - pad - ln.widthMM
				}
				ty += lh
				p.drawLine(ln, sizeTable, tx, ty-lh*0.25, 0)
			}
			x += w
		}
		f.SetY(y0 + h)
	}
	headerAligns := make([]alignment, len(t.header))
	for i := range headerAligns {
		headerAligns[i] = alignCenter
	}
	rowHeight := func(cells []string) float64 {
		n := 1
		for i, c := range cells {
			n = max(n, len(wrap([]run{{text: c}}, sizeTable, t.widthsMM[i]-2*pad, t.widthsMM[i]-2*pad)))
		}
		return float64(n)*lh + 2*pad
	}
	headerHeight := rowHeight(t.header)
	p.room(headerHeight + rowHeight(t.rows[0]))
	row(t.header, true, headerAligns)
	for i, cells := range t.rows {
		if f.GetY()+rowHeight(cells) > p.bottom() {
			f.AddPage()
			row(t.header, true, headerAligns)
		}
		row(cells, t.totalRow && i == len(t.rows)-1, t.aligns)
	}
	f.SetY(f.GetY() + paragraphSpacePt*ptMM)
}

func (p *pdfWriter) picture(pic picture) {
	f := p.f
	p.room(pic.heightMM)
	p.pictures++
	name := fmt.Sprintf("chart%d", p.pictures)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	f.RegisterImageOptionsReader(name, opts, bytes.NewReader(pic.png))
	f.ImageOptions(name, marginLeftMM, f.GetY(), pic.widthMM, pic.heightMM, false, opts, 0, "")
	f.SetY(f.GetY() + pic.heightMM + paragraphSpacePt*ptMM)
}

// closing draws "Nơi nhận" on the left and the signature block on the right, on one page.
func (p *pdfWriter) closing(l layout) {
	f := p.f
	signSpace := signSpaceMM
	sigLines := 0
	for _, s := range []string{l.authority, l.position, l.signerName} {
		if s != "" {
			sigLines += len(wrap([]run{{text: s, bold: true}}, sizeSignature, signatureColumnMM, signatureColumnMM))
		}
	}
	sigHeight := float64(sigLines)*lineHeightMM(sizeSignature) + signSpace
	recHeight := lineHeightMM(sizeRecipHead)
	for _, r := range l.recipients {
		recHeight += float64(len(wrap([]run{{text: r}}, sizeRecipients, recipientsColumnMM, recipientsColumnMM))) * lineHeightMM(sizeRecipients)
	}
	f.SetY(f.GetY() + 2)
	p.room(max(sigHeight, recHeight))
	top := f.GetY()

	left := marginLeftMM
	y := top + lineHeightMM(sizeRecipHead)
	p.font(true, true, sizeRecipHead)
	f.Text(left, y-lineHeightMM(sizeRecipHead)*0.25, "Nơi nhận:")
	firstPage := f.PageNo()
	for _, r := range l.recipients {
		for _, ln := range wrap([]run{{text: r}}, sizeRecipients, recipientsColumnMM, recipientsColumnMM) {
			if y+lineHeightMM(sizeRecipients) > p.bottom() {
				// A list longer than a page goes on, alone, on the next.
				f.AddPage()
				y = marginTopMM
			}
			y += lineHeightMM(sizeRecipients)
			p.drawLine(ln, sizeRecipients, left, y-lineHeightMM(sizeRecipients)*0.25, 0)
		}
	}
	lastPage := f.PageNo()
	f.SetPage(firstPage)

	right := marginLeftMM + recipientsColumnMM
	sy := top
	if l.authority != "" {
		sy, _ = p.centred(l.authority, true, false, sizeSignature, right, signatureColumnMM, sy)
	}
	sy, _ = p.centred(l.position, true, false, sizeSignature, right, signatureColumnMM, sy)
	sy += signSpace
	sy, _ = p.centred(l.signerName, true, false, sizeSignature, right, signatureColumnMM, sy)
	f.SetPage(lastPage)
	if lastPage == firstPage {
		y = max(y, sy)
	}
	f.SetY(y)
}
