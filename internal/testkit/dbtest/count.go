package dbtest

import (
	"strings"
	"sync"
	"testing"

	"github.com/glebarez/sqlite"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// Counter counts the SQL statements run through the handle CountQueries
// returned; it is safe for concurrent use.
type Counter struct {
	mu  sync.Mutex
	sql []string
}

// N returns the number of statements run since the last Reset.
func (c *Counter) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sql)
}

// Reset forgets the statements counted so far.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sql = nil
}

// String lists the statements counted (SQL text, no parameters), one per
// line, for the failure message of an N+1 assertion.
func (c *Counter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.sql, "\n")
}

func (c *Counter) add(tx *gorm.DB) {
	if tx.DryRun || tx.Statement.SQL.Len() == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sql = append(c.sql, tx.Statement.SQL.String())
}

// CountQueries returns a second handle on g's connection pool, with g's
// settings, that counts every statement run through it (and its sessions),
// whatever context the code under test attaches. BEGIN and COMMIT are not
// counted. The callbacks live on the new handle only, so g and other tests
// are unaffected; closing g closes both.
func CountQueries(t testing.TB, g *gorm.DB) (*gorm.DB, *Counter) {
	t.Helper()
	sqlDB, err := g.DB()
	if err != nil {
		t.Fatalf("dbtest: count queries: %v", err)
	}
	var dial gorm.Dialector
	switch d := g.Dialector.(type) {
	case *gormmysql.Dialector:
		c := *d.Config
		c.Conn = sqlDB
		dial = gormmysql.New(c)
	case *sqlite.Dialector:
		dial = &sqlite.Dialector{DriverName: d.DriverName, DSN: d.DSN, Conn: sqlDB}
	default:
		t.Fatalf("dbtest: count queries: unsupported dialector %T", g.Dialector)
	}
	// A copy of the config: gorm.Open gives it a fresh callback registry.
	cfg := *g.Config
	cfg.DisableAutomaticPing = true
	cg, err := gorm.Open(dial, &cfg)
	if err != nil {
		t.Fatalf("dbtest: count queries: %v", err)
	}
	counter := &Counter{}
	cb := cg.Callback()
	for name, p := range map[string]interface {
		Register(string, func(*gorm.DB)) error
	}{
		"create": cb.Create().After("*"), "query": cb.Query().After("*"),
		"update": cb.Update().After("*"), "delete": cb.Delete().After("*"),
		"row": cb.Row().After("*"), "raw": cb.Raw().After("*"),
	} {
		if err := p.Register("dbtest:count_"+name, counter.add); err != nil {
			t.Fatalf("dbtest: count queries: %v", err)
		}
	}
	return cg, counter
}
