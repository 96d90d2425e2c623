package web

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The OpenAPI schemas are generated from the Go types that the handlers
// decode and encode, so the document cannot drift from the code; the API
// tests validate every request and response against it.
//
// A small reflector rather than a JSON Schema library: the document is
// OpenAPI 3.0.3, whose schema dialect is not JSON Schema 2020-12 (no
// "$defs", "nullable" instead of type lists), and the same Go type reads
// differently as a request (only what the domain insists on is required)
// and as a response (every member that encoding/json always writes is
// required, and a nil slice or pointer is written as null). Field tags use
// the `jsonschema` key in the syntax of github.com/invopop/jsonschema
// (required, enum=…, minLength=…, description=…), so the types would read
// the same under that library.

// schemaMode says whether a type is read as a request or as a response.
type schemaMode int

const (
	requestMode schemaMode = iota
	responseMode
)

// schemaOverrides are the schemas of types whose JSON is not their fields:
// custom marshalers. The API tests check responses against them like any
// other schema.
var schemaOverrides = map[reflect.Type]func() map[string]any{
	reflect.TypeFor[json.RawMessage](): func() map[string]any { return map[string]any{} },
	reflect.TypeFor[time.Time](): func() map[string]any {
		return map[string]any{"type": "string", "format": "date-time"}
	},
}

// plainMarshalers are types with a MarshalJSON that writes exactly their
// tagged fields, so reflection reads them right.
var plainMarshalers = map[reflect.Type]bool{}

// enumValues lists the values of the domain's string types, from the
// domain's own lists.
var enumValues = map[reflect.Type][]string{}

// schemaReflector turns Go types into OpenAPI schemas, collecting named
// struct types as components.
type schemaReflector struct {
	components map[string]any
	names      map[reflect.Type]string // component name of each type seen, per mode
	taken      map[string]reflect.Type
}

func newSchemaReflector() *schemaReflector {
	return &schemaReflector{components: map[string]any{}, names: map[reflect.Type]string{}, taken: map[string]reflect.Type{}}
}

// ref returns a schema for v's type: a $ref for a named struct.
func (r *schemaReflector) ref(v any, mode schemaMode) map[string]any {
	return r.schema(reflect.TypeOf(v), mode)
}

func (r *schemaReflector) schema(t reflect.Type, mode schemaMode) map[string]any {
	if f, ok := schemaOverrides[t]; ok {
		return f()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(r.schema(t.Elem(), mode))
	case reflect.Interface:
		return map[string]any{}
	}
	marshaler := reflect.TypeFor[json.Marshaler]()
	if (t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler)) && !plainMarshalers[t] {
		panic(fmt.Sprintf("openapi: %v has its own MarshalJSON; give it a schemaOverride", t))
	}
	if t.Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
		return map[string]any{"type": "string"}
	}
	if t.Kind() == reflect.Struct {
		if t.Name() == "" {
			return r.object(t, mode)
		}
		return map[string]any{"$ref": "#/components/schemas/" + r.component(t, mode)}
	}
	switch t.Kind() {
	case reflect.String:
		s := map[string]any{"type": "string"}
		if vals, ok := enumValues[t]; ok {
			s["enum"] = vals
		}
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		s := map[string]any{"type": "array", "items": r.schema(t.Elem(), mode)}
		if t.Kind() == reflect.Slice && mode == responseMode {
			s["nullable"] = true // a nil slice is written as null
		}
		return s
	case reflect.Map:
		s := map[string]any{"type": "object", "additionalProperties": r.schema(t.Elem(), mode)}
		if mode == responseMode {
			s["nullable"] = true
		}
		return s
	}
	panic(fmt.Sprintf("openapi: no schema for %v", t))
}

// nullable allows null besides s. A $ref cannot carry siblings in
// OpenAPI 3.0, so a referenced schema (always an object component) is
// wrapped in allOf, with the type that nullable needs beside it.
func nullable(s map[string]any) map[string]any {
	if _, ok := s["$ref"]; ok {
		return map[string]any{"type": "object", "allOf": []any{s}, "nullable": true}
	}
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	out["nullable"] = true
	return out
}

