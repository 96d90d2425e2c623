// Command yugongkai serves the public consultation platform.
//
//	yugongkai [-addr :8080] [-data ./data] [-demo]   serve (embedded store)
//	MONGODB_URI=mongodb://... yugongkai             serve on MongoDB
//	yugongkai verify [-data DIR | -mongodb-uri URI]  check every history chain
//	yugongkai reindex [-data DIR | -mongodb-uri URI] rebuild the search index
//	yugongkai healthcheck                            ask the local server's /healthz
//	yugongkai backup -to FILE [-data DIR]            copy the embedded store while it serves
//	yugongkai restore -from FILE [-data DIR]         bring a backup back into a data directory
//
// main only reads configuration and wires the packages together.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"yugongkai/attachment"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/demo"
	"yugongkai/mongodb"
	"yugongkai/notify"
	"yugongkai/ratelimit"
	"yugongkai/search"
	"yugongkai/sqlite"
	"yugongkai/surveys"
	"yugongkai/token"
	"yugongkai/web"
)

// nearBusyWindow is how long after a request starts the server counts as
// busy for the near-duplicate pass (comments.Service.NearBusy): it rests
// then, and runs unpaced when no one has been served for that long. The
// dispositions page polls the pass's state once a second, which alone
// paces it a fifth of the time.
const nearBusyWindow = 200 * time.Millisecond

