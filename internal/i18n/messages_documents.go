package i18n

// zhDocuments and enDocuments are the messages of the documents area.
var zhDocuments = map[string]string{}

var enDocuments = map[string]string{}
