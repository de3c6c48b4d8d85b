package handlers

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/health"
)

// healthRows is the number of rows a list of the form posted, within 1..MaxHealthRows.
func healthRows(c echo.Context, name string) int {
	n, err := strconv.Atoi(c.FormValue(name))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, models.MaxHealthRows)
}

// healthFormInput reads the profile form: the domain input (rows by position, so
// field errors name the row) and the same values for showing the form again.
func healthFormInput(c echo.Context) (models.HealthProfileInput, health.FormProps) {
	base, _ := strconv.Atoi(c.FormValue("base_version"))
	in := models.HealthProfileInput{BaseVersion: base, Height: c.FormValue("height"), Weight: c.FormValue("weight"),
		MaritalStatus: c.FormValue("marital_status"), PastHistory: c.FormValue("past_history"),
		PersonalHistory: c.FormValue("personal_history"), MaritalHistory: c.FormValue("marital_history"),
		FamilyHistory: c.FormValue("family_history")}
	p := health.FormProps{BaseVersion: base, Height: in.Height, Weight: in.Weight, MaritalStatus: in.MaritalStatus,
		Histories: map[string]string{"past_history": in.PastHistory, "personal_history": in.PersonalHistory,
			"marital_history": in.MaritalHistory, "family_history": in.FamilyHistory}}
	for i := range healthRows(c, "dx_rows") {
		f := func(name string) string { return c.FormValue("dx-" + strconv.Itoa(i) + "-" + name) }
		d := models.Diagnosis{Name: f("name"), Date: f("date"), Status: f("status")}
		in.Diagnoses = append(in.Diagnoses, d)
		p.Diagnoses = append(p.Diagnoses, health.Diagnosis{Name: d.Name, Date: d.Date, Status: d.Status})
	}
	for i := range healthRows(c, "al_rows") {
		f := func(name string) string { return c.FormValue("al-" + strconv.Itoa(i) + "-" + name) }
		al := models.Allergy{Substance: f("substance"), Reaction: f("reaction"), Severity: f("severity")}
		in.Allergies = append(in.Allergies, al)
		p.Allergies = append(p.Allergies, health.Allergy{Substance: al.Substance, Reaction: al.Reaction, Severity: al.Severity})
	}
	return in, p
}

// formFromProfile fills the form with a stored version and one blank row per list.
func formFromProfile(prof *models.HealthProfile) health.FormProps {
	d := prof.Data
	p := health.FormProps{BaseVersion: prof.Version, Height: d.Height.String(), Weight: d.Weight.String(),
		MaritalStatus: d.MaritalStatus, Histories: map[string]string{}}
	for _, h := range models.HealthHistories {
		p.Histories[h] = d.History(h)
	}
	for _, dx := range d.Diagnoses {
		p.Diagnoses = append(p.Diagnoses, health.Diagnosis{Name: dx.Name, Date: dx.Date, Status: dx.Status})
	}
	for _, al := range d.Allergies {
		p.Allergies = append(p.Allergies, health.Allergy{Substance: al.Substance, Reaction: al.Reaction, Severity: al.Severity})
	}
	if len(p.Diagnoses) < models.MaxHealthRows {
		p.Diagnoses = append(p.Diagnoses, health.Diagnosis{})
	}
	if len(p.Allergies) < models.MaxHealthRows {
		p.Allergies = append(p.Allergies, health.Allergy{})
	}
	return p
}

// addHealthRow appends a blank row to list ("diagnosis" or "allergy"), up to the
// limit, and focuses its first field.
func addHealthRow(p *health.FormProps, list string) {
	switch {
	case list == "diagnosis" && len(p.Diagnoses) < models.MaxHealthRows:
		p.Diagnoses = append(p.Diagnoses, health.Diagnosis{})
		p.Focus = "dx-" + strconv.Itoa(len(p.Diagnoses)-1) + "-name"
	case list == "allergy" && len(p.Allergies) < models.MaxHealthRows:
		p.Allergies = append(p.Allergies, health.Allergy{})
		p.Focus = "al-" + strconv.Itoa(len(p.Allergies)-1) + "-substance"
	}
}
