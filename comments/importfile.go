package comments

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

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

// importTable is a file being read: what it is, its columns, and how
// many non-empty data rows have been read so far. The rows themselves are
// not kept: parseImport hands each to a function as it reads it, so that
// a 100,000-row file is never held as rows in memory (docs/IMPORT.md).
type importTable struct {
	format, encoding string
	converted        bool
	headings         []string // as in the file
	fields           []string // field of each column
	rows             int      // non-empty data rows read
	each             func(*importTable, importRow) error
	spool            *importSpool      // if set, every row add hands on is also recorded there
	cells            map[string]string // the row's cells, reused from row to row
}

type importRow struct {
	n       int               // spreadsheet row number
	cells   map[string]string // valid until each returns: the next row reuses it
	formula map[string]bool   // fields whose cell is a formula (already reported)
	errs    []ImportRowError  // cell problems found while reading (formulas, extra cells)
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
// file and calls each for every non-empty data row, in file order, as it
// reads it; an error from each ends the reading with that error. Errors
// (BadRequest, Invalid or TooLarge, each with its own key): empty, too
// large, not a known format or encoding, invalid UTF-8, missing, unknown or
// repeated columns, too many rows. A file error may come after each has
// seen rows: the caller must not act on the rows before parseImport
// returns nil (the import stores them inside one transaction that the
// error rolls back). With spool, an XLSX's rows are also recorded there as
// they are read, for a second reading without the workbook (a CSV is not
// spooled: reading it again where it lies costs as much as the spool
// would). A CSV is read as a stream (Upload); failing to read src itself
// is an Internal error.
func parseImport(src Upload, spool *importSpool, each func(*importTable, importRow) error) (*importTable, error) {
	if src.size > MaxImportBytes {
		return nil, apperr.New(apperr.TooLarge, "import.too_large", "50 MiB")
	}
	magic, err := src.prefix(8)
	if err != nil {
		return nil, err
	}
	bom := bytes.HasPrefix(magic, utf8BOM)
	skip := int64(0)
	if bom {
		skip = int64(len(utf8BOM))
	}
	if blank, err := blankText(src.section(skip)); err != nil {
		return nil, err
	} else if blank {
		return nil, apperr.New(apperr.Invalid, "import.empty")
	}
	switch {
	case bytes.HasPrefix(magic, xlsxMagic):
		data, err := src.bytes()
		if err != nil {
			return nil, err
		}
		return parseXLSX(data, spool, each)
	case bytes.HasPrefix(magic, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, apperr.New(apperr.BadRequest, "import.old_xls")
	case bytes.HasPrefix(magic, []byte{0xFF, 0xFE}), bytes.HasPrefix(magic, []byte{0xFE, 0xFF}):
		return nil, apperr.New(apperr.BadRequest, "import.bad_encoding", "UTF-16")
	}
	t := &importTable{format: FormatCSV, encoding: EncodingUTF8, each: each}
	text := io.Reader(src.section(skip))
	line, valid, err := firstBadUTF8(src.section(skip))
	if err != nil {
		return nil, err
	}
	gb := false
	if bom && !valid {
		return nil, apperr.New(apperr.BadRequest, "import.bad_utf8", line)
	} else if !valid {
		// Excel saves "CSV" in the system code page: GB18030 on Chinese
		// Windows. The whole file is checked first (a bad line is a file
		// error, before any row), then decoded again as it is read.
		if ok, err := checkGB18030(src.section(0)); err != nil {
			return nil, err
		} else if !ok {
			return nil, apperr.New(apperr.BadRequest, "import.bad_encoding_line", line)
		}
		text = simplifiedchinese.GB18030.NewDecoder().Reader(src.section(0))
		t.encoding, t.converted, gb = EncodingGB18030, true, true
	}
	first, err := firstLine(src.section(skip), gb)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(text)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	if !bytes.ContainsRune(first, ',') && bytes.ContainsRune(first, '\t') {
		r.Comma = '\t'
	}
	head, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	if err := t.setHeadings(slices.Clone(head)); err != nil {
		return nil, err
	}
	// A row's number is the spreadsheet's (what Excel shows for the CSV):
	// its first line less the line breaks inside quoted cells before it.
	breaks := lineBreaks(head)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if err := t.add(line-breaks, rec, nil); err != nil {
			return nil, err
		}
		breaks += lineBreaks(rec)
	}
	return t.done()
}

// lineBreaks counts the line breaks inside a CSV record's cells (the
// reader turns each \r\n inside quotes into \n).
func lineBreaks(rec []string) int {
	n := 0
	for _, v := range rec {
		n += strings.Count(v, "\n")
	}
	return n
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// xlsxMagic starts every XLSX (a zip archive).
var xlsxMagic = []byte("PK\x03\x04")

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

// add hands data row n to t.each unless all its cells are blank;
// formula[i] marks a formula cell (refused: its cached value may be
// stale). rec may be reused by the reader after add returns.
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
	if t.rows == MaxImportRows {
		return apperr.New(apperr.TooLarge, "import.too_many_rows", MaxImportRows)
	}
	t.rows++
	if t.spool != nil {
		t.spool.record(n, rec, formula)
	}
	if t.cells == nil {
		t.cells = make(map[string]string, len(t.fields))
	}
	clear(t.cells)
	row := importRow{n: n, cells: t.cells}
	for i, v := range rec {
		if i >= len(t.fields) {
			if strings.TrimSpace(v) != "" {
				row.errs = append(row.errs, ImportRowError{Row: n, Column: fmt.Sprintf("#%d", i+1), Key: "import.extra_cell"})
			}
			continue
		}
		row.cells[t.fields[i]] = v
	}
	for i, fx := range formula {
		if fx && i < len(t.fields) {
			row.errs = append(row.errs, ImportRowError{Row: n, Column: t.headings[i], Field: t.fields[i], Key: "import.formula"})
			if row.formula == nil {
				row.formula = map[string]bool{}
			}
			row.formula[t.fields[i]] = true
		}
	}
	if t.each == nil {
		return nil
	}
	return t.each(t, row)
}

func (t *importTable) done() (*importTable, error) {
	if t.rows == 0 {
		return nil, apperr.New(apperr.Invalid, "import.no_rows")
	}
	return t, nil
}

// xlsxSpillBytes: a worksheet or shared-string table larger than this is
// unzipped to a temporary file and read from there (excelize's streaming
// reader) rather than held in memory.
const xlsxSpillBytes = 4 << 20

// parseXLSX reads the first sheet of a workbook with excelize's streaming
// row iterator. Dates typed as dates are read as dates; a formula cell is
// a row error (its cached value may be stale or missing, so the file must
// hold values). Formula cells are found by one streamed pass over the
// sheet's XML first (excelize's GetCellFormula would load the whole sheet).
func parseXLSX(data []byte, spool *importSpool, each func(*importTable, importRow) error) (*importTable, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: xlsxSpillBytes})
	if err != nil {
		return nil, apperr.New(apperr.BadRequest, "import.bad_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.New(apperr.Invalid, "import.empty")
	}
	sheet := sheets[0]
	formulas, err := xlsxFormulaCells(data)
	if err != nil {
		return nil, apperr.New(apperr.BadRequest, "import.bad_xlsx")
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, apperr.New(apperr.BadRequest, "import.bad_xlsx")
	}
	defer rows.Close()
	t := &importTable{format: FormatXLSX, encoding: EncodingUTF8, each: each, spool: spool}
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
			formula[i] = formulas[[2]int{n, i + 1}]
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

// xlsxFormulaCells returns the (row, column) of every cell of the
// workbook's first sheet that holds a formula, reading the sheet's XML as
// a stream.
func xlsxFormulaCells(data []byte) (map[[2]int]bool, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/")] = f
	}
	decode := func(name string, v any) error {
		f, ok := files[name]
		if !ok {
			return fmt.Errorf("xlsx: no %s", name)
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		return xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v)
	}
	var wb struct {
		Sheets []struct {
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decode("xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := decode("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	if len(wb.Sheets) == 0 {
		return nil, nil
	}
	var rid string
	for _, a := range wb.Sheets[0].Attrs {
		if a.Name.Local == "id" {
			rid = a.Value
		}
	}
	var path string
	for _, r := range rels.Rels {
		if r.ID == rid {
			path = r.Target
			if strings.HasPrefix(path, "/") {
				path = path[1:]
			} else {
				path = "xl/" + path
			}
		}
	}
	f, ok := files[path]
	if !ok {
		return nil, fmt.Errorf("xlsx: no sheet %q", path)
	}
	if has, err := mayHoldFormula(f); err != nil || !has {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	out := map[[2]int]bool{}
	d := xml.NewDecoder(bufio.NewReaderSize(io.LimitReader(rc, maxUnzipped), 64<<10))
	row, col := 0, 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "row":
			row++
			for _, a := range el.Attr {
				if a.Name.Local == "r" {
					if n, err := strconv.Atoi(a.Value); err == nil {
						row = n
					}
				}
			}
			col = 0
		case "c":
			col++
			for _, a := range el.Attr {
				if a.Name.Local == "r" {
					if c, _, err := excelize.CellNameToCoordinates(a.Value); err == nil {
						col = c
					}
				}
			}
		case "f":
			out[[2]int{row, col}] = true
		}
	}
}

// mayHoldFormula scans a sheet's XML for the start of an <f> element
// (with or without a namespace prefix) at memory speed, so that the
// tokenizing pass runs only for a sheet that may hold formulas (in text,
// "<" is always escaped, so a match is markup).
func mayHoldFormula(f *zip.File) (bool, error) {
	rc, err := f.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	r := io.LimitReader(rc, maxUnzipped)
	buf := make([]byte, 256<<10)
	keep := 0
	for {
		n, err := io.ReadFull(r, buf[keep:])
		chunk := buf[:keep+n]
		if formulaMark(chunk) {
			return true, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		keep = copy(buf, chunk[len(chunk)-4:])
	}
}

// formulaMark tells whether b holds "<f" or ":f" (a prefixed name)
// followed by what may end an element name. A mark in b's last two bytes
// is left to the next chunk (mayHoldFormula keeps the last four). One
// search per mark, not per (mark, end) pair: the scan runs over every
// byte of the sheet before excelize reads it.
func formulaMark(b []byte) bool {
	for _, start := range [][]byte{[]byte("<f"), []byte(":f")} {
		for rest := b; ; {
			i := bytes.Index(rest, start)
			if i < 0 || i+2 >= len(rest) {
				break
			}
			switch rest[i+2] {
			case '>', '/', ' ', '\t', '\n', '\r':
				return true
			}
			rest = rest[i+2:]
		}
	}
	return false
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

// dateSeparators is built once: a Replacer costs more to build than to
// run, and normalizeDate runs for every row of an import (twice).
var dateSeparators = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-")

// normalizeDate reads the ways offices write a date — 2026/12/1,
// 2026.12.1, 2026年12月1日 — as 2026-12-01; anything else is kept.
//
// It allocates nothing for a date already written 2006-01-02 (the usual
// cell, and every XLSX date cell): Replace would copy it, Format write it
// again.
func normalizeDate(v string) string {
	v = strings.TrimSpace(v)
	s := v
	if strings.ContainsAny(v, "年月日/.") {
		s = dateSeparators.Replace(v)
	}
	d, err := time.Parse("2006-1-2", s)
	if err != nil {
		return v
	}
	if isDateOnly(s) { // Format would give s back
		return s
	}
	return d.Format(time.DateOnly)
}

// isDateOnly reports whether s is four digits, '-', two digits, '-', two
// digits: the shape time.DateOnly formats every date from year 0 to 9999 in.
func isDateOnly(s string) bool {
	if len(s) != len(time.DateOnly) {
		return false
	}
	for i := range len(s) {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
