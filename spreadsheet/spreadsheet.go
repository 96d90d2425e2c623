// Package spreadsheet writes tables as .xlsx workbooks (with
// github.com/xuri/excelize/v2), for people who open the adoption report in
// Excel or WPS rather than read CSV.
package spreadsheet

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Write writes rows (the first is the header) as the only sheet of an
// .xlsx workbook. Cells in the columns named by numeric that parse as
// integers are stored as numbers; every other cell is stored as text, so
// nothing a commenter wrote becomes a formula.
func Write(w io.Writer, sheet string, rows [][]string, numeric ...int) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	isNum := map[int]bool{}
	for _, c := range numeric {
		isNum[c] = true
	}
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if n, err := strconv.Atoi(v); err == nil && r > 0 && isNum[c] {
				err = f.SetCellInt(sheet, cell, int64(n))
				if err != nil {
					return err
				}
				continue
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	if len(rows) > 0 {
		// The header stays in view while scrolling.
		if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}
