package comments

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"yugongkai/apperr"
)

// Limits of a bulk import (see Service.PreviewImport).
const (
	// MaxImportBytes is the largest file accepted: 50 MiB.
	MaxImportBytes = 50 << 20
	// MaxImportRows is the most data rows one file may hold.
	MaxImportRows = 200_000
	// maxUnzipped bounds what an XLSX may inflate to (zip bombs).
	maxUnzipped = 1 << 30
)

// Import file formats and encodings, as a preview reports them.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"

	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
)

// importColumns maps every accepted column heading (lower case) to its
// field: the API's JSON names, and the headings a Chinese office types.
var importColumns = map[string]string{
	"channel": "channel", "收到方式": "channel", "渠道": "channel",
	"received_on": "received_on", "收到日期": "received_on", "收到时间": "received_on",
	"article_id": "article_id", "article": "article_id", "条款": "article_id", "条文": "article_id",
	"body": "body", "意见内容": "body", "意见": "body", "内容": "body",
	"commenter_type": "commenter_type", "意见人类型": "commenter_type", "类型": "commenter_type",
	"organization_name": "organization_name", "单位名称": "organization_name", "单位": "organization_name",
	"display": "display", "公开方式": "display", "署名方式": "display",
	"real_name": "real_name", "姓名": "real_name",
	"contact_phone": "contact_phone", "联系电话": "contact_phone", "电话": "contact_phone",
	"contact_email": "contact_email", "电子邮箱": "contact_email", "邮箱": "contact_email",
	"signatories": "signatories", "联名人数": "signatories", "签名人数": "signatories", "人数": "signatories",
	"on_behalf_of": "on_behalf_of", "代表": "on_behalf_of", "受托代表": "on_behalf_of",
}

// ImportFields lists the fields an import file may have, required first.
var ImportFields = []string{"body", "channel", "received_on", "article_id", "commenter_type", "organization_name",
	"display", "real_name", "contact_phone", "contact_email", "signatories", "on_behalf_of"}

var requiredImportFields = []string{"body", "channel", "received_on"}

// importValues maps Chinese spellings of choice values to the codes.
var importValues = map[string]map[string]string{
	"channel": {"信函": "letter", "来信": "letter", "电子邮件": "email", "邮件": "email", "电话": "phone",
		"座谈会": "symposium", "听证会": "hearing"},
	"commenter_type": categorySpellings(),
	"display":        {"隐去部分姓名": "masked", "部分隐去": "masked", "实名": "real_name", "匿名": "anonymous"},
}

// ImportRowError is one problem with one cell of an import file: Row is
// the spreadsheet row (the heading is row 1), Column the heading as the
// file spells it, Field the field it fills; Key and Args are the catalogue
// message.
type ImportRowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Field  string `json:"field"`
	Key    string `json:"code"`
	Args   []any  `json:"-"`
}

// importTable is a parsed file: what it was, its columns and its non-empty
// data rows.
type importTable struct {
	format, encoding string
	converted        bool
	headings         []string // as in the file
	fields           []string // field of each column
	rows             []importRow
	errs             []ImportRowError // cell problems found while reading (formulas)
}

type importRow struct {
	n       int // spreadsheet row number
	cells   map[string]string
	formula map[string]bool // fields whose cell is a formula (already reported)
}

// column returns the heading of field as the file spells it, or the field.
func (t *importTable) column(field string) string {
	for i, f := range t.fields {
		if f == field {
			return t.headings[i]
		}
	}
	return field
}

// parseImport reads a CSV (UTF-8, with or without BOM, or GB18030) or XLSX
// file. Errors (BadRequest, Invalid or TooLarge, each with its own key):
// empty, too large, not a known format or encoding, invalid UTF-8, missing,
// unknown or repeated columns, too many rows.
func parseImport(data []byte) (*importTable, error) {
	switch {
	case len(data) > MaxImportBytes:
		return nil, apperr.New(apperr.TooLarge, "import.too_large", "50 MiB")
	case len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0:
		return nil, apperr.New(apperr.Invalid, "import.empty")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return parseXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, apperr.New(apperr.BadRequest, "import.old_xls")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, apperr.New(apperr.BadRequest, "import.bad_encoding", "UTF-16")
	}
	t := &importTable{format: FormatCSV, encoding: EncodingUTF8}
	text := data
	if bytes.HasPrefix(data, utf8BOM) {
		text = data[len(utf8BOM):]
		if !utf8.Valid(text) {
			return nil, apperr.New(apperr.BadRequest, "import.bad_utf8", badUTF8Line(text))
		}
	} else if !utf8.Valid(text) {
		// Excel saves "CSV" in the system code page: GB18030 on Chinese Windows.
		conv, err := simplifiedchinese.GB18030.NewDecoder().Bytes(text)
		if err != nil || bytes.ContainsRune(conv, utf8.RuneError) || hasControl(string(conv)) {
			return nil, apperr.New(apperr.BadRequest, "import.bad_encoding_line", badUTF8Line(text))
		}
		text, t.encoding, t.converted = conv, EncodingGB18030, true
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	if first, _, _ := bytes.Cut(text, []byte("\n")); !bytes.ContainsRune(first, ',') && bytes.ContainsRune(first, '\t') {
		r.Comma = '\t'
	}
	head, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	if err := t.setHeadings(head); err != nil {
		return nil, err
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if err := t.add(line, rec, nil); err != nil {
			return nil, err
		}
	}
	return t.done()
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// badUTF8Line is the line number of the first invalid UTF-8 byte.
func badUTF8Line(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[n:]
	}
	return line
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return apperr.New(apperr.BadRequest, "import.bad_csv", pe.Line)
	}
	return apperr.New(apperr.BadRequest, "import.bad_csv", 0)
}

