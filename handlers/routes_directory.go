package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
)

// directoryRoutes are the public doctor directory: search and one doctor's card.
func (a *App) directoryRoutes() {
	a.route(http.MethodGet, paths.Doctors, Public, a.showDirectory)
	a.route(http.MethodGet, paths.Doctors+"/:id", Public, a.showDirectoryDoctor)
}
