package i18n

// zhGate and enGate are the messages of the gate area.
var zhGate = map[string]string{}

var enGate = map[string]string{}
