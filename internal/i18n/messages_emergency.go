package i18n

// Emergency access (issue 6): break-glass requests, the doctor's view, the patient's
// notice and the privacy officer's review.
var zhEmergency = map[string]string{}

var enEmergency = map[string]string{}
