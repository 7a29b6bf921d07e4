package graph

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/vektah/gqlparser/v2/ast"
)

// The parser, the validator and gqlgen's transports speak English. Every message they can give is
// put in Vietnamese here, once, by its pattern; what no pattern knows keeps its English text after
// a Vietnamese sentence saying what kind of error it is, so that nothing reaches an analyst
// untranslated and unexplained.

type translation struct {
	pattern *regexp.Regexp
	vi      string // fmt template over the pattern's submatches, in order
}

func tr(pattern, vi string) translation {
	return translation{regexp.MustCompile("^" + pattern + "$"), vi}
}

// gqlTranslations are the parser's and the validator's messages (gqlparser v2), most common first.
var gqlTranslations = []translation{
	tr(`Cannot query field "([^"]*)" on type "([^"]*)"\.`, `Kiểu %[2]s không có trường "%[1]s".`),
	tr(`Unknown argument "([^"]*)" on field "([^"]*)"\.`, `Trường %[2]s không có tham số "%[1]s".`),
	tr(`Unknown argument "([^"]*)" on directive "@([^"]*)"\.`, `Chỉ thị @%[2]s không có tham số "%[1]s".`),
	tr(`Field "([^"]*)" argument "([^"]*)" of type "([^"]*)" is required, but it was not provided\.`,
		`Trường "%[1]s" cần tham số "%[2]s" (kiểu %[3]s) nhưng truy vấn không có.`),
	tr(`Directive "@([^"]*)" argument "([^"]*)" of type "([^"]*)" is required, but it was not provided\.`,
		`Chỉ thị @%[1]s cần tham số "%[2]s" (kiểu %[3]s) nhưng truy vấn không có.`),
	tr(`Field "([^"]*)" of type "([^"]*)" must have a selection of subfields\.`,
		`Trường "%[1]s" (kiểu %[2]s) cần chọn các trường con, ví dụ %[1]s { … }.`),
	tr(`Field "([^"]*)" must not have a selection since type "([^"]*)" has no subfields\.`,
		`Trường "%[1]s" (kiểu %[2]s) không có trường con để chọn.`),
	tr(`Field "([^"]*)" is not defined by type "([^"]*)"\.`, `Kiểu đầu vào %[2]s không có trường "%[1]s".`),
	tr(`Field "([^"]*)" of required type "([^"]*)" was not provided\.`, `Thiếu trường bắt buộc "%[1]s" (kiểu %[2]s).`),
	tr(`Value "([^"]*)" does not exist in "([^"!]*)!?" enum\.`, `Giá trị "%[1]s" không có trong danh sách %[2]s.`),
	tr(`Enum "([^"]*)" cannot represent non-enum value: (.*)`, `%[2]s không phải một giá trị của danh sách %[1]s.`),
	tr(`Expected value of type "([^"]*)", found (.*)\.`, `Cần một giá trị kiểu %[1]s, nhưng nhận được %[2]s.`),
	tr(`Int cannot represent non 32-bit signed integer value: (.*)`, `%[1]s không phải số nguyên 32 bit.`),
	tr(`Int cannot represent non-integer value: (.*)`, `%[1]s không phải số nguyên.`),
	tr(`Float cannot represent non numeric value: (.*)`, `%[1]s không phải số.`),
	tr(`String cannot represent a non string value: (.*)`, `%[1]s không phải chuỗi ký tự.`),
	tr(`Boolean cannot represent a non boolean value: (.*)`, `%[1]s không phải true hay false.`),
	tr(`ID cannot represent a non-string and non-integer value: (.*)`, `%[1]s không phải một ID (chuỗi hoặc số nguyên).`),
	tr(`Variable "\$?([^"]*)" is not defined by operation "([^"]*)"\.`, `Biến $%[1]s chưa được khai báo trong thao tác "%[2]s".`),
	tr(`Variable "\$?([^"]*)" is not defined\.`, `Biến $%[1]s chưa được khai báo: thêm ($%[1]s: Kiểu) sau query.`),
	tr(`Variable "\$?([^"]*)" is never used in operation "([^"]*)"\.`, `Biến $%[1]s được khai báo nhưng không dùng trong thao tác "%[2]s".`),
	tr(`Variable "\$?([^"]*)" is never used\.`, `Biến $%[1]s được khai báo nhưng không được dùng.`),
	tr(`Variable "\$?([^"]*)" of type "([^"]*)" used in position expecting type "([^"]*)"\.`,
		`Biến $%[1]s có kiểu %[2]s nhưng được dùng ở chỗ cần kiểu %[3]s.`),
	tr(`Variable "\$?([^"]*)" cannot be non-input type "([^"]*)"\.`, `Biến $%[1]s không thể có kiểu %[2]s (không phải kiểu đầu vào).`),
	tr(`There can be only one variable named "\$?([^"]*)"\.`, `Biến $%[1]s được khai báo hai lần.`),
	tr(`There can be only one argument named "([^"]*)"\.`, `Tham số "%[1]s" được nêu hai lần.`),
	tr(`There can be only one input field named "([^"]*)"\.`, `Trường "%[1]s" được nêu hai lần.`),
	tr(`There can be only one operation named "([^"]*)"\.`, `Có hai thao tác cùng tên "%[1]s".`),
	tr(`There can be only one fragment named "([^"]*)"\.`, `Có hai fragment cùng tên "%[1]s".`),
	tr(`This anonymous operation must be the only defined operation\.`, `Thao tác không tên phải là thao tác duy nhất của tài liệu.`),
	tr(`Unknown fragment "([^"]*)"\.`, `Không có fragment "%[1]s".`),
	tr(`Fragment "([^"]*)" is never used\.`, `Fragment "%[1]s" được khai báo nhưng không được dùng.`),
	tr(`Cannot spread fragment "([^"]*)" within itself(.*)\.`, `Fragment "%[1]s" tự gọi lại chính nó.`),
	tr(`Unknown type "([^"]*)"\.`, `Không có kiểu "%[1]s".`),
	tr(`Unknown directive "@([^"]*)"\.`, `Không có chỉ thị @%[1]s.`),
	tr(`Directive "@?([^"]*)" may not be used on (.*)\.`, `Không dùng được chỉ thị @%[1]s ở %[2]s.`),
	tr(`Directive "@?([^"]*)" is not repeatable(.*)`, `Chỉ thị @%[1]s chỉ được dùng một lần ở một chỗ.`),
	tr(`Fields "([^"]*)" conflict because (.*)\. Use different aliases on the fields to fetch both if this was intentional\.`,
		`Hai trường cùng trả về dưới tên "%[1]s" nhưng khác nhau: hãy đặt bí danh khác nhau cho chúng (%[2]s).`),
	tr(`Schema does not support operation type "([^"]*)"`, `Lược đồ không có thao tác loại %[1]s.`),
	tr(`(.*) must select only one top level field\.`, `%[1]s chỉ được chọn một trường cấp cao nhất.`),
	tr(`(.*) must not select an introspection top level field\.`, `%[1]s không được chọn một trường introspection ở cấp cao nhất.`),
	tr(`Maximum introspection depth exceeded`, `Truy vấn introspection lồng quá sâu.`),
	// The parser and the lexer.
	tr(`Expected (.*), found (.*)`, `Lỗi cú pháp: cần %[1]s, nhưng gặp %[2]s.`),
	tr(`Unexpected (.*)`, `Lỗi cú pháp: không chờ đợi %[1]s.`),
	tr(`Unterminated string\.?`, `Lỗi cú pháp: chuỗi chưa được đóng bằng dấu ".`),
	tr(`Invalid number(.*)`, `Lỗi cú pháp: số không hợp lệ%[1]s.`),
	tr(`Cannot parse the unexpected character (.*)\.`, `Lỗi cú pháp: ký tự không hợp lệ %[1]s.`),
	tr(`Cannot contain the invalid character (.*)\.?`, `Lỗi cú pháp: ký tự không hợp lệ %[1]s.`),
	// gqlgen's executor and transports.
	tr(`no operation provided`, `Yêu cầu không có truy vấn: gửi {"query": "…"} (và "variables" nếu có).`),
	tr(`operation (.*) not found`, `Không có thao tác tên "%[1]s" trong tài liệu: operationName phải là tên của một thao tác trong query.`),
	tr(`operation name is required`, `Tài liệu có nhiều thao tác: hãy nêu operationName.`),
	tr(`transport not supported`, transportMessage),
	tr(`GET requests only allow query operations`, `Yêu cầu GET chỉ dùng cho truy vấn đọc; thay đổi dữ liệu (mutation) phải gửi bằng POST.`),
}

