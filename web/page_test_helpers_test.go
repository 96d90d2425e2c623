package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// browser is a client of the pages: it keeps cookies like a browser and
// sends the CSRF token it was given with every form.
type browser struct {
	t       testing.TB
	e       *env
	cookies map[string]string
	lang    string
}

func (e *env) browser() *browser {
	return &browser{t: e.t, e: e, cookies: map[string]string{}}
}

// page is a rendered page.
type page struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

func (b *browser) send(req *http.Request) page {
	b.t.Helper()
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	// The pages' JSON download links reach the API with the session
	// cookie; those exchanges are checked against the OpenAPI document too.
	var reqBody []byte
	api := strings.HasPrefix(req.URL.Path, "/api/v1/")
	if api && req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	reqHeader := req.Header.Clone()
	res, err := b.e.srv.App.Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if api {
		if err := apiContract(b.t).check(req.Method, req.URL.RequestURI(), reqHeader, reqBody, res.StatusCode, res.Header, raw); err != nil {
			b.t.Error(err)
		}
	}
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return page{Status: res.StatusCode, Header: res.Header, Body: string(raw), Location: res.Header.Get("Location")}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	return b.send(httptest.NewRequest("GET", path, nil))
}

// csrf is the token the browser's forms carry (fetching a page first if
// the browser has none yet).
func (b *browser) csrf() string {
	if b.cookies["ygk_csrf"] == "" {
		b.get("/login")
	}
	return b.cookies["ygk_csrf"]
}

// post submits a form with the CSRF token.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf())
	}
	return b.postRaw(path, form)
}

// postRaw submits a form as given.
func (b *browser) postRaw(path string, form url.Values) page {
	b.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// postFile submits a multipart form with one file.
func (b *browser) postFile(path, field, name string, data []byte, form url.Values) page {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(data)
	w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(req)
}

// login logs in through the form and fails the test unless it worked.
func (b *browser) login(user, pass string) {
	b.t.Helper()
	p := b.post("/login", url.Values{"username": {user}, "password": {pass}})
	if p.Status != 303 || b.cookies["ygk_session"] == "" {
		b.t.Fatalf("login %s: status %d, session cookie %q; body %s", user, p.Status, b.cookies["ygk_session"], p.Body)
	}
}

// want fails unless the page has the status.
func (p page) want(t *testing.T, status int, what string) page {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d; body:\n%s", what, p.Status, status, p.Body)
	}
	return p
}

// has fails unless the page contains every string.
func (p page) has(t *testing.T, what string, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.Body, s) {
			t.Errorf("%s: page lacks %q", what, s)
		}
	}
}

// lacks fails if the page contains any of the strings.
func (p page) lacks(t *testing.T, what string, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if strings.Contains(p.Body, s) {
			t.Errorf("%s: page contains %q", what, s)
		}
	}
}

var formRE = regexp.MustCompile(`(?s)<form\b[^>]*>.*?</form>`)

// checkPage holds what every page must be: a lang attribute, one h1, and
// the CSRF field in every POST form.
func (p page) checkPage(t *testing.T, what, lang string) {
	t.Helper()
	if !strings.Contains(p.Body, `<html lang="`+lang+`">`) {
		t.Errorf("%s: no <html lang=%q>", what, lang)
	}
	if n := strings.Count(p.Body, "<h1"); n != 1 {
		t.Errorf("%s: %d h1 elements, want 1", what, n)
	}
	if strings.Contains(p.Body, " style=") || strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " onclick=") {
		t.Errorf("%s: inline style or script (forbidden by the CSP)", what)
	}
	for _, f := range formRE.FindAllString(p.Body, -1) {
		if strings.Contains(f, `method="post"`) && !strings.Contains(f, `name="_csrf" value="`) {
			t.Errorf("%s: a POST form without the CSRF field: %.200s", what, f)
		}
	}
}

// sendForm posts a form with extra headers.
func (b *browser) sendForm(path string, form url.Values, header ...string) page {
	b.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req)
}
