package attachment_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/attachment/attachmenttest"
)

func TestSniff(t *testing.T) {
	// A zip whose main part is a macro-enabled workbook, and one that names a
	// main part it does not hold.
	xlsm := rezip(t, attachmenttest.XLSX([]string{"a"}), func(name string, b []byte) []byte {
		if name == "[Content_Types].xml" {
			return bytes.ReplaceAll(b, []byte("sheet.main+xml"), []byte("sheet.macroEnabled.main+xml"))
		}
		return b
	})
	noMain := rezip(t, attachmenttest.DOCX("x"), func(name string, b []byte) []byte {
		if name == "word/document.xml" {
			return nil
		}
		return b
	})
	var plainZip bytes.Buffer
	zw := zip.NewWriter(&plainZip)
	w, _ := zw.Create("a.txt")
	w.Write([]byte("hello"))
	zw.Close()
	tests := []struct {
		name string
		data []byte
		want attachment.Kind
		ok   bool
	}{
		{"pdf", attachmenttest.PDF("hello"), attachment.PDF, true},
		{"pdf without end", []byte("%PDF-1.4\n1 0 obj"), attachment.PDF, false},
		{"docx", attachmenttest.DOCX("第一条"), attachment.DOCX, true},
		{"xlsx", attachmenttest.XLSX([]string{"a", "b"}), attachment.XLSX, true},
		{"png", attachmenttest.PNG(), attachment.PNG, true},
		{"jpeg", attachmenttest.JPEG(), attachment.JPEG, true},
		{"gif", attachmenttest.GIF(), attachment.GIF, true},
		{"webp", attachmenttest.WebP(), attachment.WebP, true},
		{"xlsm", xlsm, "", false},
		{"docx without its main part", noMain, "", false},
		{"plain zip", plainZip.Bytes(), "", false},
		{"exe", []byte("MZ\x90\x00\x03"), "", false},
		{"text", []byte("just text"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := attachment.Sniff(tt.data)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("Sniff = %q, %v, want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func rezip(t *testing.T, data []byte, edit func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		r, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(r)
		r.Close()
		nb := edit(f.Name, b.Bytes())
		if nb == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(nb)
	}
	zw.Close()
	return out.Bytes()
}

func seq() func() string {
	n := 0
	return func() string { n++; return "a" + string(rune('0'+n)) }
}

func TestAccept(t *testing.T) {
	pdf := attachmenttest.PDF("Opinion on article 3")
	t.Run("OK", func(t *testing.T) {
		metas, blobs, err := attachment.Accept(attachment.ForComment, []attachment.File{
			{Name: `C:\Users\张三\意见.pdf`, Data: pdf}, {Name: "照片", Data: attachmenttest.PNG()}}, seq())
		if err != nil {
			t.Fatal(err)
		}
		if len(metas) != 2 || len(blobs) != 2 {
			t.Fatalf("got %d metas, %d blobs", len(metas), len(blobs))
		}
		m := metas[0]
		if m.Name != "意见.pdf" || m.Kind != attachment.PDF || m.Size != int64(len(pdf)) || m.SHA256 != attachment.Sum(pdf) || m.Status != attachment.Pending || m.ID != "a1" {
			t.Errorf("meta = %+v", m)
		}
		if m.Text != "Opinion on article 3" {
			t.Errorf("text = %q", m.Text)
		}
		if metas[1].Name != "照片.png" {
			t.Errorf("name without extension = %q, want the kind's", metas[1].Name)
		}
		if blobs[0].SHA256 != m.SHA256 || !bytes.Equal(blobs[0].Data, pdf) {
			t.Error("blob does not match its meta")
		}
	})
	big := append(bytes.Clone(pdf), make([]byte, 10*attachment.MiB)...)
	tests := []struct {
		name  string
		use   attachment.Use
		files []attachment.File
		kind  apperr.Kind
		key   string
	}{
		{"ErrTooMany", attachment.ForComment, []attachment.File{{"1.pdf", pdf}, {"2.pdf", pdf}, {"3.pdf", pdf}, {"4.pdf", pdf}, {"5.pdf", pdf}, {"6.pdf", pdf}}, apperr.Invalid, "attachment.too_many"},
		{"ErrTooLarge", attachment.ForComment, []attachment.File{{"big.pdf", big}}, apperr.TooLarge, "attachment.too_large"},
		{"ErrDisguised", attachment.ForComment, []attachment.File{{"scan.pdf", attachmenttest.PNG()}}, apperr.Invalid, "attachment.disguised"},
		{"ErrDocxAsXlsx", attachment.ForComment, []attachment.File{{"table.xlsx", attachmenttest.DOCX("x")}}, apperr.Invalid, "attachment.disguised"},
		{"ErrExecutable", attachment.ForComment, []attachment.File{{"run.pdf", []byte("MZ\x90\x00")}}, apperr.Invalid, "attachment.kind_refused"},
		{"ErrUnknownExtension", attachment.ForComment, []attachment.File{{"run.exe", pdf}}, apperr.Invalid, "attachment.kind_refused"},
		{"ErrKindNotForUse", attachment.ForStep, []attachment.File{{"t.xlsx", attachmenttest.XLSX([]string{"a"})}}, apperr.Invalid, "attachment.kind_refused"},
		{"ErrEmpty", attachment.ForComment, []attachment.File{{"e.pdf", nil}}, apperr.Invalid, "attachment.empty"},
		{"ErrBadName", attachment.ForComment, []attachment.File{{"a\x00.pdf", pdf}}, apperr.Invalid, "attachment.bad_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := attachment.Accept(tt.use, tt.files, seq())
			var ae *apperr.Error
			if !errAs(err, &ae) || ae.Kind != tt.kind {
				t.Fatalf("Accept = %v, want %s", err, tt.kind)
			}
			key := ae.Key
			if len(ae.Fields) > 0 {
				key = ae.Fields[0].Key
			}
			if key != tt.key {
				t.Errorf("key = %s, want %s", key, tt.key)
			}
		})
	}
}

func errAs(err error, target **apperr.Error) bool {
	e, ok := err.(*apperr.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestExtractText(t *testing.T) {
	if got := attachment.ExtractText(attachment.DOCX, attachmenttest.DOCX("第一条　建议延长期限。", "第二条")); got != "第一条　建议延长期限。\n第二条" {
		t.Errorf("docx text = %q", got)
	}
	if got := attachment.ExtractText(attachment.PDF, attachmenttest.PDF("First line (with parens)", "Second")); got != "First line (with parens)\nSecond" {
		t.Errorf("pdf text = %q", got)
	}
	if got := attachment.ExtractText(attachment.PNG, attachmenttest.PNG()); got != "" {
		t.Errorf("png text = %q", got)
	}
	if got := attachment.ExtractText(attachment.PDF, []byte("%PDF-1.4 garbage stream\nxx endstream %%EOF")); strings.TrimSpace(got) != "" {
		t.Errorf("garbage pdf text = %q", got)
	}
}

// TestExtractTextCIDFonts: a Chinese PDF as Word and WPS write it (a
// Type0 font with glyph ids and a ToUnicode CMap), with plain objects and
// with objects in an object stream, yields its text.
func TestExtractTextCIDFonts(t *testing.T) {
	lines := []string{"第一条　建议将办证时间延长至晚上八点。", "第二条　养犬登记应当免费，𠀋字也能读。"}
	want := strings.Join(lines, "\n")
	for _, objStm := range []bool{false, true} {
		pdf := attachmenttest.CIDPDF(objStm, lines...)
		if k, ok := attachment.Sniff(pdf); !ok || k != attachment.PDF {
			t.Fatalf("objStm=%v: sniffed %v %v", objStm, k, ok)
		}
		if got := attachment.ExtractText(attachment.PDF, pdf); got != want {
			t.Errorf("objStm=%v: ExtractText = %q, want %q", objStm, got, want)
		}
	}
	// Without the CMap the glyph ids are not text: nothing made up.
	pdf := bytes.Replace(attachmenttest.CIDPDF(false, lines...), []byte("/ToUnicode 8 0 R"), []byte("/Foo 8 0 R      "), 1)
	if got := attachment.ExtractText(attachment.PDF, pdf); strings.Contains(got, "建议") {
		t.Errorf("text without a CMap = %q", got)
	}
}

func TestPublicList(t *testing.T) {
	list := []attachment.Meta{{ID: "1", Name: "a.pdf", SHA256: "h1", Status: attachment.Pending},
		{ID: "2", Name: "b.pdf", SHA256: "h2", Status: attachment.Published},
		{ID: "3", Name: "张三身份证.png", SHA256: "h3", Status: attachment.Restricted, Reason: "含个人信息"}}
	got := attachment.PublicList(list)
	if len(got) != 2 || got[0].ID != "2" || got[0].Name != "b.pdf" || got[1].Name != "" || got[1].SHA256 != "" || got[1].Reason != "含个人信息" {
		t.Errorf("PublicList = %+v", got)
	}
}

// FuzzExtractPDFText: any bytes, PDF-like or not, give some text or none,
// never a panic or a hang.
func FuzzExtractPDFText(f *testing.F) {
	f.Add(attachmenttest.CIDPDF(false, "第一条　建议。"))
	f.Add(attachmenttest.CIDPDF(true, "第二条"))
	f.Add(attachmenttest.PDF("plain"))
	f.Add([]byte("1 0 obj << /Type /Page /Contents [2 0 R] /Resources << /Font << /F1 << /ToUnicode 3 0 R >> >> >> >> endobj 3 0 obj << >> stream\nbeginbfrange <00> <FF> <4E00> endbfrange\nendstream"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = attachment.ExtractText(attachment.PDF, data)
	})
}
