package i18n

// The clinic dashboard (issue 6): the doctor's queue and consultation pages.
var zhClinic = map[string]string{}

var enClinic = map[string]string{}
