package sheet_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"hotro/internal/intake/sheet"
)

// An import reads the header, maps the columns it needs, then checks each
// row, collecting Vietnamese messages for the ward officer.
func ExampleOpen() {
	upload := "\uFEFFHo ten;SỐ TIỀN (đồng);Ngày sinh\r\n" +
		"Nguyễn Văn An;750.000;01/03/1950\r\n" +
		"Trần Thị Bình;1,5;31/02/1960\r\n"
	rd, err := sheet.Open(strings.NewReader(upload), "danh-sach.csv", sheet.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rd.Close()

	cols, problems := sheet.MatchColumns(rd.Header(), []sheet.Column{
		{Key: "name", Aliases: []string{"Họ và tên", "Họ tên"}, Required: true},
		{Key: "amount", Aliases: []string{"Số tiền"}, Required: true},
		{Key: "birth", Aliases: []string{"Ngày sinh"}, Required: true},
	})
	if sheet.HasErrors(problems) {
		fmt.Println(problems)
		return
	}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		before := len(problems)
		problems = append(problems, row.Errors...)
		amount, err := sheet.ParseMoney(cols.Value(row.Cells, "amount"))
		if e, ok := sheet.AsError(err); ok {
			problems = append(problems, e.At(row.Number, "Số tiền"))
		}
		birth, err := sheet.ParseDate(cols.Value(row.Cells, "birth"))
		if e, ok := sheet.AsError(err); ok {
			problems = append(problems, e.At(row.Number, "Ngày sinh"))
		}
		if len(problems) == before {
			fmt.Printf("%s: %d đồng, sinh %s\n", cols.Value(row.Cells, "name"), amount, birth.Format("02/01/2006"))
		}
	}
	for _, p := range problems {
		fmt.Printf("%s: %s\n", p.Location(), p.Message)
	}
	// Output:
	// Nguyễn Văn An: 750000 đồng, sinh 01/03/1950
	// dòng 3, cột Số tiền: Số tiền "1,5" phải là số đồng chẵn, không có phần lẻ.
	// dòng 3, cột Ngày sinh: Ngày "31/02/1960" không tồn tại.
}

func ExampleWriteTemplateCSV() {
	var out strings.Builder
	err := sheet.WriteTemplateCSV(&out, []sheet.TemplateColumn{
		{Header: "Họ và tên", Required: true},
		{Header: "Số CCCD/CMND", Required: true, Text: true},
		{Header: "Số tiền (đồng)", Required: true},
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%q\n", out.String())
	// Output:
	// "\ufeffHọ và tên,Số CCCD/CMND,Số tiền (đồng)\r\n"
}
