package web

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/history"
	"yugongkai/workcal"
)

// apiOperation describes one API route for the OpenAPI document. Its
// request and response schemas are reflected from the Go types the handler
// decodes and encodes (apischema.go). A test checks that every registered
// /api route has an entry, and the API tests validate every request and
// response against the document, so it cannot fall behind the code.
type apiOperation struct {
	Method, Path string
	// ID is the operationId: the handler's name.
	ID      string
	Summary string
	// Auth is who may call: "" anyone (a token, when sent, may show more),
	// "login", "staff", "legal" or "admin".
	Auth   string
	Params []string // query parameters
	// Request is a value of the JSON body's type; nil when there is none.
	Request any
	// Status is the success status, 200 when zero; Also lists further
	// success statuses with the same body.
	Status int
	Also   []int
	// Response is a value of the success body's type, or a oneOf of such
	// values; nil for a body that is not JSON, or none (204).
	Response any
	// Media lists further media types of the success body (text, not JSON).
	Media []string
	// Files names the file fields of a multipart/form-data request body
	// (an upload), instead of a JSON Request.
	Files []string
	// Form, with Files and no Request, is a value whose JSON members are
	// the text fields of the multipart form (api_documents.go).
	Form any
}

// oneOf is a response that is one of several types.
type oneOf []any

var apiOperations = []apiOperation{
	{Method: "POST", Path: "/auth/login", ID: "login", Summary: "Log in; returns a bearer token (JWT, ≤ 1 h)", Request: loginForm{}, Response: TokenResponse{}},
	{Method: "POST", Path: "/auth/register", ID: "register", Summary: "Create a resident account with the code sent to its contact (POST /auth/register/code first)", Request: auth.SignupForm{}, Status: 201, Response: auth.User{}},
	{Method: "POST", Path: "/auth/logout", ID: "logout", Summary: "Revoke every token of the current account", Auth: "login", Status: 204},
	{Method: "GET", Path: "/me", ID: "me", Summary: "The current account", Auth: "login", Response: auth.User{}},
	{Method: "GET", Path: "/departments", ID: "listDepartments", Summary: "List departments", Response: List[*auth.Department]{}},
	{Method: "POST", Path: "/departments", ID: "createDepartment", Summary: "Create a department", Auth: "admin", Request: departmentForm{}, Status: 201, Response: auth.Department{}},
	{Method: "GET", Path: "/users", ID: "listUsers", Summary: "List accounts", Auth: "admin", Response: List[*auth.User]{}},
	{Method: "POST", Path: "/users", ID: "createUser", Summary: "Create an account with a role", Auth: "admin", Request: auth.NewUser{}, Status: 201, Response: auth.User{}},
	{Method: "GET", Path: "/calendar", ID: "getCalendar", Summary: "The working-day calendar in force", Response: &workcal.Calendar{}},
	{Method: "PUT", Path: "/calendar", ID: "loadCalendar", Summary: "Load a year's holiday and make-up working-day schedule", Auth: "admin", Request: calendarUpload{}, Response: &workcal.Calendar{}},
	{Method: "GET", Path: "/consultations", ID: "listConsultations", Summary: "List consultations (filters: status, department, procedure_type; cursor pagination)", Params: []string{"status", "department", "procedure_type", "cursor", "limit"}, Response: Page[ConsultationView]{}},
	{Method: "POST", Path: "/consultations", ID: "createConsultation", Summary: "Create a draft from a pasted legal text", Auth: "staff", Request: consultation.DraftForm{}, Status: 201, Response: ConsultationView{}},
	{Method: "GET", Path: "/consultations/{id}", ID: "getConsultation", Summary: "A consultation", Response: ConsultationView{}},
	{Method: "PATCH", Path: "/consultations/{id}", ID: "updateConsultation", Summary: "Edit a draft (replaces the working version)", Auth: "staff", Request: consultation.DraftForm{}, Response: ConsultationView{}},
	{Method: "POST", Path: "/consultations/{id}/publish", ID: "publishConsultation", Summary: "Open the comment period (draft → open)", Auth: "staff", Request: consultation.PublishForm{}, Response: ConsultationView{}},
	{Method: "POST", Path: "/consultations/{id}/extend", ID: "extendConsultation", Summary: "Extend the comment period", Auth: "staff", Request: consultation.ExtendForm{}, Response: ConsultationView{}},
	{Method: "POST", Path: "/consultations/{id}/close", ID: "closeConsultation", Summary: "Close the period early, with a reason (and a shortening_reason when the period run falls below the minimum)", Auth: "staff", Request: consultation.CloseForm{}, Response: ConsultationView{}},
	{Method: "POST", Path: "/consultations/{id}/withdraw", ID: "withdrawConsultation", Summary: "Withdraw the draft decision, with a reason", Auth: "staff", Request: consultation.ReasonForm{}, Response: ConsultationView{}},
	{Method: "GET", Path: "/consultations/{id}/versions", ID: "listVersions", Summary: "Versions visible to the caller", Response: List[VersionSummary]{}},
	{Method: "GET", Path: "/consultations/{id}/versions/{n}", ID: "getVersion", Summary: "One version with its parsed articles", Response: VersionResponse{}},
}

