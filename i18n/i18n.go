// Package i18n is the one message catalogue for every user-facing text: API
// errors, pages and exports. zh-CN is the default language, English second.
package i18n

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Lang is a supported language tag.
type Lang string

const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{ZH, EN}

// Parse maps a language tag or Accept-Language header to a supported Lang.
func Parse(s string) Lang {
	for _, part := range strings.Split(s, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return ZH
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return ZH
}

// T returns the message for key in lang, formatted with args. Missing keys
// return the key itself so a gap is visible, never an empty string.
func T(lang Lang, key string, args ...any) string {
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	format := m.zh
	if lang == EN {
		format = m.en
	}
	if len(args) == 0 {
		return format
	}
	resolved := make([]any, len(args))
	for i, a := range args {
		if m, ok := a.(Msg); ok {
			resolved[i] = T(lang, m.Key, m.Args...)
		} else if l, ok := a.(List); ok {
			parts := make([]string, len(l))
			for j, m := range l {
				parts[j] = T(lang, m.Key, m.Args...)
			}
			sep := "、"
			if lang == EN {
				sep = ", "
			}
			resolved[i] = strings.Join(parts, sep)
		} else {
			resolved[i] = a
		}
	}
	if lang == EN {
		format = plural(format, resolved)
	}
	return fmt.Sprintf(format, resolved...)
}

var (
	verbPattern   = regexp.MustCompile(`%(?:\[(\d+)\])?[sdvq]`)
	pluralPattern = regexp.MustCompile(`\{([^{}|]*)\|([^{}|]*)\}`)
)

// plural resolves the English choices "{second|seconds}": the first form
// when the argument of the nearest verb before it is 1, else the second.
func plural(format string, args []any) string {
	if !strings.Contains(format, "|") {
		return format
	}
	var out strings.Builder
	pos := 0
	for _, m := range pluralPattern.FindAllStringSubmatchIndex(format, -1) {
		arg := -1
		for _, v := range verbPattern.FindAllStringSubmatchIndex(format[:m[0]], -1) {
			if v[2] >= 0 {
				n, _ := strconv.Atoi(format[v[2]:v[3]])
				arg = n - 1
			} else {
				arg++
			}
		}
		one := false
		if arg >= 0 && arg < len(args) {
			switch n := args[arg].(type) {
			case int:
				one = n == 1
			case int64:
				one = n == 1
			}
		}
		out.WriteString(format[pos:m[0]])
		if one {
			out.WriteString(format[m[2]:m[3]])
		} else {
			out.WriteString(format[m[4]:m[5]])
		}
		pos = m[1]
	}
	out.WriteString(format[pos:])
	return out.String()
}

// Msg is a message reference used as an argument of another message; T
// translates it in the same language before formatting.
type Msg struct {
	Key  string
	Args []any
}

// List is a list of messages rendered joined ("起草说明、制定依据").
type List []Msg

// ListOf returns a List of argument-less messages.
func ListOf(keys ...string) List {
	l := make(List, len(keys))
	for i, k := range keys {
		l[i] = M(k)
	}
	return l
}

// M returns a message reference.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Has reports whether key is in the catalogue.
func Has(key string) bool { _, ok := catalogue[key]; return ok }

// Keys returns every key, sorted; used by tests that check completeness.
func Keys() []string {
	keys := make([]string, 0, len(catalogue))
	for k := range catalogue {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type message struct{ zh, en string }

// addMessages adds a feature's messages, kept in a file of their own
// (messages_*.go), to the one catalogue at start; a key defined twice is a
// bug and stops the program.
func addMessages(m map[string]message) {
	for k, msg := range m {
		if _, dup := catalogue[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		catalogue[k] = msg
	}
}
