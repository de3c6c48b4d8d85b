package i18n

// zhDoctor and enDoctor are the messages of the doctor area.
var zhDoctor = map[string]string{}

var enDoctor = map[string]string{}
