package i18n

// zhHealth and enHealth are the messages of the health area.
var zhHealth = map[string]string{}

var enHealth = map[string]string{}
