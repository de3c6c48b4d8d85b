package i18n

// zhPolicy and enPolicy are the messages of the policy area.
var zhPolicy = map[string]string{}

var enPolicy = map[string]string{}
