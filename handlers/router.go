package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/static"
)

// routes declares every route with its access class. Keep this list the one place to
// read who may call what.
func (a *App) routes() {
	a.route(http.MethodGet, paths.Healthz, Public, a.healthz, GateExempt)
	a.route(http.MethodGet, paths.Readyz, Public, a.readyz, GateExempt)
	a.route(http.MethodGet, paths.Static+"/*", Public, echo.WrapHandler(static.Handler()), GateExempt)
	a.route(http.MethodHead, paths.Static+"/*", Public, echo.WrapHandler(static.Handler()), GateExempt)

	a.route(http.MethodGet, paths.Home, Public, a.home)
	a.route(http.MethodPost, paths.Lang, Public, a.setLang, GateExempt)

	a.route(http.MethodGet, paths.DevInbox, DevOnly, a.devOutbox)

	a.authRoutes()
	a.accountRoutes()
	a.doctorRoutes()
	a.staffRoutes()
	a.policyRoutes()
	a.consentRoutes()
	a.gateRoutes()
	a.healthRoutes()
	a.documentsRoutes()
	a.accessLogRoutes()
	a.directoryRoutes()
	a.consultRoutes()
	a.clinicRoutes()
	a.emergencyRoutes()
	a.shopRoutes()
	a.orderRoutes()
	a.supportRoutes()
}

// authRoutes are sign-in, registration, second factor and sign-out.
func (a *App) authRoutes() {
	a.route(http.MethodGet, paths.Login, Public, a.showLogin)
	a.route(http.MethodPost, paths.Login, Public, a.login)
	a.route(http.MethodGet, paths.LoginMFA, Pending, a.showLoginMFA)
	a.route(http.MethodPost, paths.LoginMFA, Pending, a.loginMFA)
	a.route(http.MethodGet, paths.MFASetup, Pending, a.showMFASetup)
	a.route(http.MethodPost, paths.MFASetup, Pending, a.mfaSetup)
	a.route(http.MethodPost, paths.Logout, Public, a.logout, GateExempt)
	a.route(http.MethodGet, paths.Register, Public, a.showRegister)
	a.route(http.MethodPost, paths.RegisterCode, Public, a.registerCode)
	a.route(http.MethodPost, paths.Register, Public, a.register)
	a.route(http.MethodGet, paths.PasswordForgot, Public, a.showReset)
	a.route(http.MethodPost, paths.PasswordForgot, Public, a.resetCode)
	a.route(http.MethodPost, paths.PasswordReset, Public, a.resetPassword)
}
