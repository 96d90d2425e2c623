// Package mongotest runs the MongoDB store's tests against a server started
// inside the test process: FerretDB with its SQLite backend, so no MongoDB
// needs to be installed. Set MONGODB_TEST_URI to also run them against a
// real MongoDB (see Targets).
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/mongodb"
)

// EnvURI names the environment variable holding the URI of a real MongoDB
// server to test against as well, e.g.
// "mongodb://localhost:27017/?replicaSet=rs0". Each test uses (and drops) a
// database of its own on it.
const EnvURI = "MONGODB_TEST_URI"

var server struct {
	once   sync.Once
	uri    string
	err    error
	dir    string
	cancel context.CancelFunc
	done   chan struct{}
}

// Start starts the embedded FerretDB on first use — one per test process —
// and returns its URI. The URI limits the client to one connection because
// FerretDB v1 loses concurrent updates of one document made over several
// connections.
func Start(tb testing.TB) (uri string) {
	tb.Helper()
	server.once.Do(start)
	if server.err != nil {
		tb.Fatalf("mongotest: start FerretDB: %v", server.err)
	}
	return server.uri
}

func start() {
	// FerretDB's SQLite files go to memory when the machine has a tmpfs
	// (/dev/shm): the tests need no durability, and fsync is what they
	// would otherwise wait on.
	dir, err := os.MkdirTemp(tmpfsOrDefault(), "yugongkai-ferretdb-")
	if err != nil {
		server.err = err
		return
	}
	// FerretDB logs every connection at info level; only its warnings and
	// errors are worth seeing, and the go tool shows them for failing
	// packages.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    logger,
	})
	if err != nil {
		os.RemoveAll(dir)
		server.err = err
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	// MongoDBURI waits until the listener is bound.
	server.uri = f.MongoDBURI() + "?maxPoolSize=1"
	server.dir, server.cancel, server.done = dir, cancel, done
}

// Serialize accepts connections on l until it is closed and relays them to
// the server at host, one command at a time across all of them, for tests
// that run several processes on one database (StartProcess). FerretDB v1
// runs an update as a query and then a write in separate transactions, so
// two connections updating one document can lose an update, filters
// included; MongoDB applies each command to a document atomically. With
// the commands serialized FerretDB gives at least that (and more: a
// multi-document command is atomic too).
func Serialize(l net.Listener, host string) {
	var one sync.Mutex
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go relay(conn, host, &one)
	}
}

// relay passes a client's commands to FerretDB over a connection of its
// own, each command with its reply while holding one. The wire protocol
// is one reply per command here: FerretDB v1 streams nothing (no
// awaitable hello, no exhaust cursors) and the store never writes
// unacknowledged.
func relay(client net.Conn, host string, one *sync.Mutex) {
	defer client.Close()
	up, err := net.Dial("tcp", host)
	if err != nil {
		return
	}
	defer up.Close()
	for {
		req, err := readMessage(client)
		if err != nil {
			return
		}
		one.Lock()
		_, err = up.Write(req)
		var reply []byte
		if err == nil {
			reply, err = readMessage(up)
		}
		one.Unlock()
		if err != nil {
			return
		}
		if _, err := client.Write(reply); err != nil {
			return
		}
	}
}

// readMessage reads one wire protocol message: its length comes first.
func readMessage(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(head[:])
	if n < 16 || n > 64<<20 {
		return nil, errors.New("mongotest: bad message length")
	}
	msg := make([]byte, n)
	copy(msg, head[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

var process struct {
	once sync.Once
	uri  string
	err  error
	cmd  *exec.Cmd
	dir  string
}

// StartProcess starts FerretDB in a process of its own, behind the proxy
// of Serialize, and returns its URI: for tests that run several
// server processes on one database. The program (./ferretdb) is built once
// per test process, without the race detector, so a test run with -race
// does not run the database's own code ten times slower. It exits when the
// test process does (Main stops it, and it ends when its stdin closes).
func StartProcess(tb testing.TB) (uri string) {
	tb.Helper()
	process.once.Do(startProcess)
	if process.err != nil {
		tb.Fatalf("mongotest: start FerretDB process: %v", process.err)
	}
	return process.uri
}

func startProcess() {
	dir, err := os.MkdirTemp(tmpfsOrDefault(), "yugongkai-ferretdb-proc-")
	if err != nil {
		process.err = err
		return
	}
	process.dir = dir
	bin := filepath.Join(dir, "ferretdb")
	build := exec.Command("go", "build", "-o", bin, "yugongkai/mongodb/mongotest/ferretdb")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		process.err = fmt.Errorf("build: %w", err)
		return
	}
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o700); err != nil {
		process.err = err
		return
	}
	cmd := exec.Command(bin, "-dir", filepath.Join(dir, "data"))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		process.err = err
		return
	}
	_ = stdin // kept open: the process exits when it closes, i.e. with us
	out, err := cmd.StdoutPipe()
	if err != nil {
		process.err = err
		return
	}
	if err := cmd.Start(); err != nil {
		process.err = err
		return
	}
	process.cmd = cmd
	line := make([]byte, 0, 64)
	b := make([]byte, 1)
	for {
		if _, err := out.Read(b); err != nil {
			process.err = fmt.Errorf("read its address: %w", err)
			return
		}
		if b[0] == '\n' {
			break
		}
		line = append(line, b[0])
	}
	process.uri = string(line) + "?maxPoolSize=1"
}

