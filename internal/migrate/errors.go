package migrate

import (
	"errors"
	"fmt"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrPending means the database lacks migrations this binary has; Check
	// returns it when auto-migration is off.
	ErrPending = errors.New("migrate: pending migrations")
	// ErrSchemaNewer means the database holds a migration this binary does
	// not know, usually because a newer release already migrated it. The
	// error is a *SchemaNewerError.
	ErrSchemaNewer = errors.New("migrate: database schema is newer than this binary")
	// ErrChecksum means an applied migration file was edited afterwards.
	ErrChecksum = errors.New("migrate: applied migration changed")
)

// SchemaNewerError names the unknown version found in schema_migrations and
// the newest version this binary knows. errors.Is(err, ErrSchemaNewer) holds.
type SchemaNewerError struct {
	Database int64 // highest applied version that has no file here
	Known    int64 // newest version among this binary's files (0 if none)
}

// Error returns a one-line message naming both versions.
func (e *SchemaNewerError) Error() string {
	if e.Database > e.Known {
		return fmt.Sprintf("migrate: database schema version %d is newer than this binary's newest migration %d; run a newer release",
			e.Database, e.Known)
	}
	return fmt.Sprintf("migrate: database has migration %d that this binary does not know (its newest is %d); run the release that applied it",
		e.Database, e.Known)
}

// Is reports whether target is ErrSchemaNewer.
func (e *SchemaNewerError) Is(target error) bool { return target == ErrSchemaNewer }
