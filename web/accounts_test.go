package web_test

import (
	"bytes"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// userID finds an account's id in the admin's list.
func (e *env) userID(admin, username string) string {
	e.t.Helper()
	r := e.want(e.do("GET", "/api/v1/users", admin, nil), 200, "users")
	for _, it := range r.JSON["items"].([]any) {
		if m := it.(map[string]any); m["username"] == username {
			return m["id"].(string)
		}
	}
	e.t.Fatalf("no user %s", username)
	return ""
}

// TestAccountAdministration: disabling, role changes and password resets
// take effect on the tokens at once, on both stores; an administrator
// cannot lock themselves out; every action is in the audit log, no
// password is.
func TestAccountAdministration(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		var audit lockedBuffer
		e.auth.Log = slog.New(slog.NewJSONHandler(&audit, nil))
		w := e.world()
		staffB := e.userID(w.admin, "staffb")
		e.want(e.do("GET", "/api/v1/me", w.staffB, nil), 200, "staffB before")

		e.want(e.do("PATCH", "/api/v1/users/"+staffB, w.staffA, map[string]any{"disabled": true}), 403, "staff disabling")
		e.want(e.do("PATCH", "/api/v1/users/"+staffB, w.admin, map[string]any{"disabled": true}), 200, "disable")
		e.want(e.do("GET", "/api/v1/me", w.staffB, nil), 401, "a disabled account's token")
		r := e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "staffb", "password": "password-staffb"}), 403, "disabled login")
		if !strings.Contains(r.errMessage(), "停用") {
			t.Errorf("disabled login: %q", r.errMessage())
		}
		e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "staffb", "password": "wrong-password"}), 401, "disabled, wrong password: no disclosure")
		e.want(e.do("PATCH", "/api/v1/users/"+staffB, w.admin, map[string]any{"disabled": false}), 200, "enable")
		w.staffB = e.login("staffb", "password-staffb")

		// Role and department: the old token carries the old role.
		e.want(e.do("PATCH", "/api/v1/users/"+staffB, w.admin, map[string]any{"role": "staff", "department_id": ""}), 422, "staff without a department")
		e.want(e.do("PATCH", "/api/v1/users/"+staffB, w.admin, map[string]any{"role": "staff", "department_id": "nosuchdept"}), 422, "unknown department")
		u := e.want(e.do("PATCH", "/api/v1/users/"+staffB, w.admin, map[string]any{"department_id": w.deptA}), 200, "move department")
		if u.str("department_id") != w.deptA {
			t.Errorf("department after the move: %s", u.Body)
		}
		e.want(e.do("GET", "/api/v1/me", w.staffB, nil), 401, "token of the old department")
		me := e.want(e.do("GET", "/api/v1/me", e.login("staffb", "password-staffb"), nil), 200, "new login")
		if me.str("department_id") != w.deptA {
			t.Errorf("me after the move: %s", me.Body)
		}

		// An administrator cannot lock themselves out.
		admin := e.userID(w.admin, "admin")
		e.want(e.do("PATCH", "/api/v1/users/"+admin, w.admin, map[string]any{"disabled": true}), 409, "disable oneself")
		e.want(e.do("PATCH", "/api/v1/users/"+admin, w.admin, map[string]any{"role": "staff", "department_id": w.deptA}), 409, "demote oneself")

		// Password reset: shown once, must be changed first.
		legal := e.userID(w.admin, "legal")
		e.want(e.do("POST", "/api/v1/users/"+legal+"/password-reset", w.staffA, nil), 403, "staff resetting")
		pw := e.want(e.do("POST", "/api/v1/users/"+legal+"/password-reset", w.admin, nil), 200, "reset").str("temporary_password")
		if len(pw) < 16 {
			t.Fatalf("temporary password %q", pw)
		}
		e.want(e.do("GET", "/api/v1/me", w.legal, nil), 401, "the old token after a reset")
		e.want(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "legal", "password": "password-legal"}), 401, "the old password")
		tok := e.login("legal", pw)
		if got := e.want(e.do("GET", "/api/v1/me", tok, nil), 200, "me while it must change").JSON["must_change_password"]; got != true {
			t.Errorf("must_change_password = %v, want true", got)
		}
		r = e.want(e.do("GET", "/api/v1/review-queue", tok, nil), 403, "anything else before the change")
		if !strings.Contains(r.errMessage(), "修改密码") {
			t.Errorf("refusal before the change: %q", r.errMessage())
		}
		e.want(e.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": "wrong-one-x", "new_password": "new-password-legal"}), 401, "wrong old password")
		e.want(e.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": pw, "new_password": "short"}), 422, "short new password")
		e.want(e.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": pw, "new_password": "new-password-legal"}), 204, "change")
		e.want(e.do("GET", "/api/v1/me", tok, nil), 401, "the token used to change it")
		tok = e.login("legal", "new-password-legal")
		if got := e.want(e.do("GET", "/api/v1/me", tok, nil), 200, "me after the change").JSON["must_change_password"]; got != false {
			t.Errorf("must_change_password after the change = %v", got)
		}

		// Departments are renamed, names stay unique.
		e.want(e.do("PATCH", "/api/v1/departments/"+w.deptA, w.admin, map[string]string{"name": "县公安局治安大队"}), 200, "rename")
		e.want(e.do("PATCH", "/api/v1/departments/"+w.deptA, w.admin, map[string]string{"name": "县农业农村局"}), 409, "a taken name")
		e.want(e.do("PATCH", "/api/v1/departments/"+w.deptA, w.staffA, map[string]string{"name": "x"}), 403, "staff renaming")

		log := audit.String()
		for _, want := range []string{`"audit":"account.updated"`, `"audit":"account.password_reset"`, `"audit":"department.renamed"`, `"target":"staffb"`, `"actor":"admin"`} {
			if !strings.Contains(log, want) {
				t.Errorf("audit log lacks %s:\n%s", want, log)
			}
		}
		if strings.Contains(log, pw) || strings.Contains(log, "new-password-legal") {
			t.Error("a password is in the audit log")
		}
	})
}

