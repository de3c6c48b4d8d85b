package i18n

// zhStaff and enStaff are the messages of the staff area.
var zhStaff = map[string]string{}

var enStaff = map[string]string{}