// component registers t's object schema and returns its name: the Go
// type's name, prefixed by its package when another type took it, and
// suffixed "Input" for request types.
func (r *schemaReflector) component(t reflect.Type, mode schemaMode) string {
	key := t
	if mode == requestMode {
		key = reflect.PointerTo(t) // a separate key per mode
	}
	if name, ok := r.names[key]; ok {
		return name
	}
	name := typeName(t, false)
	if mode == requestMode {
		name += "Input"
	}
	if other, ok := r.taken[name]; ok && other != key {
		name = typeName(t, true)
		if mode == requestMode {
			name += "Input"
		}
	}
	r.names[key], r.taken[name] = name, key
	r.components[name] = map[string]any{} // placeholder against recursion
	r.components[name] = r.object(t, mode)
	return name
}

// typeName is a component name for t: Page[yugongkai/web.ConsultationView]
// becomes PageOfConsultationView.
func typeName(t reflect.Type, qualified bool) string {
	name := t.Name()
	name = string(unicode.ToUpper(rune(name[0]))) + name[1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		arg := name[i+1 : len(name)-1]
		arg = arg[strings.LastIndexAny(arg, "./")+1:]
		name = name[:i] + "Of" + arg
	}
	if qualified {
		pkg := t.PkgPath()
		pkg = pkg[strings.LastIndexByte(pkg, '/')+1:]
		name = string(unicode.ToUpper(rune(pkg[0]))) + pkg[1:] + name
	}
	return name
}

// object is the schema of a struct's JSON members, following
// encoding/json: tags, omitempty, "-", ",string" and embedded structs.
func (r *schemaReflector) object(t reflect.Type, mode schemaMode) map[string]any {
	props := map[string]any{}
	var required []string
	r.fields(t, mode, props, &required)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		o["required"] = required
	}
	return o
}

func (r *schemaReflector) fields(t reflect.Type, mode schemaMode, props map[string]any, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				// Members of an embedded struct are promoted. The API's
				// views embed a pointer that is never nil, so its members
				// are required like the view's own.
				r.fields(et, mode, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := r.schema(f.Type, mode)
		if hasOpt(opts, "string") {
			s = map[string]any{"type": "string"}
		}
		omitempty := hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero")
		if omitempty && mode == responseMode {
			s = notNull(s) // an empty value is left out, never written as null
		}
		s = applySchemaTag(s, f.Tag.Get("jsonschema"), name, mode, required)
		if mode == responseMode && !omitempty {
			*required = append(*required, name)
		}
		props[name] = s
	}
}

// notNull drops the nullable a nil slice or map would need.
func notNull(s map[string]any) map[string]any {
	if s["nullable"] != true {
		return s
	}
	out := map[string]any{}
	for k, v := range s {
		if k != "nullable" {
			out[k] = v
		}
	}
	if all, ok := out["allOf"].([]any); ok && len(out) == 2 && len(all) == 1 {
		return all[0].(map[string]any)
	}
	return out
}

func hasOpt(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// applySchemaTag reads a `jsonschema:"required,enum=a,enum=b,minLength=10,description=…"`
// tag. required applies to requests; responses require what is always written.
func applySchemaTag(s map[string]any, tag, name string, mode schemaMode, required *[]string) map[string]any {
	if tag == "" {
		return s
	}
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	var enum []string
	for part := range strings.SplitSeq(tag, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "required":
			if mode == requestMode {
				*required = append(*required, name)
			}
		case "enum":
			enum = append(enum, v)
		case "minLength":
			n, err := strconv.Atoi(v)
			if err != nil {
				panic(fmt.Sprintf("openapi: bad minLength in tag of %s", name))
			}
			out["minLength"] = n
		case "description":
			out["description"] = v
		case "minimum", "maximum":
			n, err := strconv.Atoi(v)
			if err != nil {
				panic(fmt.Sprintf("openapi: bad %s in tag of %s", k, name))
			}
			out[k] = n
		default:
			panic(fmt.Sprintf("openapi: unknown jsonschema tag %q on %s", k, name))
		}
	}
	if len(enum) > 0 {
		out["enum"] = enum
	}
	return out
}
