package i18n

// zhConsent and enConsent are the messages of the consent area.
var zhConsent = map[string]string{}

var enConsent = map[string]string{}
