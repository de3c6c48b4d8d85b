// Package db opens the portal's database: MySQL 8 / MariaDB 10.11 in
// production, an embedded SQLite file (pure Go, no cgo) everywhere else, so
// `go run ./cmd/portal` works on a bare machine.
//
// # Database URL forms (Options.URL, PORTAL_DATABASE_URL)
//
//	(empty)                                   SQLite file <DataDir>/portal.db; DataDir is created 0700
//	sqlite:PATH                               SQLite file at PATH (sqlite://PATH is accepted too)
//	mysql://USER:PASSWORD@tcp(HOST:PORT)/DB   MySQL/MariaDB; after the prefix, a go-sql-driver DSN
//	USER:PASSWORD@tcp(HOST:PORT)/DB           the same DSN without the mysql:// prefix
//
// Example: mysql://portal:secret@tcp(127.0.0.1:3306)/portal
//
// A MySQL DSN may carry extra go-sql-driver parameters (tls=true, …), but
// these are always forced: parseTime=true, loc=UTC, charset=utf8mb4,
// collation=utf8mb4_unicode_ci, interpolateParams=true, time_zone='+00:00';
// timeout/readTimeout/writeTimeout default to 5s/30s/30s and sql_mode to
// MySQL 8's strict default (so MariaDB behaves like MySQL 8) unless given.
// The connection lifetime is kept below the server's wait_timeout.
//
// An SQLite PATH must not contain '?': the pragmas are fixed by this package
// (foreign_keys on, WAL, busy_timeout 5s, synchronous NORMAL, BEGIN IMMEDIATE
// for transactions) and verified after opening. A new database file is
// created with mode 0600 because it holds personal data.
//
// Times are stored in UTC with microsecond precision (gorm NowFunc). The
// GORM logger never logs query parameters; see newLogger.
package db
