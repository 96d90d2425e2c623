package web_test

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signedWithoutIssuedAt is a token signed with the test secret that lacks
// the iat claim.
func signedWithoutIssuedAt(t testing.TB, now time.Time) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "someone", "iss": "yugongkai", "aud": "yugongkai-api",
		"exp": now.Add(time.Hour).Unix(), "nbf": now.Unix(), "jti": "x", "ver": 0})
	raw, err := tok.SignedString([]byte("test-secret-test-secret-test-secret!"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestRequestEdge(t *testing.T) {
	e := newEnv(t, "sqlite")
	big := strings.Repeat("a", 5<<10)
	tests := []struct {
		name   string
		path   string
		header []string
		want   int
	}{
		{"LongURL", "/consultations?q=" + big, nil, 414},
		{"LongAPIURL", "/api/v1/consultations?q=" + big, nil, 414},
		{"LongHeader", "/", []string{"X-Junk", big}, 431},
		{"LongCookie", "/", []string{"Cookie", "ygk_session=" + big}, 431},
		{"TokenWithoutIssuedAt", "/api/v1/me", []string{"Authorization", "Bearer " + signedWithoutIssuedAt(t, T0)}, 401},
		{"CookieWithoutIssuedAt", "/", []string{"Cookie", "ygk_session=" + signedWithoutIssuedAt(t, T0)}, 200},
		{"JustUnderTheLimit", "/api/v1/consultations?q=" + strings.Repeat("a", 3<<10), nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("GET", tt.path, "", nil, tt.header...)
			if r.Status != tt.want {
				t.Errorf("GET %.40s… status %d, want %d; body %.200s", tt.path, r.Status, tt.want, r.Body)
			}
		})
	}
	// Beyond the read buffer fasthttp refuses the request before any
	// handler; app.Test reports that as an error, so a real listener.
	t.Run("BeyondTheReadBuffer", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go e.srv.App.Listener(ln)
		defer e.srv.App.Shutdown()
		huge := strings.Repeat("a", 20<<10)
		for _, raw := range []string{
			"GET /?q=" + huge + " HTTP/1.1\r\nHost: x\r\n\r\n",
			"GET / HTTP/1.1\r\nHost: x\r\nX-Junk: " + huge + "\r\n\r\n",
		} {
			// A raw connection: the server answers before reading the
			// whole request, which net/http's client reports as a reset.
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			conn.Write([]byte(raw))
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("reading the answer to 20 KiB of URL or header: %v", err)
			}
			res.Body.Close()
			conn.Close()
			if res.StatusCode != 431 {
				t.Errorf("20 KiB of URL or header: status %d, want 431", res.StatusCode)
			}
		}
	})
}

// FuzzRequestEdge sends arbitrary header, query and cookie values to pages
// and API routes: nothing a client sends may produce a 5xx. The seeds run
// in the normal test; go test -fuzz=FuzzRequestEdge ./web/ explores more.
func FuzzRequestEdge(f *testing.F) {
	e := newEnv(f, "sqlite")
	tok := signedWithoutIssuedAt(f, T0)
	f.Add(uint8(0), "Accept-Language", "en;q=abc", "lang=xx&next=%09//evil", "ygk_session=x")
	f.Add(uint8(1), "Authorization", "Bearer "+tok, "cursor=%ff%fe", "ygk_csrf="+strings.Repeat("A", 43))
	f.Add(uint8(2), "X-Forwarded-For", "1.2.3.4, ::1, junk", "q=%E4%B8%AD&page=-1", "lang=en; ygk_session="+tok)
	f.Add(uint8(3), "Cookie", "ygk_session=a.b.c", "limit=99999999999999999999", "")
	f.Add(uint8(4), "X-Junk", strings.Repeat("x", 5000), strings.Repeat("q=a&", 1200), "a=b")
	f.Add(uint8(5), "Content-Type", "application/json; charset=\xff", "next=/\\evil.example", "ygk_session=")
	f.Add(uint8(6), "Origin", "null", "_csrf=abc", "ygk_csrf=abc")
	f.Add(uint8(7), "Authorization", "Bearer", "state=open&department=%00", "ygk_session=eyJhbGciOiJub25lIn0.e30.")
	paths := []string{"/", "/login", "/consultations", "/api/v1/consultations", "/api/v1/me", "/search", "/api/v1/search", "/feed.xml"}
	f.Fuzz(func(t *testing.T, which uint8, name, value, query, cookie string) {
		path := paths[int(which)%len(paths)]
		method := "GET"
		if which&0x80 != 0 {
			method = "POST"
		}
		u, err := url.Parse("http://example.com" + path + "?" + query)
		if err != nil {
			return
		}
		req, err := http.NewRequest(method, u.String(), nil)
		if err != nil {
			return
		}
		req.Header.Set(name, value)
		if cookie != "" {
			req.Header.Add("Cookie", cookie)
		}
		res, err := e.srv.App.Test(req, -1)
		if err != nil {
			return // not a request net/http can write
		}
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%s %s?%q with %s: %q, Cookie %q: status %d", method, path, query, name, value, cookie, res.StatusCode)
		}
	})
}
