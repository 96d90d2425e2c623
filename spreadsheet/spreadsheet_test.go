package spreadsheet_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"yugongkai/spreadsheet"
)

func TestWriteReadsBack(t *testing.T) {
	rows := [][]string{
		{"序号", "意见", "数量"},
		{"1", "建议写明施行日期", "3"},
		{"2", "'=HYPERLINK(\"x\")", "1"},
		{"3", "", "x"},
	}
	var buf bytes.Buffer
	if err := spreadsheet.Write(&buf, "采纳情况", rows, 0, 2); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows("采纳情况")
	if err != nil {
		t.Fatal(err)
	}
	// GetRows drops trailing empty cells; compare with the same rule.
	want := [][]string{rows[0], rows[1], rows[2], {"3", "", "x"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
	if typ, _ := f.GetCellType("采纳情况", "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 type %v, want a number", typ)
	}
	if formula, _ := f.GetCellFormula("采纳情况", "B3"); formula != "" {
		t.Errorf("B3 became the formula %q", formula)
	}
}
