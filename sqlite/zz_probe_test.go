package sqlite
import ("testing";"context")
func TestDbstatProbe(t *testing.T) {
	db := OpenTemp(t)
	var n int64
	err := db.sql.QueryRowContext(context.Background(), "SELECT coalesce(sum(pgsize),0) FROM dbstat WHERE name = 'search_blocks'").Scan(&n)
	t.Log(n, err)
}
