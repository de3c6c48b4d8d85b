// Package static embeds the portal's built front-end assets (Tailwind CSS, vendored
// htmx, images) and serves them under content-hashed URLs.
//
// A hashed URL changes whenever the file's bytes change, so responses can be cached
// for a year as immutable: a new deploy links new URLs and browsers never see a stale
// stylesheet. A request for an old hash gets 404 instead of new bytes under an old
// name, which keeps caches honest.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/yibao-health/portal/internal/paths"
)

// files holds everything that is served. The build (npm run build) writes css/ and
// vendor/; img/ and js/ are hand-made. All of it is committed.
//
//go:embed css vendor img js
var files embed.FS

// hashLen is how many hex digits of the SHA-256 go into a URL: 48 bits is plenty to
// tell versions of one file apart.
const hashLen = 12

// prefix is the URL path under which assets are served.
const prefix = paths.Static + "/"

// asset is one embedded file with its precomputed response metadata.
type asset struct {
	name   string // logical name, e.g. "css/app.css"
	hashed string // hashed name, e.g. "css/app.3f2a9c1b7d0e.css"
	data   []byte
	ctype  string
	etag   string
}

// manifest maps logical and hashed names to assets. It is built once, lazily, because
// the embedded files never change while the process runs.
type manifest struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

var (
	manifestOnce sync.Once
	theManifest  *manifest
)

// load returns the manifest, computing it on first use.
func load() *manifest {
	manifestOnce.Do(func() {
		m, err := build(files)
		if err != nil {
			// The FS is compiled into the binary; failing to read it is a build bug.
			panic(fmt.Sprintf("static: build manifest: %v", err))
		}
		theManifest = m
	})
	return theManifest
}

// build hashes every file in fsys.
func build(fsys fs.FS) (*manifest, error) {
	m := &manifest{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		sum := sha256.Sum256(data)
		full := hex.EncodeToString(sum[:])
		a := &asset{
			name:   name,
			hashed: hashedName(name, full[:hashLen]),
			data:   data,
			ctype:  contentType(name),
			etag:   `"` + full[:32] + `"`,
		}
		m.byName[name] = a
		m.byHashed[a.hashed] = a
		return nil
	})
	return m, err
}

// hashedName inserts hash before the last extension: css/app.css → css/app.<hash>.css.
func hashedName(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// URL returns the content-hashed URL of the embedded file name (relative to the
// static directory, e.g. "css/app.css" → "/static/css/app.3f2a9c1b7d0e.css").
// An unknown name returns the unhashed "/static/"+name, which the handler answers
// with 404, so a typo shows up as a broken asset in tests rather than a crash.
func URL(name string) string {
	if a, ok := load().byName[name]; ok {
		return prefix + a.hashed
	}
	return prefix + name
}

// Handler serves hashed asset URLs (/static/<dir>/<name>.<hash>.<ext>) with
// year-long immutable caching. Any other path, including a stale hash, is 404.
// It accepts paths with or without the /static prefix, so it works both mounted
// directly and behind http.StripPrefix.
func Handler() http.Handler {
	m := load()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(r.URL.Path, paths.Static)
		p = strings.TrimPrefix(p, "/")
		// Exact map lookup already rejects traversal; the explicit check documents it.
		if strings.Contains(p, "..") {
			http.NotFound(w, r)
			return
		}
		a, ok := m.byHashed[p]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", a.etag)
		// Zero modtime: no Last-Modified; ServeContent handles HEAD, Range and
		// If-None-Match against the ETag above.
		http.ServeContent(w, r, a.hashed, time.Time{}, bytes.NewReader(a.data))
	})
}

// contentType is an explicit table rather than mime.TypeByExtension, whose answer
// depends on the host's /etc/mime.types.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".webp":
		return "image/webp"
	case ".json", ".map":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}
