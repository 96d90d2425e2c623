package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"yugongkai/internal/procstat"
)

// Comparison runs the yugongkai server and the baseline service as child
// processes on fresh data directories, one after the other, and drives the
// same load at each client count against both.
type Comparison struct {
	// Server is the yugongkai binary; Baseline the yugongkai-load binary
	// (run as "Baseline baseline -addr … -data …").
	Server, Baseline string
	// Clients lists the concurrencies to measure (e.g. 16, 64).
	Clients []int
	// Count is the comments sent per run; MaxTime bounds each run.
	Count   int
	MaxTime time.Duration
	// Log receives the children's stderr (nil: discarded).
	Log io.Writer
}

// Row is one concurrency of a comparison.
type Row struct {
	Clients  int     `json:"clients"`
	Server   Result  `json:"yugongkai"`
	Baseline Result  `json:"baseline"`
	Ratio    float64 `json:"throughput_ratio"`
	// CPURatio is the baseline's CPU per comment over the server's: the
	// throughput ratio the two would reach on a machine doing nothing else
	// once both are CPU-bound.
	CPURatio float64 `json:"cpu_ratio,omitempty"`
}

// adminPassword is the admin password of the throwaway server.
const adminPassword = "loadgen-admin-password-1"

// Run measures every concurrency.
func (cmp Comparison) Run(ctx context.Context) ([]Row, error) {
	var rows []Row
	for _, n := range cmp.Clients {
		row := Row{Clients: n}
		var err error
		if row.Baseline, err = cmp.runBaseline(ctx, n); err != nil {
			return nil, err
		}
		if row.Server, err = cmp.runServer(ctx, n); err != nil {
			return nil, err
		}
		if row.Baseline.PerSecond > 0 {
			row.Ratio = row.Server.PerSecond / row.Baseline.PerSecond
		}
		if row.Server.CPUPerComment > 0 {
			row.CPURatio = row.Baseline.CPUPerComment / row.Server.CPUPerComment
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (cmp Comparison) runBaseline(ctx context.Context, clients int) (Result, error) {
	dir, err := os.MkdirTemp("", "yugongkai-baseline-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	addr, err := freeAddr()
	if err != nil {
		return Result{}, err
	}
	cmd := exec.Command(cmp.Baseline, "baseline", "-addr", addr, "-data", dir)
	stop, err := cmp.child(ctx, addr, "/", cmd)
	if err != nil {
		return Result{}, err
	}
	defer stop()
	return measured(cmd, func() (Result, error) {
		return Run(ctx, Config{Target: "http://" + addr, Consultation: "baseline", Clients: clients, Count: cmp.Count, MaxTime: cmp.MaxTime})
	})
}

// measured runs a load and adds the CPU time the server process spent on
// it per accepted comment: on a machine shared with other work the
// throughput varies with the neighbours, the CPU a comment costs much less.
func measured(cmd *exec.Cmd, load func() (Result, error)) (Result, error) {
	before, okBefore := procstat.CPUTime(cmd.Process.Pid)
	res, err := load()
	after, okAfter := procstat.CPUTime(cmd.Process.Pid)
	if err == nil && okBefore && okAfter && res.Accepted > 0 {
		res.CPUPerComment = float64((after - before).Microseconds()) / 1000 / float64(res.Accepted)
	}
	if _, hwm, ok := procstat.Memory(cmd.Process.Pid); ok {
		res.PeakRSS = round2(float64(hwm) / (1 << 20))
	}
	return res, err
}

func (cmp Comparison) runServer(ctx context.Context, clients int) (Result, error) {
	dir, err := os.MkdirTemp("", "yugongkai-load-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	addr, err := freeAddr()
	if err != nil {
		return Result{}, err
	}
	cmd := exec.Command(cmp.Server, "-addr", addr, "-data", filepath.Join(dir, "data"), "-trusted-proxies", "127.0.0.1")
	cmd.Env = append(os.Environ(), "YUGONGKAI_ADMIN_PASSWORD="+adminPassword)
	stop, err := cmp.child(ctx, addr, "/readyz", cmd)
	if err != nil {
		return Result{}, err
	}
	defer stop()
	id, err := OpenConsultation(ctx, "http://"+addr, "admin", adminPassword)
	if err != nil {
		return Result{}, err
	}
	return measured(cmd, func() (Result, error) {
		return Run(ctx, Config{Target: "http://" + addr, Consultation: id, Clients: clients, Count: cmp.Count, MaxTime: cmp.MaxTime, Forwarded: true})
	})
}

// child starts cmd and waits until GET ready answers 2xx or 404 (the
// baseline has no readiness page); stop kills it.
func (cmp Comparison) child(ctx context.Context, addr, ready string, cmd *exec.Cmd) (stop func(), err error) {
	if cmp.Log != nil {
		cmd.Stderr = cmp.Log
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	deadline := time.Now().Add(60 * time.Second)
	for {
		if res, err := http.Get("http://" + addr + ready); err == nil {
			res.Body.Close()
			if res.StatusCode < 300 || res.StatusCode == 404 {
				return stop, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			stop()
			return nil, fmt.Errorf("loadgen: %s did not start on %s", cmd.Path, addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// OpenConsultation sets up a throwaway server for a run: as the admin it
// creates a department and a staff account, and as that staff member a
// consultation open for comment for 40 days, whose id it returns.
func OpenConsultation(ctx context.Context, base, admin, password string) (string, error) {
	var tok struct{ Token string }
	if err := call(ctx, base, "POST", "/api/v1/auth/login", "", map[string]string{"username": admin, "password": password}, &tok); err != nil {
		return "", err
	}
	var dept struct{ ID string }
	if err := call(ctx, base, "POST", "/api/v1/departments", tok.Token, map[string]string{"name": "压测县公安局"}, &dept); err != nil {
		return "", err
	}
	if err := call(ctx, base, "POST", "/api/v1/users", tok.Token, map[string]string{"username": "loadstaff", "password": "loadgen-staff-password-1", "role": "staff", "department_id": dept.ID}, nil); err != nil {
		return "", err
	}
	var staff struct{ Token string }
	if err := call(ctx, base, "POST", "/api/v1/auth/login", "", map[string]string{"username": "loadstaff", "password": "loadgen-staff-password-1"}, &staff); err != nil {
		return "", err
	}
	return newConsultation(ctx, base, staff.Token)
}

// newConsultation opens another consultation as the staff member whose
// token is tok (OpenConsultation's staff account), open for 40 days.
func newConsultation(ctx context.Context, base, tok string) (string, error) {
	var c struct{ ID string }
	if err := call(ctx, base, "POST", "/api/v1/consultations", tok, map[string]any{
		"title": "某县养犬管理办法（征求意见稿）", "procedure_type": "other", "explanation": "起草说明", "legal_basis": "《中华人民共和国动物防疫法》",
		"contact":  map[string]string{"department": "压测县公安局", "phone": "0571-12345678"},
		"channels": map[string]string{"email": "dog@example.gov.cn"},
		"text":     "第一条　为了规范养犬行为，制定本办法。\n第二条　养犬人应当依法登记。\n第三条　本办法自公布之日起施行。\n",
	}, &c); err != nil {
		return "", err
	}
	closes := time.Now().Add(40 * 24 * time.Hour).Format("2006-01-02")
	if err := call(ctx, base, "POST", "/api/v1/consultations/"+c.ID+"/publish", tok, map[string]string{"closes_at": closes}, nil); err != nil {
		return "", err
	}
	return c.ID, nil
}

func call(ctx context.Context, base, method, path, tok string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("loadgen: %s %s: HTTP %d: %s", method, path, res.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
