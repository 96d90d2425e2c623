package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"SortedKeys", json.RawMessage(`{"b":1,"a":2,"c":{"z":true,"y":null}}`), `{"a":2,"b":1,"c":{"y":null,"z":true}}`},
		{"NestedArrays", json.RawMessage(`[ {"b":[3,2,1],"a":[]} , [] , {} ]`), `[{"a":[],"b":[3,2,1]},[],{}]`},
		{"Whitespace", json.RawMessage("\n{ \"a\" :\t1 }\r\n"), `{"a":1}`},
		{"Chinese", json.RawMessage(`{"意见":"建议延长征求意见期限","姓名":"张*祥"}`), `{"姓名":"张*祥","意见":"建议延长征求意见期限"}`},
		{"EscapedChineseInput", json.RawMessage(`{"k":"\u4e2d\u6587"}`), `{"k":"中文"}`},
		{"NoHTMLEscaping", json.RawMessage(`{"k":"<a href=\"x\">&</a>","l":"\u003c\u0026"}`), `{"k":"<a href=\"x\">&</a>","l":"<&"}`},
		{"ControlCharacters", json.RawMessage(`"\b\f\n\r\t\u0000\u001f\u007f"`), `"\b\f\n\r\t\u0000\u001f` + "\x7f" + `"`},
		{"BackslashQuoteSlash", json.RawMessage(`"a\\b\"c\/d"`), `"a\\b\"c/d"`},
		{"LineSeparators", json.RawMessage(`"\u2028\u2029"`), "\"\u2028\u2029\""},
		{"Astral", json.RawMessage(`{"😀":1,"\ud83d\ude00x":2,"中":3,"é":4,"z":5}`), `{"z":5,"é":4,"中":3,"😀":1,"😀x":2}`},
		{"KeyOrderByBytes", json.RawMessage(`{"b":1,"B":2,"a":3,"_":4,"aa":5}`), `{"B":2,"_":4,"a":3,"aa":5,"b":1}`},
		{"Integers", json.RawMessage(`[0,-0,1,-1,9007199254740991,-9007199254740991]`), `[0,0,1,-1,9007199254740991,-9007199254740991]`},
		{"Literals", json.RawMessage(`[true,false,null]`), `[true,false,null]`},
		{"EmptyString", json.RawMessage(`""`), `""`},
		{"NilRaw", json.RawMessage(nil), `null`},
		{"GoMap", map[string]any{"b": "<>", "a": []int{1, 2}, "c": int64(-3)}, `{"a":[1,2],"b":"<>","c":-3}`},
		{"GoStruct", struct {
			Title string `json:"title"`
			Days  int    `json:"days"`
		}{"关于停车收费的决定", 30}, `{"days":30,"title":"关于停车收费的决定"}`},
		{"IntegralFloat", 30.0, `30`},
		{"InvalidUTF8InGoString", "a\xffb", "\"a\uFFFDb\""},
		{"LoneSurrogate", json.RawMessage(`"\ud800"`), "\"\uFFFD\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical(tt.in)
			if err != nil {
				t.Fatalf("Canonical(%v) error: %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Errorf("Canonical(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestCanonicalErrors(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"Fraction", json.RawMessage(`{"a":1.5}`), "not an integer"},
		{"IntegralFraction", json.RawMessage(`1.0`), "not an integer"},
		{"Exponent", json.RawMessage(`[1e3]`), "not an integer"},
		{"GoFloat", 0.1, "not an integer"},
		{"TooLarge", json.RawMessage(`9007199254740992`), "outside"},
		{"TooSmall", json.RawMessage(`-9007199254740992`), "outside"},
		{"Huge", json.RawMessage(`123456789012345678901234567890`), "outside"},
		{"DuplicateKey", json.RawMessage(`{"a":1,"b":{"c":1,"c":2}}`), `duplicate key "c"`},
		{"Syntax", json.RawMessage(`{"a":}`), "invalid"},
		{"Trailing", json.RawMessage(`{} {}`), "invalid"},
		{"Unmarshalable", make(chan int), "unsupported type"},
		{"TooDeep", json.RawMessage(strings.Repeat("[", 201) + strings.Repeat("]", 201)), "nested deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical(tt.in)
			if err == nil {
				t.Fatalf("Canonical(%v) = %s, want error containing %q", tt.in, got, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrInvalid) {
				t.Errorf("Canonical(%v) error = %q, want it to contain %q and wrap ErrInvalid", tt.in, err, tt.want)
			}
		})
	}
	if _, err := Canonical(json.RawMessage(strings.Repeat("[", 200) + strings.Repeat("]", 200))); err != nil {
		t.Errorf("Canonical(200 nested arrays) = %v, want nil", err)
	}
}

var pythonInputs = []string{
	`{"b":1,"a":2,"c":{"z":true,"y":null}}`,
	`{"意见":"建议延长征求意见期限","姓名":"张*祥","k":"\u4e2d"}`,
	`{"k":"<a href=\"x\">&</a>","l":"\u003c\u0026"}`,
	`"\b\f\n\r\t\u0000\u001f\u007f\u0080"`,
	`"\u2028\u2029 \ufeff"`,
	`{"😀":1,"\ud83d\ude00x":2,"中":3,"é":4,"z":5,"B":6,"_":7}`,
	`[0,-0,1,-1,9007199254740991,-9007199254740991,[],{},"",true,false,null]`,
	`{"a":{"b":{"c":[{"d":"第一行\n\"引号\"\t\\"}]}}}`,
}

// TestCanonicalMatchesPython checks the documented equivalence with
// Python's json.dumps(sort_keys=True, separators=(",", ":"),
// ensure_ascii=False). It runs only where python3 is installed.
func TestCanonicalMatchesPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 not installed")
		}
		t.Skip("python3 not installed")
	}
	const script = `import sys, json
for line in sys.stdin.buffer.read().split(b"\n"):
    if line:
        sys.stdout.buffer.write(json.dumps(json.loads(line.decode("utf-8")), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n")
`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = strings.NewReader(strings.Join(pythonInputs, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	if len(lines) != len(pythonInputs) {
		t.Fatalf("python3 wrote %d lines, want %d:\n%s", len(lines), len(pythonInputs), out)
	}
	for i, in := range pythonInputs {
		got, err := Canonical(json.RawMessage(in))
		if err != nil {
			t.Fatalf("Canonical(%s): %v", in, err)
		}
		if !bytes.Equal(got, lines[i]) {
			t.Errorf("Canonical(%s)\n    go %s\npython %s", in, got, lines[i])
		}
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range pythonInputs {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"a":1.5}`))
	f.Add([]byte(`{"a":1,"a":2}`))
	f.Add([]byte("\"\xff\xfe\""))
	f.Fuzz(func(t *testing.T, data []byte) {
		once, err := Canonical(json.RawMessage(data))
		if err != nil {
			return
		}
		if !json.Valid(once) {
			t.Fatalf("Canonical(%q) = %q, not valid JSON", data, once)
		}
		twice, err := Canonical(once)
		if err != nil {
			t.Fatalf("Canonical(Canonical(%q)) error: %v", data, err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("Canonical not idempotent for %q:\n once %q\ntwice %q", data, once, twice)
		}
	})
}
