package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/directory"
)

// showDirectory is the public doctor directory: a search box, two exact filters
// and a page of verified doctors (one statement, at most models.DirectoryPage rows).
func (a *App) showDirectory(c echo.Context) error {
	s := models.DirectorySearch{Q: c.QueryParam("q"), Department: c.QueryParam("department"),
		Hospital: c.QueryParam("hospital")}.Normalize()
	s.After = models.ParseDirectoryCursor(c.QueryParam("after"))
	rows, next, err := models.SearchDirectory(c.Request().Context(), a.db, s)
	if err != nil {
		return err
	}
	p := directory.ListProps{Q: s.Q, Department: s.Department, Hospital: s.Hospital, Next: next.String(), Paged: s.After != nil}
	for _, r := range rows {
		p.Rows = append(p.Rows, card(r))
	}
	page := a.page(c, t(c, "directory.title"))
	page.Description = t(c, "directory.lead")
	return a.render(c, http.StatusOK, directory.List(page, p))
}

// showDirectoryDoctor is one verified doctor's public card; any other ID is 404.
func (a *App) showDirectoryDoctor(c echo.Context) error {
	id, err := doctorID(c)
	if err != nil {
		return err
	}
	d, err := models.DirectoryDoctorByID(c.Request().Context(), a.db, id)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, directory.Card(a.page(c, d.RealName), card(*d)))
}

// card copies the public fields only.
func card(d models.DirectoryDoctor) directory.Doctor {
	return directory.Doctor{ID: d.UserID, Name: d.RealName, Title: d.Title, Hospital: d.Hospital,
		Department: d.Department, Specialty: d.Specialty}
}
