package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/mask"
	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/account"
)

// valContactChange is the session value binding a contact change to the password
// check that started it: "<blind index of the new address>|<unix seconds>". Only a
// code for that address, confirmed in this session within models.CodeLifetime,
// changes the contact; a code requested by anyone else for the same address does
// not.
const valContactChange = "contact_change"

// showContact is the first step of changing the phone number or e-mail address.
func (a *App) showContact(c echo.Context) error {
	p, err := a.contactProps(c)
	if err != nil {
		return err
	}
	return a.renderContact(c, http.StatusOK, p)
}

// contactCode checks the password, sends a code to the new address and remembers,
// in the session, which address this password check was for.
func (a *App) contactCode(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	p, err := a.contactProps(c)
	if err != nil {
		return err
	}
	p.Contact = strings.TrimSpace(c.FormValue("contact"))
	target, err := a.accounts.StartContactChange(c.Request().Context(), u, c.FormValue("current_password"), p.Contact, lang(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderContact(c, status, p)
	}
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	s.Values[valContactChange] = target + "|" + strconv.FormatInt(a.now().Unix(), 10)
	if err := s.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	_, p.Contact, _ = models.ParseContact(p.Contact)
	p.CodeSent, p.Notice = true, t(c, "register.code_sent")
	return a.renderContact(c, http.StatusOK, p)
}

// changeContact confirms the change with the code sent to the new address.
func (a *App) changeContact(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	p, err := a.contactProps(c)
	if err != nil {
		return err
	}
	p.Contact, p.CodeSent = strings.TrimSpace(c.FormValue("contact")), true
	s, err := a.sess(c)
	if err != nil {
		return err
	}
	if !a.contactChangeStarted(s.Values[valContactChange], p.Contact) {
		// No password check for this address in this session (or it is too old):
		// start again.
		p.CodeSent = false
		p.Errors = map[string]string{"": t(c, "account.change_contact.restart_needed")}
		return a.renderContact(c, http.StatusUnprocessableEntity, p)
	}
	err = a.accounts.ChangeContact(c.Request().Context(), u, p.Contact, c.FormValue("code"), lang(c), a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		p.Errors = msgs
		return a.renderContact(c, status, p)
	}
	delete(s.Values, valContactChange)
	a.setFlash(c, s, "account.change_contact.changed")
	return redirect(c, paths.Account)
}

// contactChangeStarted reports whether the session's pending change (val) is for
// contact and still fresh.
func (a *App) contactChangeStarted(val any, contact string) bool {
	str, _ := val.(string)
	target, at, ok := strings.Cut(str, "|")
	if !ok {
		return false
	}
	kind, value, ok := models.ParseContact(contact)
	if !ok || a.accounts.ContactIndex(kind, value) != target {
		return false
	}
	unix, err := strconv.ParseInt(at, 10, 64)
	return err == nil && a.now().Sub(time.Unix(unix, 0)) <= models.CodeLifetime
}

// contactProps carries the current contacts, masked.
func (a *App) contactProps(c echo.Context) (account.ContactProps, error) {
	u, err := a.user(c)
	if err != nil {
		return account.ContactProps{}, err
	}
	phone, email, err := a.accounts.Contacts(u)
	if err != nil {
		return account.ContactProps{}, err
	}
	return account.ContactProps{Phone: mask.Phone(phone), Email: maskEmail(email)}, nil
}

func (a *App) renderContact(c echo.Context, status int, p account.ContactProps) error {
	return a.render(c, status, account.Contact(a.page(c, t(c, "account.change_contact.title")), p))
}