// setHeadings maps the heading row to fields.
func (t *importTable) setHeadings(head []string) error {
	seen := map[string]string{}
	for i, h := range head {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if h == "" {
			h = fmt.Sprintf("#%d", i+1)
		}
		f, ok := importColumns[strings.ToLower(h)]
		if !ok {
			return apperr.New(apperr.Invalid, "import.unknown_column", h, strings.Join(ImportFields, ", "))
		}
		if prev, dup := seen[f]; dup {
			return apperr.New(apperr.Invalid, "import.repeated_column", prev, h)
		}
		seen[f] = h
		t.headings, t.fields = append(t.headings, h), append(t.fields, f)
	}
	var missing []string
	for _, f := range requiredImportFields {
		if _, ok := seen[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return apperr.New(apperr.Invalid, "import.missing_columns", strings.Join(missing, ", "))
	}
	return nil
}

// add keeps data row n unless all its cells are blank; formula[i] marks a
// formula cell (refused: its cached value may be stale).
func (t *importTable) add(n int, rec []string, formula []bool) error {
	blank := true
	for _, v := range rec {
		blank = blank && strings.TrimSpace(v) == ""
	}
	for _, fx := range formula {
		blank = blank && !fx
	}
	if blank {
		return nil
	}
	if len(t.rows) == MaxImportRows {
		return apperr.New(apperr.TooLarge, "import.too_many_rows", MaxImportRows)
	}
	row := importRow{n: n, cells: make(map[string]string, len(t.fields))}
	for i, v := range rec {
		if i >= len(t.fields) {
			if strings.TrimSpace(v) != "" {
				t.errs = append(t.errs, ImportRowError{Row: n, Column: fmt.Sprintf("#%d", i+1), Key: "import.extra_cell"})
			}
			continue
		}
		row.cells[t.fields[i]] = v
	}
	for i, fx := range formula {
		if fx && i < len(t.fields) {
			t.errs = append(t.errs, ImportRowError{Row: n, Column: t.headings[i], Field: t.fields[i], Key: "import.formula"})
			if row.formula == nil {
				row.formula = map[string]bool{}
			}
			row.formula[t.fields[i]] = true
		}
	}
	t.rows = append(t.rows, row)
	return nil
}

func (t *importTable) done() (*importTable, error) {
	if len(t.rows) == 0 {
		return nil, apperr.New(apperr.Invalid, "import.no_rows")
	}
	return t, nil
}

// parseXLSX reads the first sheet of a workbook. Dates typed as dates are
// read as dates; a formula cell is a row error (its cached value may be
// stale or missing, so the file must hold values).
func parseXLSX(data []byte) (*importTable, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, apperr.New(apperr.BadRequest, "import.bad_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.New(apperr.Invalid, "import.empty")
	}
	sheet := sheets[0]
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, apperr.New(apperr.BadRequest, "import.bad_xlsx")
	}
	defer rows.Close()
	t := &importTable{format: FormatXLSX, encoding: EncodingUTF8}
	n := 0
	for rows.Next() {
		n++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, apperr.New(apperr.BadRequest, "import.bad_xlsx")
		}
		if t.fields == nil {
			if len(rec) == 0 {
				continue // blank rows above the headings
			}
			if err := t.setHeadings(rec); err != nil {
				return nil, err
			}
			continue
		}
		// A formula cell without a cached value reads as empty: every
		// column is checked.
		formula := make([]bool, max(len(rec), len(t.fields)))
		for i := range formula {
			cell, _ := excelize.CoordinatesToCellName(i+1, n)
			if fx, _ := f.GetCellFormula(sheet, cell); fx != "" {
				formula[i] = true
			}
			if i < len(rec) && i < len(t.fields) && t.fields[i] == "received_on" {
				rec[i] = excelDate(rec[i])
			}
		}
		if err := t.add(n, rec, formula); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, apperr.New(apperr.BadRequest, "import.bad_xlsx")
	}
	if t.fields == nil {
		return nil, apperr.New(apperr.Invalid, "import.empty")
	}
	return t.done()
}

// excelDate turns a date cell's serial number into 2006-01-02; other text
// is kept.
func excelDate(v string) string {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || x < 1 || x > 2958465 {
		return v
	}
	d, err := excelize.ExcelDateToTime(x, false)
	if err != nil {
		return v
	}
	return d.Format(time.DateOnly)
}

// normalizeDate reads the ways offices write a date — 2026/12/1,
// 2026.12.1, 2026年12月1日 — as 2026-12-01; anything else is kept.
func normalizeDate(v string) string {
	v = strings.TrimSpace(v)
	s := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(v)
	if d, err := time.Parse("2006-1-2", s); err == nil {
		return d.Format(time.DateOnly)
	}
	return v
}