// tmpfsOrDefault is /dev/shm when the machine has a writable tmpfs there
// (the tests need no durability), else the default temporary directory.
func tmpfsOrDefault() string {
	const tmpfs = "/dev/shm"
	if fi, err := os.Stat(tmpfs); err == nil && fi.IsDir() {
		if probe, err := os.MkdirTemp(tmpfs, "yugongkai-probe-"); err == nil {
			os.Remove(probe)
			return tmpfs
		}
	}
	return ""
}

// Main runs the tests of a package that uses Start, then stops FerretDB and
// removes its files. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }
//
// Without it the files stay in a "yugongkai-ferretdb-*" directory under
// os.TempDir.
func Main(m *testing.M) int {
	code := m.Run()
	if process.cmd != nil {
		process.cmd.Process.Kill()
		process.cmd.Wait()
	}
	if process.dir != "" {
		os.RemoveAll(process.dir)
	}
	if server.cancel != nil {
		server.cancel()
		select {
		case <-server.done:
		case <-time.After(10 * time.Second):
		}
		os.RemoveAll(server.dir)
	}
	return code
}

// Target is a server the tests run against.
type Target struct {
	Name string // "ferretdb" or "real"
	URI  string
}

// Targets returns the embedded FerretDB and, if MONGODB_TEST_URI is set,
// the server it names.
func Targets(tb testing.TB) []Target {
	tb.Helper()
	targets := []Target{{Name: "ferretdb", URI: Start(tb)}}
	if uri := os.Getenv(EnvURI); uri != "" {
		targets = append(targets, Target{Name: "real", URI: uri})
	}
	return targets
}

// Open opens a new, empty database on the embedded FerretDB; see OpenURI.
func Open(tb testing.TB) *mongodb.DB {
	tb.Helper()
	return OpenURI(tb, Start(tb))
}

// OpenURI opens a database with a name unique to this call on the server at
// uri, and closes and drops it when the test ends.
func OpenURI(tb testing.TB, uri string, opts ...mongodb.Option) *mongodb.DB {
	tb.Helper()
	name := DatabaseName()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := mongodb.Open(ctx, uri, append(opts, mongodb.WithDatabase(name))...)
	if err != nil {
		tb.Fatalf("mongotest: open %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Close(ctx) // the test may have closed it already
		if err := Drop(ctx, uri, name); err != nil {
			tb.Errorf("mongotest: drop %s: %v", name, err)
		}
	})
	return db
}

// DatabaseName returns a fresh database name for a test.
func DatabaseName() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "test_" + hex.EncodeToString(b)
}

// Drop removes database name from the server at uri, over a connection of
// its own so that tests which closed their store still clean up.
func Drop(ctx context.Context, uri, name string) error {
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer client.Disconnect(ctx)
	if err := client.Database(name).Drop(ctx); err != nil {
		return fmt.Errorf("drop database: %w", err)
	}
	return nil
}

// Count returns how many documents collection coll of database name holds,
// for tests that look under a store.
func Count(ctx context.Context, uri, name, coll string) (int, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return 0, err
	}
	defer client.Disconnect(ctx)
	n, err := client.Database(name).Collection(coll).CountDocuments(ctx, map[string]any{})
	return int(n), err
}

// Empty deletes every document of database name, keeping its collections
// and indexes, for tests that start over many times.
func Empty(ctx context.Context, uri, name string) error {
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer client.Disconnect(ctx)
	db := client.Database(name)
	colls, err := db.ListCollectionNames(ctx, map[string]any{})
	if err != nil {
		return err
	}
	for _, c := range colls {
		if _, err := db.Collection(c).DeleteMany(ctx, map[string]any{}); err != nil {
			return fmt.Errorf("empty %s: %w", c, err)
		}
	}
	return nil
}
