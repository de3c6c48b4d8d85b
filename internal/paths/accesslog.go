package paths

// "Who viewed my data" (issue 6): the patient's access log.
const (
	AccountAccessLog = "/account/access-log" // GET the list (?kind=&emergency=1&own=1&from=&to=&after=)
)
