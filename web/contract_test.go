package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"yugongkai/web"
)

// contract checks API traffic against the OpenAPI document the server
// publishes, which is generated from the Go types (web/apischema.go).
// Every request env.do sends goes through it, so a response that differs
// from the document, a status the document does not list, or a request
// the document calls invalid that the server nevertheless accepts fails
// the test that sent it.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	contractOnce sync.Once
	theContract  *contract
	contractErr  error
)

func init() {
	// Non-JSON bodies the API sends: CSV reports, HTML and text redlines.
	text := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	}
	for _, ct := range []string{"text/csv", "text/html"} {
		openapi3filter.RegisterBodyDecoder(ct, text)
	}
}

// apiContract loads the published document once, validated as OpenAPI 3.
func apiContract(tb testing.TB) *contract {
	tb.Helper()
	contractOnce.Do(func() {
		raw, err := json.Marshal(web.OpenAPI())
		if err != nil {
			contractErr = err
			return
		}
		doc, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			contractErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contractErr = fmt.Errorf("the OpenAPI document is invalid: %w", err)
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			contractErr = err
			return
		}
		theContract = &contract{doc: doc, router: router}
	})
	if contractErr != nil {
		tb.Fatal(contractErr)
	}
	return theContract
}

// check validates one exchange. Requests outside the documented API
// (pages, feeds, unknown paths) are not checked. A request the document
// calls invalid must be refused with a 4xx; its error body is still
// checked against the document.
func (c *contract) check(method, target string, reqHeader http.Header, reqBody []byte, status int, header http.Header, body []byte) error {
	req, err := http.NewRequest(method, "http://yugongkai.test"+target, bytes.NewReader(reqBody))
	if err != nil {
		return err
	}
	req.Header = reqHeader.Clone()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return nil
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && (status < 400 || status >= 500) {
		return fmt.Errorf("%s %s answered %d to a request the OpenAPI document calls invalid: %v", method, target, status, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("%s %s: the %d response does not match the OpenAPI document: %v", method, target, status, shorten(err))
	}
	return nil
}

// shorten cuts the value dump kin-openapi appends to a schema error.
func shorten(err error) string {
	s := err.Error()
	for _, cut := range []string{"\nSchema:", "\nValue:"} {
		if i := strings.Index(s, cut); i > 0 {
			s = s[:i]
		}
	}
	return s
}
