// Command ferretdb runs FerretDB (SQLite backend, files in -dir) on a
// loopback port behind mongotest's proxy that passes one command at a
// time, prints the proxy's URI on one line and serves until its stdin
// closes. mongotest.StartProcess builds and runs it for tests that run
// several server processes on one database; it is no part of the product.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"

	"github.com/FerretDB/FerretDB/ferretdb"

	"yugongkai/mongodb/mongotest"
)

func main() {
	dir := flag.String("dir", "", "directory of FerretDB's SQLite files")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if dir == "" {
		return fmt.Errorf("-dir is required")
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	u, err := url.Parse(f.MongoDBURI()) // waits until the listener is bound
	if err != nil {
		cancel()
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		return err
	}
	go mongotest.Serialize(l, u.Host)
	fmt.Printf("mongodb://%s/\n", l.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	l.Close()
	cancel()
	<-done
	return nil
}
