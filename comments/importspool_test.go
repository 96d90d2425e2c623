package comments

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The spool's replay hands on exactly the rows, cell problems and table
// of the reading that wrote it: formula cells, extra cells, empty cells,
// blank rows, line breaks and a long cell included.
func TestImportSpoolReplaysTheReading(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	set := func(cell, v string) {
		var err error
		if strings.HasPrefix(v, "=") {
			err = f.SetCellFormula("Sheet1", cell, v[1:])
		} else {
			err = f.SetCellStr("Sheet1", cell, v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for c, h := range []string{"意见内容", "收到方式", "收到日期", "姓名"} {
		cell, _ := excelize.CoordinatesToCellName(c+1, 2) // a blank row above the headings
		set(cell, h)
	}
	set("A3", "第一行\r\n第二行")
	set("B3", "信函")
	set("C3", "2026-12-01")
	set("A4", "=1+1")
	set("B4", "letter")
	set("F4", "多出的单元格")
	set("A6", strings.Repeat("长", 40_000)) // row 5 blank
	set("D6", "")
	set("C7", "=TODAY()")
	var x bytes.Buffer
	if err := f.Write(&x); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		Row importRow
		T   string
	}
	collect := func(out *[]seen) func(*importTable, importRow) error {
		return func(t *importTable, r importRow) error {
			r.cells = maps.Clone(r.cells) // the next row reuses the map
			*out = append(*out, seen{r, fmt.Sprint(t.format, t.encoding, t.converted, t.headings, t.fields, t.rows)})
			return nil
		}
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	sp, err := newImportSpool()
	if err != nil {
		t.Fatal(err)
	}
	var first, again []seen
	t1, err := fileRows(UploadBytes(x.Bytes()), sp)(collect(&first))
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 4 || first[1].Row.n != 4 || len(first[1].Row.errs) != 2 || first[3].Row.formula["received_on"] != true {
		t.Fatalf("first reading = %+v", first)
	}
	for range 2 { // a replay may be read more than once
		again = again[:0]
		t2, err := sp.replay(collect(&again))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first, again) {
			t.Errorf("replay = %+v\nwant %+v", again, first)
		}
		t1.each, t2.each, t1.spool = nil, nil, nil
		if !reflect.DeepEqual(t1, t2) {
			t.Errorf("replayed table = %+v, want %+v", t2, t1)
		}
	}
	sp.Remove()
	sp.Remove()
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("left %v", ents)
	}
	if _, err := sp.replay(collect(&again)); err == nil {
		t.Error("replay of a removed spool succeeded")
	}
}

func TestFormulaMark(t *testing.T) {
	for in, want := range map[string]bool{
		`<c r="A1"><f>1+1</f><v>2</v></c>`: true,
		`<x:f>SUM(A1)</x:f>`:               true,
		`<f/>`:                             true,
		"<f\n>":                            true,
		`<c><v>1</v></c><foo>`:             false,
		`<c t="s"><v>3</v></c>`:            false,
		`xmlns:fx="x" <fo`:                 false,
		`a<f`:                              false, // left to the next chunk
	} {
		if got := formulaMark([]byte(in)); got != want {
			t.Errorf("formulaMark(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestSweepImportSpools: at start the server removes the spools that
// imports interrupted by a crash left, and nothing else: not a spool being
// written now, not another program's file.
func TestSweepImportSpools(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	files := map[string]time.Time{
		importSpoolPrefix + "1.spool":   now.Add(-3 * time.Hour), // left by a crash
		importSpoolPrefix + "2.spool":   now.Add(-61 * time.Minute),
		importSpoolPrefix + "3.spool":   now.Add(-time.Minute), // an import running now
		"excelize-4":                    now.Add(-3 * time.Hour),
		importSpoolPrefix + "5.partial": now.Add(-3 * time.Hour),
	}
	for name, at := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("rows"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	n, err := SweepImportSpools(dir, now.Add(-time.Hour))
	if err != nil || n != 2 {
		t.Errorf("SweepImportSpools = %d, %v; want 2, nil", n, err)
	}
	var left []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"excelize-4", importSpoolPrefix + "3.spool", importSpoolPrefix + "5.partial"}
	if fmt.Sprint(left) != fmt.Sprint(want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
