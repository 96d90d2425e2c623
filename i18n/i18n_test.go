package i18n

import (
	"regexp"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[sdvq]`)

// Every message exists in both languages with the same placeholders.
func TestCatalogueComplete(t *testing.T) {
	for _, k := range Keys() {
		m := catalogue[k]
		if strings.TrimSpace(m.zh) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("%s: missing a language: %q / %q", k, m.zh, m.en)
		}
		if got, want := len(verb.FindAllString(m.en, -1)), len(verb.FindAllString(m.zh, -1)); got != want {
			t.Errorf("%s: %d placeholders in English, %d in Chinese", k, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	cases := map[string]Lang{"": ZH, "en": EN, "en-US,en;q=0.9": EN, "zh-CN,zh;q=0.9,en;q=0.8": ZH, "fr-FR, en;q=0.5": EN, "fr": ZH}
	for in, want := range cases {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestNestedMessages(t *testing.T) {
	got := T(ZH, "consultation.missing_items", ListOf("item.explanation", "item.legal_basis"))
	if want := "尚缺少以下内容，不能发布：起草说明、制定依据。"; got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
	got = T(EN, "consultation.missing_items", ListOf("item.explanation", "item.legal_basis"))
	if !strings.Contains(got, "the drafting explanation, the legal basis") {
		t.Errorf("English list = %q", got)
	}
	if T(EN, "no.such.key") != "no.such.key" {
		t.Error("a missing key must show itself")
	}
}

func TestEnglishPlurals(t *testing.T) {
	for _, tt := range []struct {
		key  string
		n    int
		want string
	}{
		{"error.rate_limited", 1, "Try again in 1 second."},
		{"error.rate_limited", 2, "Try again in 2 seconds."},
		{"error.rate_limited", 0, "Try again in 0 seconds."},
		{"period.workdays", 1, "1 working day"},
		{"period.days", 30, "30 days"},
	} {
		if got := T(EN, tt.key, tt.n); !strings.HasSuffix(got, tt.want) {
			t.Errorf("T(EN, %s, %d) = %q, want … %q", tt.key, tt.n, got, tt.want)
		}
	}
	if got, want := T(ZH, "error.rate_limited", 1), "操作过于频繁，请 1 秒后再试。"; got != want {
		t.Errorf("T(ZH) = %q, want %q", got, want)
	}
	if got, want := plural("%d of %[1]d {item|items}, then %d {page|pages}", []any{1, 3}), "%d of %[1]d item, then %d pages"; got != want {
		t.Errorf("plural = %q, want %q", got, want)
	}
}
