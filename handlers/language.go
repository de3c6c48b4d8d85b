package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/i18n"
)

const langCookie = "lang"

// language picks the request's language: the remembered choice, else Accept-Language,
// else zh-CN; views read it from the request context.
func (a *App) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := i18n.FromAcceptLanguage(c.Request().Header.Get("Accept-Language"))
		if ck, err := c.Cookie(a.cookieName(langCookie)); err == nil {
			if l, ok := i18n.Parse(ck.Value); ok {
				lang = l
			}
		}
		c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
		req := c.Request()
		c.SetRequest(req.WithContext(i18n.WithLang(req.Context(), lang)))
		return next(c)
	}
}

// setLang remembers the chosen language for a year and returns to the page it was
// chosen on.
func (a *App) setLang(c echo.Context) error {
	lang, ok := i18n.Parse(c.FormValue("lang"))
	if !ok {
		lang = i18n.ZH
	}
	c.SetCookie(&http.Cookie{
		Name: a.cookieName(langCookie), Value: string(lang), Path: "/",
		Expires: a.now().Add(365 * 24 * time.Hour), HttpOnly: true,
		Secure: a.cfg.Production(), SameSite: http.SameSiteLaxMode,
	})
	if u, err := a.user(c); err != nil {
		return err
	} else if u != nil {
		if err := a.accounts.SetLang(c.Request().Context(), u, lang); err != nil {
			return err
		}
	}
	return redirect(c, safeNext(c.FormValue("next")))
}
