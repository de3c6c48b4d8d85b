// Package session is the portal's server-side session store: a gorilla
// sessions.Store whose state lives in the sessions table (migration 0004), so
// that sessions can be revoked one by one or per user, and app servers stay
// stateless (DESIGN.md §5, §8; issue 3 "Sessions").
//
// # The cookie
//
// The cookie carries only a random session ID (32 bytes from crypto/rand,
// base64url), signed with securecookie under keys derived from the portal's
// session keys (newest first, so keys rotate). The database stores only the
// SHA-256 hex of the ID (id_hash): a dump of the table holds no usable token.
// The cookie is HttpOnly, SameSite=Lax, Path=/, has no Domain (so the
// __Host- prefix is valid) and, without Max-Age, ends with the browser
// session (OWASP: non-persistent session cookies); Secure is configured.
//
// # Lifetimes
//
// Each session has an absolute lifetime of 12 hours from sign-in and an idle
// timeout chosen by who it belongs to: 30 minutes for doctors and staff, a
// configurable time for patients (default 2 hours) and for anonymous
// sessions (default 2 hours). A session that is revoked, idle too long or
// past its absolute expiry is never revived: Get hands out a new empty
// session, which gets a new ID when saved.
//
// last_seen_at is written at most once per TouchInterval (1 minute), not on
// every request, so reading a session costs one SELECT and no write on most
// requests. The price is that an idle timeout may end a session up to one
// TouchInterval early, never late.
//
// # What callers do
//
// Sign-in calls Login (new ID, user bound, fresh lifetimes); privilege changes
// call Rotate; sign-out calls Logout. Account locks, password resets and
// "sign out everywhere else" call RevokeUser; the signed-in devices page uses
// List and Revoke. Callers write the audit rows (models.AppendAudit): this
// package returns what they need (Current, EndReason, counts) and never the
// raw ID. Sweep deletes dead rows and should run periodically.
package session