// registerOperations lets other files add their routes' descriptions.
func registerOperations(ops ...apiOperation) { apiOperations = append(apiOperations, ops...) }

// calendarUpload is the body PUT /calendar reads (workcal.Load): one
// year's schedule, or an array of them.
type calendarUpload struct{}

// calendarSchedule is one year of the working-day calendar as workcal
// writes and reads it.
type calendarSchedule struct {
	Year     int      `json:"year" jsonschema:"required"`
	Name     string   `json:"name,omitempty"`
	Source   string   `json:"source,omitempty"`
	Note     string   `json:"note,omitempty"`
	Holidays []string `json:"holidays" jsonschema:"required"`
	Workdays []string `json:"workdays" jsonschema:"required"`
}

func init() {
	// The calendar writes itself as an array of year schedules.
	schemaOverrides[reflect.TypeFor[workcal.Calendar]()] = func() map[string]any {
		return map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/CalendarSchedule"}}
	}
	schemaOverrides[reflect.TypeFor[calendarUpload]()] = func() map[string]any {
		one := map[string]any{"$ref": "#/components/schemas/CalendarScheduleInput"}
		return map[string]any{"oneOf": []any{one, map[string]any{"type": "array", "items": one}}}
	}
	// history.Event's MarshalJSON writes its tagged fields in canonical order.
	plainMarshalers[reflect.TypeFor[history.Event]()] = true
	for t, vals := range map[reflect.Type][]string{
		reflect.TypeFor[consultation.State]():         strs(consultation.States),
		reflect.TypeFor[consultation.ProcedureType](): strs(consultation.ProcedureTypes),
		reflect.TypeFor[consultation.VersionKind]():   strs([]consultation.VersionKind{consultation.ConsultationDraft, consultation.Revision, consultation.FinalText}),
		reflect.TypeFor[auth.Role]():                  strs([]auth.Role{auth.Resident, auth.Staff, auth.Legal, auth.Admin}),
		reflect.TypeFor[comments.Status]():            strs([]comments.Status{comments.Pending, comments.Published, comments.Declined, comments.Withdrawn}),
		reflect.TypeFor[comments.CommenterType]():     strs(commenterTypes()),
		reflect.TypeFor[comments.Display]():           strs([]comments.Display{comments.Masked, comments.RealName, comments.Anonymous}),
		reflect.TypeFor[comments.Channel]():           strs(comments.Channels),
		reflect.TypeFor[comments.Action]():            strs([]comments.Action{comments.Publish, comments.Decline}),
		reflect.TypeFor[comments.DeclineReason]():     strs(comments.DeclineReasons),
		reflect.TypeFor[comments.Outcome]():           strs(comments.Outcomes),
		reflect.TypeFor[comments.RedactionReason]():   strs(comments.RedactionReasons),
	} {
		enumValues[t] = vals
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func str() map[string]any { return map[string]any{"type": "string"} }

func jsonContent(schema map[string]any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

// OpenAPI returns the OpenAPI 3 document of the API.
func OpenAPI() map[string]any {
	openAPIOnce.Do(func() { openAPIDoc = buildOpenAPI() })
	return openAPIDoc
}

func buildOpenAPI() map[string]any {
	r := newSchemaReflector()
	errRef := r.ref(ErrorBody{}, responseMode)
	r.ref(calendarSchedule{}, responseMode)
	r.ref(calendarSchedule{}, requestMode)
	paths := map[string]any{}
	for _, op := range apiOperations {
		item, _ := paths["/api/v1"+op.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths["/api/v1"+op.Path] = item
		}
		status := op.Status
		if status == 0 {
			status = 200
		}
		success := map[string]any{"description": http.StatusText(status)}
		content := map[string]any{}
		switch resp := op.Response.(type) {
		case nil:
		case oneOf:
			var alts []any
			for _, v := range resp {
				alts = append(alts, r.ref(v, responseMode))
			}
			content = jsonContent(map[string]any{"oneOf": alts})
		default:
			content = jsonContent(r.ref(resp, responseMode))
		}
		for _, m := range op.Media {
			content[m] = map[string]any{"schema": str()}
		}
		if len(content) > 0 {
			success["content"] = content
		}
		responses := map[string]any{
			strconv.Itoa(status): success,
			"4XX":                map[string]any{"description": "Refused: the error names the reason in the request's language", "content": jsonContent(errRef)},
			"5XX":                map[string]any{"description": "Server error", "content": jsonContent(errRef)},
		}
		for _, also := range op.Also {
			responses[strconv.Itoa(also)] = map[string]any{"description": http.StatusText(also), "content": content}
		}
		o := map[string]any{"operationId": op.ID, "summary": op.Summary, "responses": responses}
		var params []any
		for _, seg := range strings.Split(op.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": str()})
			}
		}
		for _, q := range op.Params {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": str()})
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.Request != nil {
			body := map[string]any{"required": true, "content": jsonContent(r.ref(op.Request, requestMode))}
			if t := reflect.TypeOf(op.Request); t.Kind() == reflect.Struct && t.NumField() == 0 && schemaOverrides[t] == nil {
				body["required"] = false // an optional empty object
			}
			o["requestBody"] = body
		}
		if len(op.Files) > 0 {
			props := map[string]any{}
			for _, f := range op.Files {
				props[f] = map[string]any{"type": "string", "format": "binary"}
			}
			if op.Request != nil {
				// Also a multipart form: the JSON members as fields, the
				// files optional (api_attachments.go).
				form := formFieldsSchema(op.Request)
				for _, f := range op.Files {
					form[f] = map[string]any{"type": "array", "items": props[f]}
				}
				o["requestBody"].(map[string]any)["content"].(map[string]any)["multipart/form-data"] = map[string]any{
					"schema": map[string]any{"type": "object", "properties": form}}
			} else {
				if op.Form != nil {
					for k, v := range formFieldsSchema(op.Form) {
						props[k] = v
					}
				}
				o["requestBody"] = map[string]any{"required": true, "content": map[string]any{
					"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "properties": props, "required": op.Files}}}}
			}
		}
		if op.Auth != "" {
			o["security"] = []any{map[string]any{"bearer": []any{}}}
			o["x-role"] = op.Auth
		} else {
			o["security"] = []any{}
		}
		item[strings.ToLower(op.Method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "yugongkai API", "version": "1",
			"description": "预公开 public consultation: drafts, comments, dispositions, review and publication. Errors are {\"error\":{\"code\",\"message\",\"fields\"}} in the request's language (Accept-Language: zh-CN default, en). Operations open to anyone also read a bearer token when one is sent, and may then show the caller more."},
		"servers": []any{map[string]any{"url": "/", "description": "The server that serves this document"}},
		"paths":   paths,
		// The lifecycle table (consultation.Lifecycle), as the services
		// enforce it: which action may run in which state, where it leads.
		"x-lifecycle": lifecycleDoc(),
		"components": map[string]any{
			"schemas":         r.components,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}
}

func (s *Server) openAPI(c *fiber.Ctx) error { return c.JSON(OpenAPI()) }

// lifecycleDoc describes consultation.Lifecycle for the OpenAPI document.
func lifecycleDoc() []map[string]any {
	who := map[consultation.Who]string{consultation.Department: "department", consultation.Reviewer: "legal",
		consultation.Finalizer: "legal or admin", consultation.DepartmentOrLaw: "department, legal or admin", consultation.Public: "anyone"}
	var out []map[string]any
	for _, t := range consultation.Lifecycle {
		row := map[string]any{"action": string(t.Action), "from": t.From, "who": who[t.Who]}
		if t.To != "" {
			row["to"] = string(t.To)
		}
		out = append(out, row)
	}
	return out
}

// formFieldsSchema lists the JSON members of a request type as the text
// fields of a multipart form (api_attachments.go: a boolean is "true" or
// "false").
func formFieldsSchema(v any) map[string]any {
	out := map[string]any{}
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
			for k, s := range formFieldsSchema(reflect.Zero(f.Type).Interface()) { // embedded: its members are the form's
				out[k] = s
			}
			continue
		}
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = map[string]any{"type": "string"}
	}
	return out
}
