package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// readPool is the connection pool that reads go through. Its queries run as
// statements prepared once per connection and kept (the driver otherwise
// compiles the SQL of every query anew: ~5 % of a comment submission's CPU
// under load). At most maxStmts distinct queries are kept; others, such as
// the rare shapes of a search with many terms, run unprepared.
type readPool struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newReadPool(db *sql.DB) *readPool { return &readPool{DB: db, stmts: map[string]*sql.Stmt{}} }

// stmt returns query's kept statement, preparing it on first use, or nil.
func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	st, ok := p.stmts[query]
	n := len(p.stmts)
	p.mu.RUnlock()
	if ok || n >= maxStmts {
		return st
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if other, ok := p.stmts[query]; ok { // prepared meanwhile by another reader
		st.Close()
		return other
	}
	if len(p.stmts) >= maxStmts {
		st.Close()
		return nil
	}
	p.stmts[query] = st
	return st
}

// QueryContext runs a query with its kept statement.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query with its kept statement.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the kept statements and the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	for q, st := range p.stmts {
		st.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
