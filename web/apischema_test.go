package web

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type reflectInner struct {
	N int `json:"n"`
}

type reflectSample struct {
	*reflectInner
	Name     string            `json:"name" jsonschema:"required,minLength=2"`
	Note     string            `json:"note,omitempty"`
	Skipped  string            `json:"-"`
	At       time.Time         `json:"at"`
	Maybe    *reflectInner     `json:"maybe"`
	Tags     []string          `json:"tags"`
	Optional []string          `json:"optional,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Count    int64             `json:"count,string"`
	private  int
}

type ownJSON struct{}

func (ownJSON) MarshalJSON() ([]byte, error) { return []byte(`"x"`), nil }

func TestSchemaReflector(t *testing.T) {
	r := newSchemaReflector()
	resp := r.components[r.component(reflect.TypeFor[reflectSample](), responseMode)].(map[string]any)
	req := r.components[r.component(reflect.TypeFor[reflectSample](), requestMode)].(map[string]any)
	props := resp["properties"].(map[string]any)
	for _, tc := range []struct {
		name string
		got  any
		want any
	}{
		{"response required: every member always written", resp["required"], []string{"at", "count", "maybe", "n", "name", "tags"}},
		{"request required: from the tag", req["required"], []string{"name"}},
		{"unknown members refused", resp["additionalProperties"], false},
		{"promoted member", props["n"], map[string]any{"type": "integer"}},
		{"time", props["at"], map[string]any{"type": "string", "format": "date-time"}},
		{"nil pointer is null", props["maybe"], map[string]any{"type": "object", "nullable": true, "allOf": []any{map[string]any{"$ref": "#/components/schemas/ReflectInner"}}}},
		{"nil slice is null", props["tags"], map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "nullable": true}},
		{"omitted slice is never null", props["optional"], map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
		{"map", props["labels"], map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}},
		{",string", props["count"], map[string]any{"type": "string"}},
		{"tag minLength", props["name"], map[string]any{"type": "string", "minLength": 2}},
		{"json:\"-\" left out", props["Skipped"], nil},
		{"unexported left out", props["private"], nil},
		{"request slices are not null", req["properties"].(map[string]any)["tags"], map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			g, _ := json.Marshal(tc.got)
			w, _ := json.Marshal(tc.want)
			t.Errorf("%s: got %s, want %s", tc.name, g, w)
		}
	}
	if _, ok := r.components["ReflectSampleInput"]; !ok {
		t.Errorf("request component not named ReflectSampleInput: %v", reflect.ValueOf(r.components).MapKeys())
	}
	defer func() {
		if recover() == nil {
			t.Error("a type with its own MarshalJSON and no override was reflected from its fields")
		}
	}()
	r.schema(reflect.TypeFor[ownJSON](), responseMode)
}
