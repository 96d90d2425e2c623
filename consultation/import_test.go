package consultation_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"yugongkai/apperr"
	"yugongkai/auth"
	"yugongkai/consultation"
	"yugongkai/docx"
	"yugongkai/i18n"
)

func wordFile(t *testing.T, lines ...string) []byte {
	t.Helper()
	var paras []docx.Paragraph
	for _, l := range lines {
		paras = append(paras, docx.Paragraph{Text: l})
	}
	var buf bytes.Buffer
	if err := docx.Write(&buf, docx.Document{Paragraphs: paras}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportWord(t *testing.T) {
	staff := auth.Principal{UserID: "u1", Role: auth.Staff, DepartmentID: "d1"}
	good := wordFile(t, "某县养犬管理办法", "第一章　总　则", "　　第一条　　为了规范养犬行为，制定本办法。", "第二条 本办法适用于本县城区。")
	cases := []struct {
		name  string
		actor auth.Principal
		data  []byte
		kind  apperr.Kind
		key   string
	}{
		{"OK", staff, good, "", ""},
		{"ErrForbidden", auth.Principal{UserID: "r", Role: auth.Resident}, good, apperr.Forbidden, ""},
		{"ErrEmpty", staff, nil, apperr.Invalid, "word.empty"},
		{"ErrNotDocx", staff, []byte("%PDF-1.4"), apperr.Invalid, "word.not_docx"},
		{"ErrEncrypted", staff, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")...), apperr.Invalid, "word.encrypted"},
		{"ErrNoArticles", staff, wordFile(t, "关于养犬的通知", "各单位：请遵守规定。"), apperr.Invalid, "word.no_articles"},
		{"ErrTooLong", staff, wordFile(t, "某县养犬管理办法", "第一条　"+strings.Repeat("犬", consultation.MaxTextChars)), apperr.Invalid, "field.too_long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := consultation.ImportWord(tc.actor, tc.data)
			if tc.kind == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Articles) != 2 || got.Articles[0].Label != "第一条" || !strings.Contains(got.Text, "第一章　总则\n") || !strings.Contains(got.Text, "第二条　本办法适用于本县城区。") {
					t.Errorf("ImportWord = %+v", got)
				}
				return
			}
			if !apperr.Is(err, tc.kind) {
				t.Fatalf("ImportWord error %v, want %s", err, tc.kind)
			}
			if tc.key == "" {
				return
			}
			var ae *apperr.Error
			if !errorsAs(err, &ae) || len(ae.Fields) != 1 || ae.Fields[0].Field != "file" || ae.Fields[0].Key != tc.key {
				t.Errorf("ImportWord error %v, want field file: %s", err, tc.key)
			}
			if !i18n.Has(tc.key) {
				t.Errorf("%s is not in the catalogue", tc.key)
			}
		})
	}
}

func errorsAs(err error, target **apperr.Error) bool { return errors.As(err, target) }