// TestAccountPages: the administrator disables and resets through the admin
// page; a user whose password was reset is taken to the password page and
// can do nothing else until it is changed.
func TestAccountPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	w := e.world()
	legal := e.userID(w.admin, "legal")
	admin := e.browser()
	admin.login("admin", "admin-password-1")
	page := admin.get("/admin/").want(t, 200, "admin page")
	page.has(t, "account actions", `action="/admin/users/`+legal+`/disabled"`, `action="/admin/users/`+legal+`/password-reset"`, "重置密码")
	admin.post("/admin/users/"+legal+"/disabled", url.Values{"disabled": {"1"}}).want(t, 303, "disable")
	admin.get("/admin/?done=disabled").want(t, 200, "after").has(t, "disabled", "账户已停用", "已停用")
	admin.post("/admin/users/"+legal+"/disabled", url.Values{"disabled": {"0"}}).want(t, 303, "enable")
	reset := admin.post("/admin/users/"+legal+"/password-reset", nil).want(t, 200, "reset")
	reset.has(t, "reset", "已重置 legal 的密码")
	start := strings.Index(reset.Body, `class="mono reset-password">`)
	if start < 0 {
		t.Fatal("no password shown")
	}
	pw := reset.Body[start+len(`class="mono reset-password">`):]
	pw = pw[:strings.Index(pw, "<")]

	b := e.browser()
	b.login("legal", pw)
	p := b.get("/legal/")
	if p.Status != 303 || p.Location != "/me/password" {
		t.Fatalf("a user who must change the password got %d %q, want a redirect to /me/password", p.Status, p.Location)
	}
	b.get("/me/password").want(t, 200, "password page").has(t, "forced", "管理员已重置您的密码")
	b.post("/me/password", url.Values{"old_password": {pw}, "new_password": {"new-password-legal"}, "confirm_password": {"other-password-x"}}).
		want(t, 422, "mismatch").has(t, "mismatch", "两次输入的新密码不一致")
	done := b.post("/me/password", url.Values{"old_password": {pw}, "new_password": {"new-password-legal"}, "confirm_password": {"new-password-legal"}}).want(t, 303, "changed")
	if done.Location != "/login?changed=1" {
		t.Errorf("after the change: %q", done.Location)
	}
	b.get("/login?changed=1").want(t, 200, "login").has(t, "notice", "密码已修改，请用新密码登录")
	b.login("legal", "new-password-legal")
	b.get("/legal/").want(t, 200, "legal queue after the change")
}
