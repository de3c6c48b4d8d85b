package i18n

// en is the English catalogue; it has exactly the keys of zh (a test checks).
var en = map[string]string{
	"app.name": "Yibao Health",

	"error.400.title":  "Bad request",
	"error.400.body":   "We could not process what was sent. Please check it and try again.",
	"error.403.title":  "Access denied",
	"error.403.body":   "You do not have permission to open this page. If you think this is a mistake, please contact support.",
	"error.404.title":  "Page not found",
	"error.404.body":   "The page you asked for does not exist or has been removed.",
	"error.413.title":  "Too large",
	"error.413.body":   "What you sent is larger than allowed.",
	"error.500.title":  "Something went wrong",
	"error.500.body":   "We have logged the problem. Please try again later.",
	"error.503.title":  "Service unavailable",
	"error.503.body":   "The request timed out or the service is under maintenance. Please try again later.",
	"error.csrf":       "This page has expired. Please reload it and submit again.",
	"error.request_id": "Request ID: %s",
	"error.back_home":  "Back to the home page",

	// navigation and layout (views/layouts)
	"nav.main":             "Main",
	"nav.footer":           "Footer",
	"nav.home":             "Home",
	"nav.privacy":          "Privacy policy",
	"layout.skip_to_main":  "Skip to main content",
	"layout.language":      "Change language",
	"layout.copyright":     "© Yibao Health. All rights reserved.",
	"layout.data_location": "Your personal and health data are stored on servers in mainland China.",

	// home page (views/pages/home.templ)
	"home.title":                    "Home",
	"home.hero.eyebrow":             "A patient portal that respects your privacy",
	"home.hero.title":               "Your health records, under your control",
	"home.hero.lead":                "At Yibao Health your medical records and test reports are stored encrypted. You decide exactly what each doctor can see and for how long, and you can check at any time who has looked at your data. You can also manage your orders here, and export or delete your data whenever you choose.",
	"home.hero.cta":                 "See our privacy promises",
	"home.features.title":           "What you can do here",
	"home.feature.encrypted.title":  "Encrypted by default",
	"home.feature.encrypted.body":   "Records, scans and lab results are encrypted before they are stored. Not even our support or admin staff can read them directly.",
	"home.feature.doctors.title":    "You choose what each doctor sees",
	"home.feature.doctors.body":     "For each consultation you pick what to share and set a time limit. When it runs out, or you withdraw it, the doctor can no longer look.",
	"home.feature.access_log.title": "See who looked",
	"home.feature.access_log.body":  "Every view by anyone other than you is logged. Your access log shows who looked, when, and at what.",
	"home.feature.your_data.title":  "Your orders and data, your call",
	"home.feature.your_data.body":   "Manage your orders in one place. If you want to leave, export everything, or delete your data and close your account.",
	"home.privacy.title":            "Our promises, in writing",
	"home.privacy.body":             "The privacy policy explains what we collect, why, how long we keep it, and which rights you have. Every promise in it is built into how this portal works.",
	"home.privacy.link":             "Read the privacy policy",

	// privacy policy placeholder (views/pages/privacy.templ)
	"privacy.title":             "Privacy policy",
	"privacy.lead":              "How we treat your information, in plain language.",
	"privacy.coming":            "The full, versioned policy is coming soon. You will be able to read every past version and compare, clause by clause, what changed between any two of them.",
	"privacy.principles.title":  "Our privacy principles",
	"privacy.principle.minimum": "We collect only what the service needs, and nothing more.",
	"privacy.principle.consent": "We ask for your separate consent before collecting or sharing sensitive information, and you can withdraw it at any time.",
	"privacy.principle.encrypt": "Health records are stored encrypted; only you and the doctors you authorise can see them.",
	"privacy.principle.log":     "Every view by someone else is recorded and shown to you.",
	"privacy.principle.tracker": "Our pages contain no third-party trackers; usage is only ever counted in aggregate.",
	"privacy.principle.control": "You can export or delete your data at any time.",

	"dev.outbox.title": "Development outbox",
	"dev.outbox.note":  "Development mode only: the messages that would have gone out by SMS or e-mail (the last 200, kept in memory and cleared on restart). This page does not exist in production.",
	"dev.outbox.empty": "No messages yet.",
}
