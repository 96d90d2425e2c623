package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// maxSafeInt is the largest integer every JSON reader, JavaScript's
// included, represents exactly (I-JSON, RFC 7493).
const maxSafeInt = 1<<53 - 1

// maxDepth bounds the nesting of arrays and objects Canonical accepts.
const maxDepth = 200

// Canonical returns the canonical JSON encoding of v: the bytes that are
// hashed, so that anyone can recompute them from the published JSON.
//
// v is first marshalled with encoding/json (a json.RawMessage is taken as
// JSON text), then re-encoded by these rules:
//
//   - Objects: members sorted by key, comparing the keys' UTF-8 bytes (which
//     is the same as comparing Unicode code points); duplicate keys are an
//     error. Arrays keep their order.
//   - No insignificant whitespace: separators are exactly "," and ":".
//   - Strings: UTF-8, not ASCII-escaped. Only these are escaped: `"` as \",
//     `\` as \\, U+0008 \b, U+000C \f, U+000A \n, U+000D \r, U+0009 \t, and
//     the other characters below U+0020 as \u00XX with lower-case hex.
//     Everything else — including <, >, &, U+007F, U+2028 and U+2029 — is
//     written as its literal UTF-8 bytes. Invalid UTF-8 and lone
//     surrogates become U+FFFD.
//   - Numbers: integers only, between -(2^53-1) and 2^53-1 so that every
//     reader (JavaScript included) holds them exactly, written in plain
//     decimal ("-0" becomes "0"). A number with a fraction or exponent
//     ("1.5", "1.0", "1e3") is an error: payloads carry integers and strings
//     only, because float formatting differs between languages. Put larger
//     numbers and decimals (amounts of money, coordinates) in strings.
//   - true, false and null as such.
//
// An outside verifier reproduces the encoding in Python with
//
//	json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
//
// where obj is json.loads of canonical (or any other) JSON text whose
// strings hold no lone surrogate escapes: for every value Canonical
// accepts, the two give identical bytes. (This is not RFC 8785/JCS, which
// sorts keys by UTF-16 code units.) Errors wrap [ErrInvalid].
func Canonical(v any) (json.RawMessage, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: canonical JSON: %v", ErrInvalid, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var buf bytes.Buffer
	if err := writeValue(&buf, dec, 0); err != nil {
		return nil, fmt.Errorf("%w: canonical JSON: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: canonical JSON: data after the value", ErrInvalid)
	}
	return buf.Bytes(), nil
}

func writeValue(buf *bytes.Buffer, dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok := tok.(type) {
	case json.Delim:
		if depth >= maxDepth {
			return fmt.Errorf("nested deeper than %d", maxDepth)
		}
		switch tok {
		case '{':
			return writeObject(buf, dec, depth+1)
		case '[':
			return writeArray(buf, dec, depth+1)
		}
		return fmt.Errorf("unexpected %v", tok)
	case string:
		WriteString(buf, tok)
	case json.Number:
		s := string(tok)
		if strings.ContainsAny(s, ".eE") {
			return fmt.Errorf("number %s is not an integer; use an integer or a string", s)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > maxSafeInt || n < -maxSafeInt {
			return fmt.Errorf("integer %s is outside ±(2^53-1); use a string", s)
		}
		buf.WriteString(strconv.FormatInt(n, 10))
	case bool:
		if tok {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case nil:
		buf.WriteString("null")
	default:
		return fmt.Errorf("unexpected token %v", tok)
	}
	return nil
}

func writeObject(buf *bytes.Buffer, dec *json.Decoder, depth int) error {
	type member struct {
		key   string
		value []byte
	}
	var members []member
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key %v is not a string", tok)
		}
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var value bytes.Buffer
		if err := writeValue(&value, dec, depth); err != nil {
			return err
		}
		members = append(members, member{key, value.Bytes()})
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
	buf.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			buf.WriteByte(',')
		}
		WriteString(buf, m.key)
		buf.WriteByte(':')
		buf.Write(m.value)
	}
	buf.WriteByte('}')
	return nil
}

func writeArray(buf *bytes.Buffer, dec *json.Decoder, depth int) error {
	buf.WriteByte('[')
	for i := 0; dec.More(); i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := writeValue(buf, dec, depth); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return err
	}
	buf.WriteByte(']')
	return nil
}

const hexDigits = "0123456789abcdef"

// WriteString writes s to buf as a JSON string, quotes included, exactly as
// [Canonical] writes every string (the rules in its doc), so that an
// encoder that writes a fixed shape directly (translog.Leaf.Bytes) gives
// the same bytes as Canonical would.
func WriteString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for _, r := range s { // ranging replaces invalid UTF-8 with U+FFFD
		switch r {
		case '"':
			buf.WriteString(`\"`)
		case '\\':
			buf.WriteString(`\\`)
		case '\b':
			buf.WriteString(`\b`)
		case '\f':
			buf.WriteString(`\f`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		default:
			if r < 0x20 {
				buf.WriteString(`\u00`)
				buf.WriteByte(hexDigits[r>>4])
				buf.WriteByte(hexDigits[r&0xf])
			} else {
				buf.WriteRune(r)
			}
		}
	}
	buf.WriteByte('"')
}

var errNotObject = errors.New("payload is not a JSON object")

// canonicalObject canonicalizes a payload and checks it is an object. An
// empty payload is the empty object.
func canonicalObject(payload json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(payload)) == 0 {
		return json.RawMessage("{}"), nil
	}
	c, err := Canonical(payload)
	if err != nil {
		return nil, err
	}
	if c[0] != '{' {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, errNotObject)
	}
	return c, nil
}
