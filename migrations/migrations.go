// Package migrations embeds the versioned SQL migrations of the portal, one
// directory per dialect (mysql/ is the reference, sqlite/ its twin). Files
// are named NNNN_snake_name.sql and applied in order by internal/migrate;
// see that package for the statement syntax rules.
package migrations

import "embed"

// FS holds mysql/*.sql and sqlite/*.sql. Each directory must contain at least
// one file, or this package does not compile.
//
//go:embed mysql/*.sql sqlite/*.sql
var FS embed.FS
