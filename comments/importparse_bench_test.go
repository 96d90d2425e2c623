package comments

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// benchXLSX is a workbook of n rows shaped as the load command's
// (loadgen.ImportFile): text cells written by excelize's stream writer.
func benchXLSX(b *testing.B, n int) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"body", "channel", "received_on", "real_name", "display", "contact_phone"})
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		body := fmt.Sprintf("来信第%d号：建议明确城区范围，并对犬只登记收费标准予以公示，便于群众监督。来信人反映的情况请一并研究。", i)
		if err := sw.SetRow(cell, []any{body, "信函", "2026-12-01", fmt.Sprintf("王小明%d", i%100), "masked", fmt.Sprintf("1391234%04d", i%10000)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkParseXLSX reads a 100,000-row workbook (IMPORT_ROWS overrides)
// as an import's first reading does (the file, with its spool) and as its
// second does (the spool's replay), without the row checks:
//
//	go test ./comments -run '^$' -bench ParseXLSX -benchtime 3x
func BenchmarkParseXLSX(b *testing.B) {
	n := 100_000
	if s := os.Getenv("IMPORT_ROWS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	data := benchXLSX(b, n)
	b.Logf("%d rows, %.1f MiB", n, float64(len(data))/(1<<20))
	count := func(*importTable, importRow) error { return nil }
	b.Run("File", func(b *testing.B) {
		for range b.N {
			t, err := fileRows(UploadBytes(data), nil)(count)
			if err != nil || t.rows != n {
				b.Fatal(err)
			}
		}
	})
	b.Run("FileAndSpool", func(b *testing.B) {
		for range b.N {
			sp, err := newImportSpool()
			if err != nil {
				b.Fatal(err)
			}
			t, err := fileRows(UploadBytes(data), sp)(count)
			sp.Remove()
			if err != nil || t.rows != n {
				b.Fatal(err)
			}
		}
	})
	b.Run("Replay", func(b *testing.B) {
		sp, err := newImportSpool()
		if err != nil {
			b.Fatal(err)
		}
		defer sp.Remove()
		if _, err := fileRows(UploadBytes(data), sp)(count); err != nil {
			b.Fatal(err)
		}
		b.Logf("spool: %.1f MiB", float64(sp.size)/(1<<20))
		b.ResetTimer()
		for range b.N {
			t, err := sp.replay(count)
			if err != nil || t.rows != n {
				b.Fatal(err)
			}
		}
	})
}
