package i18n

var zhSupport = map[string]string{}

var enSupport = map[string]string{}
