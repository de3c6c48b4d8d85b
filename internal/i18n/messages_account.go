package i18n

// zhAccount and enAccount are the messages of the account area.
var zhAccount = map[string]string{}

var enAccount = map[string]string{}
