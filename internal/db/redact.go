package db

import "strings"

// Redacted returns url with any password replaced by "xxxxx", for log lines
// and error messages. It works on every form Open accepts and on malformed
// input; SQLite URLs carry no secret and are returned unchanged.
func Redacted(url string) string {
	if d, _ := parseURL(url); d == SQLite {
		return url
	}
	prefix := ""
	dsn := url
	if strings.HasPrefix(dsn, "mysql://") {
		prefix, dsn = "mysql://", strings.TrimPrefix(dsn, "mysql://")
	}
	// go-sql-driver finds the database name after the last '/' and the
	// credentials before the last '@' ahead of it; a password may contain
	// both characters.
	end := strings.LastIndex(dsn, "/")
	if end < 0 {
		end = len(dsn)
	}
	at := strings.LastIndex(dsn[:end], "@")
	if at < 0 {
		return url
	}
	colon := strings.Index(dsn[:at], ":")
	if colon < 0 {
		return url
	}
	return prefix + dsn[:colon+1] + "xxxxx" + dsn[at:]
}
