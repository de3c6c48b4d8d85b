package i18n

// en is the English catalogue; it has exactly the keys of zh (a test checks).
var en = map[string]string{
	"app.name": "Yibao Health",

	"error.400.title": "Bad request",
	"error.400.body":  "We could not process what was sent. Please check it and try again.",
	"error.403.title": "Access denied",
	"error.403.body":  "You do not have permission to open this page. If you think this is a mistake, please contact support.",
	"error.404.title": "Page not found",
	"error.404.body":  "The page you asked for does not exist or has been removed.",
	"error.413.title": "Too large",
	"error.413.body":  "What you sent is larger than allowed.",
	"error.500.title": "Something went wrong",
	"error.500.body":  "We have logged the problem. Please try again later.",
	"error.503.title": "Service unavailable",
	"error.503.body":  "The request timed out or the service is under maintenance. Please try again later.",
	"error.csrf":      "This page has expired. Please reload it and submit again.",
	"error.request_id": "Request ID: %s",
	"error.back_home":  "Back to the home page",
}
