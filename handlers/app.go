// Package handlers is the portal's HTTP edge: thin Echo handlers, the middleware chain
// and the route table with each route's access class.
package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"github.com/yibao-health/portal/internal/blob"
	"github.com/yibao-health/portal/internal/config"
	"github.com/yibao-health/portal/internal/logistics"
	"github.com/yibao-health/portal/internal/notify"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/internal/payment"
	"github.com/yibao-health/portal/internal/session"
	"github.com/yibao-health/portal/models"
)

// Deps is everything the handlers need; main.go builds it.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Log    *slog.Logger
	// Notifier sends in-app, e-mail and SMS notices.
	Notifier *models.Notifier
	// Outbox holds messages recorded by the development notifier; nil in production.
	Outbox *notify.Recorder
	// Accounts is the account domain (registration, sign-in, MFA, passwords).
	Accounts *models.Accounts
	// Sessions is the server-side session store.
	Sessions *session.Store
	// Blobs stores encrypted files (medical documents).
	Blobs blob.Store
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// App holds the handlers' dependencies and the Echo instance they are mounted on.
type App struct {
	cfg      config.Config
	db       *gorm.DB
	log      *slog.Logger
	notify   *models.Notifier
	outbox   *notify.Recorder
	now      func() time.Time
	accounts *models.Accounts
	sessions *session.Store
	policies *models.Policies
	blobs    blob.Store
	// documents is the medical-documents domain (issue 5); it holds the bound on
	// concurrent image decodes, so it lives as long as the app.
	documents *models.Documents
	// consultations is the consultation domain (issue 6): grants and every
	// doctor read of patient data.
	consultations *models.Consultations
	// orders is the shop's order domain (issue 7) with its payment providers and
	// carriers; sim is the built-in simulated payment provider.
	orders *models.Orders
	sim    *payment.Simulated
	echo   *echo.Echo
}

// New builds the Echo application: middleware in order, error handler, routes.
func New(d Deps) (*App, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Accounts == nil || d.Sessions == nil || d.Blobs == nil {
		return nil, errors.New("handlers: Accounts, Sessions and Blobs are required")
	}
	a := &App{cfg: d.Config, db: d.DB, log: d.Log, notify: d.Notifier, outbox: d.Outbox, now: d.Now,
		accounts: d.Accounts, sessions: d.Sessions, policies: &models.Policies{DB: d.DB, Now: d.Now}, blobs: d.Blobs, echo: echo.New()}
	a.documents = models.NewDocuments(d.DB, d.Accounts.Keys, d.Blobs, d.Now, a.uploadLimits())
	a.consultations = &models.Consultations{DB: d.DB, Accounts: d.Accounts, Docs: a.documents,
		Health: models.NewHealthProfiles(d.DB, d.Accounts.Keys, d.Now), Policies: a.policies, Now: d.Now,
		EmergencyWindow: d.Config.EmergencyWindow}
	sim, err := payment.NewSimulated(d.Config.Secrets.MasterKey, paths.PaySimulated)
	if err != nil {
		return nil, err
	}
	a.sim = sim
	a.orders = &models.Orders{DB: d.DB, Accounts: d.Accounts, Now: d.Now, Providers: map[string]payment.Provider{sim.Name(): sim},
		Carriers: logistics.Carriers(), UnpaidTTL: d.Config.UnpaidTTL, ConsigneeCode: d.Config.ConsigneeCode}
	a.echo.HideBanner = true
	a.echo.HidePort = true
	a.echo.IPExtractor = ipExtractor(d.Config.TrustedProxies)
	a.echo.HTTPErrorHandler = a.handleError
	if err := a.useMiddleware(); err != nil {
		return nil, err
	}
	a.routes()
	return a, nil
}

// Handler is the application as a plain http.Handler.
func (a *App) Handler() http.Handler { return a.echo }

// Echo exposes the router for tests that walk the route table.
func (a *App) Echo() *echo.Echo { return a.echo }

// Consultations is the app's consultation domain (tests build fixtures with it).
func (a *App) Consultations() *models.Consultations { return a.consultations }

// Orders is the app's order domain (the sweep expires unpaid orders with it).
func (a *App) Orders() *models.Orders { return a.orders }

// Simulated is the built-in payment provider (tests sign notifications with it).
func (a *App) Simulated() *payment.Simulated { return a.sim }

// Documents is the app's documents domain (tests build fixtures with it).
func (a *App) Documents() *models.Documents { return a.documents }
