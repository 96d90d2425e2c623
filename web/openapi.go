package web

import (
	"strings"
	"sync"
	"yugongkai/consultation"

	"github.com/gofiber/fiber/v2"
)

// apiOperation describes one API route for the OpenAPI document. A test
// checks that every registered /api route has an entry, so the document
// cannot fall behind the code.
type apiOperation struct {
	Method, Path, Summary, Request string
	Auth                           string // "", "login", "staff", "legal", "admin"
	Params                         []string
}

var apiOperations = []apiOperation{
	{"POST", "/auth/login", "Log in; returns a bearer token (JWT, ≤ 1 h)", "Login", "", nil},
	{"POST", "/auth/register", "Register a resident account", "Registration", "", nil},
	{"POST", "/auth/logout", "Revoke every token of the current account", "", "login", nil},
	{"GET", "/me", "The current account", "", "login", nil},
	{"GET", "/departments", "List departments", "", "", nil},
	{"POST", "/departments", "Create a department", "Department", "admin", nil},
	{"GET", "/users", "List accounts", "", "admin", nil},
	{"POST", "/users", "Create an account with a role", "NewUser", "admin", nil},
	{"GET", "/calendar", "The working-day calendar in force", "", "", nil},
	{"PUT", "/calendar", "Load a year's holiday and make-up working-day schedule", "Calendar", "admin", nil},
	{"GET", "/consultations", "List consultations (filters: status, department, procedure_type; cursor pagination)", "", "", []string{"status", "department", "procedure_type", "cursor", "limit"}},
	{"POST", "/consultations", "Create a draft from a pasted legal text", "Draft", "staff", nil},
	{"GET", "/consultations/{id}", "A consultation", "", "", nil},
	{"PATCH", "/consultations/{id}", "Edit a draft (replaces the working version)", "Draft", "staff", nil},
	{"POST", "/consultations/{id}/publish", "Open the comment period (draft → open)", "Publish", "staff", nil},
	{"POST", "/consultations/{id}/extend", "Extend the comment period", "Extend", "staff", nil},
	{"POST", "/consultations/{id}/close", "Close the period early, with a reason (and a shortening_reason when the period run falls below the minimum)", "Close", "staff", nil},
	{"POST", "/consultations/{id}/withdraw", "Withdraw the draft decision, with a reason", "Reason", "staff", nil},
	{"GET", "/consultations/{id}/versions", "Versions visible to the caller", "", "", nil},
	{"GET", "/consultations/{id}/versions/{n}", "One version with its parsed articles", "", "", nil},
}

// registerOperations lets other files add their routes' descriptions.
func registerOperations(ops ...apiOperation) { apiOperations = append(apiOperations, ops...) }

var requestSchemas = map[string]any{
	"Login":        obj(props{"username": str(), "password": str()}, "username", "password"),
	"Registration": obj(props{"username": str(), "password": strMin(10), "phone": str(), "email": str()}, "username", "password"),
	"Department":   obj(props{"name": str()}, "name"),
	"NewUser": obj(props{"username": str(), "password": strMin(10), "role": enum("resident", "staff", "legal", "admin"),
		"department_id": str(), "phone": str(), "email": str()}, "username", "password", "role"),
	"Calendar": obj(props{"year": map[string]any{"type": "integer"}, "name": str(), "holidays": arr(str()), "workdays": arr(str())}, "holidays", "workdays"),
	"Draft": obj(props{
		"title": str(), "procedure_type": enum("major_decision", "rule", "normative_document", "other"), "department_id": str(),
		"explanation": str(), "legal_basis": str(),
		"contact":        obj(props{"department": str(), "phone": str(), "email": str(), "address": str()}),
		"channels":       obj(props{"online": boolean(), "postal_address": str(), "email": str()}),
		"market_related": boolean(), "allow_anonymous": boolean(), "moderation": boolean(), "text": str(),
	}),
	"Publish": obj(props{"opens_at": timeOrDate(), "closes_at": timeOrDate(), "shortening_reason": str()}, "closes_at"),
	"Extend":  obj(props{"closes_at": timeOrDate(), "reason": str()}, "closes_at", "reason"),
	"Reason":  obj(props{"reason": str()}, "reason"),
	"Close":   obj(props{"reason": str(), "shortening_reason": str()}, "reason"),
}

type props map[string]any

func obj(p props, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": p, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}
func str() map[string]any             { return map[string]any{"type": "string"} }
func strMin(n int) map[string]any     { return map[string]any{"type": "string", "minLength": n} }
func boolean() map[string]any         { return map[string]any{"type": "boolean"} }
func integer() map[string]any         { return map[string]any{"type": "integer"} }
func arr(items any) map[string]any    { return map[string]any{"type": "array", "items": items} }
func enum(v ...string) map[string]any { return map[string]any{"type": "string", "enum": v} }
func timeOrDate() map[string]any {
	return map[string]any{"type": "string", "description": "RFC 3339 timestamp, or a bare date (2026-12-31) meaning that day in Asia/Shanghai; a period closes at 24:00 of its end date"}
}

var errorSchema = obj(props{"error": obj(props{"code": str(), "message": str(),
	"fields": map[string]any{"type": "object", "additionalProperties": str()}}, "code", "message")}, "error")

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

// OpenAPI returns the OpenAPI 3 document of the API.
func OpenAPI() map[string]any {
	openAPIOnce.Do(func() {
		paths := map[string]any{}
		for _, op := range apiOperations {
			item, _ := paths["/api/v1"+op.Path].(map[string]any)
			if item == nil {
				item = map[string]any{}
				paths["/api/v1"+op.Path] = item
			}
			o := map[string]any{
				"summary": op.Summary,
				"responses": map[string]any{
					"200":     map[string]any{"description": "OK"},
					"default": map[string]any{"description": "Error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}},
				},
			}
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
			if op.Request != "" {
				o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + op.Request}}}}
			}
			if op.Auth != "" {
				o["security"] = []any{map[string]any{"bearer": []any{}}}
				o["x-role"] = op.Auth
			}
			item[strings.ToLower(op.Method)] = o
		}
		schemas := map[string]any{"Error": errorSchema}
		for k, v := range requestSchemas {
			schemas[k] = v
		}
		openAPIDoc = map[string]any{
			"openapi": "3.0.3",
			"info": map[string]any{"title": "yugongkai API", "version": "1",
				"description": "预公开 public consultation: drafts, comments, dispositions, review and publication. Errors are {\"error\":{\"code\",\"message\",\"fields\"}} in the request's language (Accept-Language: zh-CN default, en)."},
			"paths": paths,
			// The lifecycle table (consultation.Lifecycle), as the services
			// enforce it: which action may run in which state, where it leads.
			"x-lifecycle": lifecycleDoc(),
			"components": map[string]any{
				"schemas":         schemas,
				"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
			},
		}
	})
	return openAPIDoc
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