// transportMessage answers a request that is not a GraphQL request gqlgen can read.
const transportMessage = `Yêu cầu GraphQL phải là POST với Content-Type: application/json ({"query": "…", "variables": {…}}), hoặc GET với ?query=….`

// syntaxTokens names the lexer's kinds of token in a syntax error.
var syntaxTokens = strings.NewReplacer("Name", "một tên", "<EOF>", "cuối truy vấn", "String", "một chuỗi", "Int", "một số nguyên")

// didYouMean is the validator's suggestion at the end of a message.
var didYouMean = regexp.MustCompile(` Did you mean (?:the enum value )?(.*)\?$`)

// tokenLimit is the parser's message for a document over the token limit.
var tokenLimit = regexp.MustCompile(`^exceeded token limit of (\d+)$`)

// translateMessage puts a message of gqlgen or gqlparser in Vietnamese; path is where a variable's
// value was refused (["variable", "a", ...]), which names the variable the message is about.
func translateMessage(msg string, path ast.Path) string {
	if where, ok := variablePath(path); ok {
		return variableMessage(msg, where)
	}
	base, suggestion := msg, ""
	if m := didYouMean.FindStringSubmatchIndex(msg); m != nil {
		base, suggestion = msg[:m[0]], msg[m[2]:m[3]]
	}
	for _, t := range gqlTranslations {
		m := t.pattern.FindStringSubmatch(base)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			args[i] = s
		}
		out := fmt.Sprintf(t.vi, args...)
		if strings.HasPrefix(out, "Lỗi cú pháp") {
			out = syntaxTokens.Replace(out)
		}
		if suggestion != "" {
			out += " Có phải ý bạn là " + strings.ReplaceAll(suggestion, " or ", " hoặc ") + "?"
		}
		return out
	}
	return "Truy vấn GraphQL không hợp lệ: " + msg
}