func main() {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck(os.Getenv))
	}
	if len(os.Args) > 1 && os.Args[1] == "reindex" {
		if err := reindex(context.Background(), os.Args[2:], os.Getenv, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "yugongkai reindex:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && (os.Args[1] == "backup" || os.Args[1] == "restore") {
		cmd := backup
		if os.Args[1] == "restore" {
			cmd = restore
		}
		if err := cmd(context.Background(), os.Args[2:], os.Getenv, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintf(os.Stderr, "yugongkai %s: %v\n", os.Args[1], err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "verify" {
		if err := verify(context.Background(), os.Args[2:], os.Getenv, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "yugongkai verify:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "yugongkai:", err)
		os.Exit(1)
	}
}

// config is everything read from flags and the environment.
type config struct {
	addr, dataDir, mongoURI string
	jwtSecret, adminPass    string
	logKey                  string // YUGONGKAI_LOG_KEY: the note signer key of the comments' tree heads
	demo                    bool
	trustedProxies          []netip.Prefix
	baseURL                 string
	commentRate, loginRate  int // per minute per IP and per account
	metricsAddr             string
	metricsExplicit         bool          // -metrics-addr or YUGONGKAI_METRICS_ADDR was given
	pprof                   bool          // serve /debug/pprof/ beside /metrics
	contactRetention        time.Duration // expire.go
}

func readConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("yugongkai", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{}
	def := func(env, fallback string) string {
		if v := getenv(env); v != "" {
			return v
		}
		return fallback
	}
	fs.StringVar(&cfg.addr, "addr", def("YUGONGKAI_ADDR", ":8080"), "listen address (YUGONGKAI_ADDR)")
	fs.StringVar(&cfg.dataDir, "data", def("YUGONGKAI_DATA", "data"), "data directory (YUGONGKAI_DATA)")
	fs.StringVar(&cfg.mongoURI, "mongodb-uri", getenv("MONGODB_URI"), "MongoDB URI; switches from the embedded store (MONGODB_URI)")
	fs.BoolVar(&cfg.demo, "demo", false, "load demo departments, accounts and consultations")
	fs.IntVar(&cfg.commentRate, "comment-rate", intEnv(getenv, "YUGONGKAI_COMMENT_RATE", 30), "public writes (comments) per minute per IP and per account (YUGONGKAI_COMMENT_RATE)")
	fs.IntVar(&cfg.loginRate, "login-rate", intEnv(getenv, "YUGONGKAI_LOGIN_RATE", 5), "failed logins per account and client IP before growing delays (1 s doubling to 15 min); 4× that per minute per IP, 20× per 15 minutes per account from all addresses (YUGONGKAI_LOGIN_RATE)")
	baseURL := fs.String("base-url", getenv("YUGONGKAI_BASE_URL"), "public address of the site, origin of absolute links such as the feeds; default http://localhost:PORT of -addr (YUGONGKAI_BASE_URL)")
	proxies := fs.String("trusted-proxies", getenv("YUGONGKAI_TRUSTED_PROXIES"), "comma-separated addresses and CIDRs of the reverse proxies whose X-Forwarded-For is believed (YUGONGKAI_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.metricsAddr, "metrics-addr", def("YUGONGKAI_METRICS_ADDR", defaultMetricsAddr), "listen address of GET /metrics (Prometheus), apart from the public one; \"\" turns it off (YUGONGKAI_METRICS_ADDR)")
	fs.BoolVar(&cfg.pprof, "pprof", getenv("YUGONGKAI_PPROF") != "", "also serve Go's profiles (/debug/pprof/) on the metrics address, for measuring (YUGONGKAI_PPROF)")
	retention := fs.String("contact-retention", def("YUGONGKAI_CONTACT_RETENTION", "180d"), "how long commenters' and followers' contact details are kept after the decision is published or the consultation withdrawn: days (180d) or a duration (YUGONGKAI_CONTACT_RETENTION)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	var rerr error
	if cfg.contactRetention, rerr = parseRetention(*retention); rerr != nil {
		return cfg, rerr
	}
	cfg.metricsExplicit = getenv("YUGONGKAI_METRICS_ADDR") != ""
	fs.Visit(func(f *flag.Flag) { cfg.metricsExplicit = cfg.metricsExplicit || f.Name == "metrics-addr" })
	if getenv("YUGONGKAI_TRUST_PROXY") != "" {
		return cfg, errors.New("YUGONGKAI_TRUST_PROXY is no longer supported: list the proxies in YUGONGKAI_TRUSTED_PROXIES (e.g. 10.0.0.0/8)")
	}
	var err error
	if cfg.trustedProxies, err = web.ParseTrustedProxies(*proxies); err != nil {
		return cfg, err
	}
	if *baseURL == "" {
		_, port, _ := net.SplitHostPort(cfg.addr)
		if port == "" {
			port = "80"
		}
		*baseURL = "http://localhost:" + port
	}
	if cfg.baseURL, err = web.ParseBaseURL(*baseURL); err != nil {
		return cfg, err
	}
	cfg.jwtSecret = getenv("YUGONGKAI_JWT_SECRET")
	cfg.logKey = getenv("YUGONGKAI_LOG_KEY")
	cfg.adminPass = getenv("YUGONGKAI_ADMIN_PASSWORD")
	return cfg, nil
}

// intEnv reads a positive integer from the environment, or def.
func intEnv(getenv func(string) string, key string, def int) int {
	if n, err := strconv.Atoi(getenv(key)); err == nil && n > 0 {
		return n
	}
	return def
}

func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return slog.New(web.LogHandler(slog.NewTextHandler(w, nil)))
		}
	}
	// web.LogHandler adds the request id to every line logged while
	// handling a request, the domain services' included.
	return slog.New(web.LogHandler(slog.NewJSONHandler(w, nil)))
}

// stores is the chosen backend.
// searchStore is a store's search index with its queue.
type searchStore interface {
	search.BatchIndex
	search.Queue
}

type stores struct {
	// logVerifier is the verifier key of the log key, when known (offline
	// commands: YUGONGKAI_LOG_KEY or the data directory's log.key).
	logVerifier   string
	auth          auth.Store
	consultations consultation.Store
	comments      comments.Store
	blobs         attachment.Store // attached files' bytes
	surveys       surveys.Store
	search        searchStore
	outbox        notify.Store // notify.go
	ping          func(context.Context) error
	writeStats    func() (batches, writes int64)
	close         func() error
}

func openStores(ctx context.Context, cfg config) (*stores, error) {
	if cfg.mongoURI != "" {
		db, err := mongodb.Open(ctx, cfg.mongoURI)
		if err != nil {
			return nil, fmt.Errorf("open MongoDB: %w", err)
		}
		// Commands whose commit record was written but whose projections
		// were not (a crash between the two) are rolled forward before
		// anything is served.
		if _, err := db.Repair(ctx); err != nil {
			_ = db.Close(context.Background())
			return nil, fmt.Errorf("roll the MongoDB commit log forward: %w", err)
		}
		return &stores{auth: db, consultations: db, comments: db.Comments(), blobs: db.Blobs(), surveys: db.Surveys(), search: db.Search(), outbox: db, ping: db.Ping,
			close: func() error { return db.Close(context.Background()) }}, nil
	}
	unlock, err := lockDataDir(cfg.dataDir)
	if err != nil {
		return nil, err
	}
	if err := restrictDatabaseFiles(cfg.dataDir); err != nil {
		unlock()
		return nil, err
	}
	db, err := sqlite.Open(ctx, cfg.dataDir)
	if err == nil {
		err = restrictDatabaseFiles(cfg.dataDir)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		unlock()
		return nil, fmt.Errorf("open embedded store in %s: %w", cfg.dataDir, err)
	}
	return &stores{auth: db.Auth(), consultations: db.Consultations(), comments: db.Comments(), blobs: db.Blobs(), surveys: db.Surveys(), search: db.Search(), outbox: db, ping: db.Ping,
		writeStats: db.WriteStats, close: func() error { return errors.Join(db.Close(), unlock()) }}, nil
}

// jwtSecret returns YUGONGKAI_JWT_SECRET, or a secret generated once and
// kept in the data directory with mode 0600.
func jwtSecret(cfg config, log *slog.Logger) ([]byte, error) {
	if cfg.jwtSecret != "" {
		if len(cfg.jwtSecret) < 32 {
			return nil, errors.New("YUGONGKAI_JWT_SECRET must be at least 32 characters")
		}
		return []byte(cfg.jwtSecret), nil
	}
	if cfg.mongoURI != "" {
		log.Warn("YUGONGKAI_JWT_SECRET is not set: using a secret kept in the data directory; every instance behind a load balancer needs the same secret")
	}
	if err := os.MkdirAll(cfg.dataDir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(cfg.dataDir, "jwt.secret")
	if b, err := os.ReadFile(path); err == nil {
		secret := strings.TrimSpace(string(b))
		if len(secret) < 32 {
			return nil, fmt.Errorf("%s is shorter than 32 characters", path)
		}
		return []byte(secret), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	log.Info("generated a JWT secret", "path", path)
	return []byte(secret), nil
}

func randomPassword() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := readConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	memBudget, restoreMemLimit := limitMemory(ctx, getenv) // memory.go
	defer restoreMemLimit()

	st, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	metrics := web.NewMetrics()
	timeStores(st, metrics)
	secret, err := jwtSecret(cfg, log)
	if err != nil {
		return err
	}
	signer, err := token.NewSigner(secret, time.Hour, time.Now)
	if err != nil {
		return err
	}
	authSvc := auth.NewService(st.auth)
	authSvc.Log = log
	consSvc := consultation.NewService(st.consultations, st.auth)
	consSvc.Log = log
	commentSvc := comments.NewService(st.comments, consSvc)
	commentSvc.Blobs = st.blobs
	consSvc.Blobs = st.blobs
	consSvc.Facts = commentSvc.Facts
	consSvc.VerifyRecord = commentSvc.VerifyRecord
	consSvc.LogHead, consSvc.ArchiveLog = commentSvc.SignedLogHead, commentSvc.ArchiveLog
	consSvc.AnswerNotices = commentSvc.AnswerNotifications // the outbox of the decision's publication
	consSvc.FollowerNotices = notify.FanOut                // one fan-out row per event followers hear of
	logSigner, logVerifier, err := logKey(cfg, log)
	if err != nil {
		return err
	}
	commentSvc.SignHead, commentSvc.LogKey = headSigner(logSigner), logVerifier
	searchSvc := &search.Service{Index: st.search, Queue: st.search, Versions: st.consultations,
		Records: search.StoreRecords{Consultations: st.consultations, Comments: st.comments}, Now: time.Now,
		Shared: cfg.mongoURI != ""} // instances on one MongoDB drain one queue
	consSvc.OnChange = searchSvc.FollowConsultation
	commentSvc.OnChange = searchSvc.FollowComment
	commentSvc.OnSubmit = searchSvc.Kick
	// Index jobs a crash left between a commit and the index are applied
	// before anything is served.
	if n, err := searchSvc.Drain(ctx); err != nil {
		return fmt.Errorf("catch the search index up: %w", err)
	} else if n > 0 {
		log.Info("search index caught up with jobs left by the previous run", "jobs", n)
	}
	go searchSvc.Run(ctx, time.Second, func(err error) { log.Error("search index queue", "err", err) })
	go sealHourly(ctx, consSvc, log)
	if h, ok := st.outbox.(contactHolders); ok { // expire.go
		commentSvc.ContactHolders = h.ContactHolders
	}
	go sweepContacts(ctx, commentSvc, cfg.contactRetention, log)
	if n, err := comments.SweepImportSpools("", time.Now().Add(-time.Hour)); err != nil {
		log.Warn("remove import spools left by a crash", "err", err)
	} else if n > 0 {
		log.Info("removed import spools left by a crash", "files", n)
	}
	notifySvc, codeSender, err := startNotify(ctx, getenv, st, consSvc, secret, cfg.baseURL, log) // notify.go
	if err != nil {
		return err
	}
	if err := wireAccounts(ctx, authSvc, st, secret, codeSender, log); err != nil { // accounts.go
		return err
	}
	commentSvc.Codes = authSvc.Codes // erasing a comment's contact by a code, lost receipts

	pass := cfg.adminPass
	if pass != "" {
		if err := auth.CheckAdminPassword(pass); err != nil {
			return fmt.Errorf("YUGONGKAI_ADMIN_PASSWORD %w", err)
		}
	}
	if pass == "" {
		pass = randomPassword()
	}
	created, err := authSvc.EnsureAdmin(ctx, pass)
	if err != nil {
		return fmt.Errorf("create admin account: %w", err)
	}
	if created && cfg.adminPass == "" {
		fmt.Fprintf(stdout, "Created administrator account: admin / %s (shown once; change it after logging in)\n", pass)
	} else if created {
		fmt.Fprintln(stdout, "Created administrator account: admin (password from YUGONGKAI_ADMIN_PASSWORD)")
	}
	if cfg.demo {
		accounts, err := demo.Load(ctx, demo.Services{Auth: authSvc, Consultations: consSvc, Comments: commentSvc})
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		fmt.Fprintln(stdout, "Demo data loaded. Accounts:")
		for _, a := range accounts {
			fmt.Fprintf(stdout, "  %-10s %-12s %s\n", a.Role, a.Username, a.Password)
		}
	}

	srv := web.New(web.Config{Auth: authSvc, Consultations: consSvc, Comments: commentSvc, Search: searchSvc, Tokens: signer, Log: log,
		Ready: st.ping, WriteStats: st.writeStats, TrustedProxies: cfg.trustedProxies, BaseURL: cfg.baseURL, Metrics: metrics, Notify: notifySvc,
		ContactRetention: cfg.contactRetention,
		Surveys:          surveys.NewService(st.surveys, consSvc),
		Limits: web.Limits{
			WritePerIP:      ratelimit.New(cfg.commentRate, time.Minute),
			WritePerAccount: ratelimit.New(cfg.commentRate, time.Minute),
			LoginPerSource:  ratelimit.NewBackoff(cfg.loginRate, time.Second, 15*time.Minute),
			LoginPerAccount: ratelimit.New(20*cfg.loginRate, 15*time.Minute),
			LoginPerIP:      ratelimit.New(4*cfg.loginRate, time.Minute),
		}})
	// The near-duplicate pass rests only while someone is being served
	// (passes start from requests, so none runs before this is set).
	commentSvc.NearBusy = func() bool { return srv.Busy(nearBusyWindow) }
	if err := serveMetrics(ctx, cfg.metricsAddr, cfg.metricsExplicit, cfg.pprof, metrics, log); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.App.Listen(cfg.addr) }()
	log.Info("serving", "addr", cfg.addr, "store", storeName(cfg), "memory_budget_mib", memBudget>>20, "go_memory_limit_mib", debug.SetMemoryLimit(-1)>>20)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.App.ShutdownWithContext(shutdownCtx)
	commentSvc.WaitSends() // lost receipts being sent (each bounded to a minute)
	commentSvc.StopNear()  // near-duplicate passes: cancelled, the next request starts one
	return err
}

func storeName(cfg config) string {
	if cfg.mongoURI != "" {
		return "mongodb"
	}
	return "sqlite:" + cfg.dataDir
}

// healthcheck asks the local server's /healthz; used by the container's
// HEALTHCHECK, where no shell or curl exists.
func healthcheck(getenv func(string) string) int {
	addr := getenv("YUGONGKAI_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	if strings.HasPrefix(addr, ":") {
		addr = "127.0.0.1" + addr
	}
	client := http.Client{Timeout: 3 * time.Second}
	res, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

// sealHourly records, for every consultation receiving comments, the
// comments' tree head in its chain at least once an hour
// (consultation.Service.Seal; the period's end, the review and the
// publication seal too).
func sealHourly(ctx context.Context, svc *consultation.Service, log *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, st := range []consultation.State{consultation.Open, consultation.Closed} {
			cursor := ""
			for {
				list, next, err := svc.Store.Consultations(ctx, consultation.ListFilter{Status: st, Now: time.Now(), Cursor: cursor, Limit: 100})
				if err != nil {
					log.Error("hourly seal", "err", err)
					break
				}
				for _, c := range list {
					if _, err := svc.Seal(ctx, c.ID); err != nil && ctx.Err() == nil {
						log.Error("hourly seal", "consultation", c.ID, "err", err)
					}
				}
				if next == "" {
					break
				}
				cursor = next
			}
		}
	}
}