// variablePath returns "$a.b[0]" for the path ["variable", "a", "b", 0].
func variablePath(path ast.Path) (string, bool) {
	if len(path) < 2 || path[0] != ast.PathName("variable") {
		return "", false
	}
	var b strings.Builder
	b.WriteString("$")
	for i, el := range path[1:] {
		switch e := el.(type) {
		case ast.PathName:
			if i > 0 {
				b.WriteString(".")
			}
			b.WriteString(string(e))
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(e))
		}
	}
	return b.String(), true
}

// variableMessages are the validator's messages about the value of a variable (validator/vars.go),
// which say what is wrong and leave where to the path.
var variableMessages = []translation{
	tr(`must be defined`, `Thiếu giá trị của biến %[1]s: truy vấn khai báo nó là bắt buộc (kiểu có dấu !) nhưng "variables" không có.`),
	tr(`cannot be null`, `Biến %[1]s không được là null.`),
	tr(`unknown field`, `%[1]s: kiểu đầu vào không có trường này.`),
	tr(`(.*) is not a valid (.*)`, `%[1]s: "%[2]s" không phải một giá trị của danh sách %[3]s.`),
	tr(`cannot use (.*) as (.*)`, `%[1]s: không dùng được giá trị kiểu %[2]s làm %[3]s.`),
	tr(`must be a (.*), not a (.*)`, `%[1]s: cần kiểu %[2]s, không phải %[3]s.`),
	tr(`enums must be ints or strings`, `%[1]s: giá trị của danh sách phải là chuỗi.`),
	tr(`must an input type`, `%[1]s: kiểu của biến phải là kiểu đầu vào.`),
}

func variableMessage(msg, where string) string {
	for _, t := range variableMessages {
		m := t.pattern.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := []any{where}
		for _, s := range m[1:] {
			args = append(args, s)
		}
		return fmt.Sprintf(t.vi, args...)
	}
	return fmt.Sprintf("Giá trị của biến %s không hợp lệ: %s", where, msg)
}

// vietnamese reports whether msg is already written in Vietnamese (a scalar's own message): it has
// a letter outside ASCII, which English messages of the parser never have.
func vietnamese(msg string) bool {
	for _, r := range msg {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
