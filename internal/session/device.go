package session

import (
	"net/netip"
	"strings"
)

// browsers are checked in order: many user agents name several (Edge says
// "Chrome" and "Safari", Chrome says "Safari", in-app browsers add their
// own token), so the most specific comes first. WeChat, QQ, UC, Huawei and
// Xiaomi browsers are common with the portal's users.
var browsers = []struct{ token, name string }{
	{"MicroMessenger/", "WeChat"},
	{"MQQBrowser/", "QQ Browser"},
	{"QQBrowser/", "QQ Browser"},
	{"UCBrowser/", "UC Browser"},
	{"HuaweiBrowser/", "Huawei Browser"},
	{"MiuiBrowser/", "Xiaomi Browser"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"EdgA/", "Edge"},
	{"EdgiOS/", "Edge"},
	{"Edg/", "Edge"},
	{"OPR/", "Opera"},
	{"FxiOS/", "Firefox"},
	{"Firefox/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"Chrome/", "Chrome"},
	{"Version/", "Safari"}, // Safari's own version; only reached if nothing above matched
}

// systems are checked in order, for the same reason (Android UAs say
// "Linux", iPhone UAs say "like Mac OS X").
var systems = []struct{ token, name string }{
	{"HarmonyOS", "HarmonyOS"},
	{"OpenHarmony", "HarmonyOS"},
	{"iPhone", "iPhone"},
	{"iPad", "iPad"},
	{"Android", "Android"},
	{"Windows", "Windows"},
	{"CrOS", "ChromeOS"},
	{"Macintosh", "macOS"},
	{"Linux", "Linux"},
}

// DeviceSummary turns a User-Agent header into a short browser/OS label such
// as "Chrome 126 on Android" or "Safari 17 on iPhone", for the signed-in
// devices page. Only the major version is kept: the full header is a
// fingerprint and is never stored. Unrecognised agents give "Unknown
// browser"; the result is at most 64 bytes.
func DeviceSummary(userAgent string) string {
	browser := ""
	for _, b := range browsers {
		if i := strings.Index(userAgent, b.token); i >= 0 {
			browser = b.name
			if v := majorVersion(userAgent[i+len(b.token):]); v != "" {
				browser += " " + v
			}
			break
		}
	}
	if browser == "" && strings.Contains(userAgent, "Safari/") {
		browser = "Safari"
	}
	system := ""
	for _, s := range systems {
		if strings.Contains(userAgent, s.token) {
			system = s.name
			break
		}
	}
	switch {
	case browser == "" && system == "":
		return "Unknown browser"
	case browser == "":
		return "Unknown browser on " + system
	case system == "":
		return browser
	}
	return browser + " on " + system
}

// majorVersion returns the leading digits of s (at most 5).
func majorVersion(s string) string {
	n := 0
	for n < len(s) && n < 5 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return s[:n]
}

// TruncateIP coarsens an address so it locates a network, not a household:
// IPv4 to its /24 ("203.0.113.77" → "203.0.113.0"), IPv6 to its /48
// ("2001:db8:1:2::5" → "2001:db8:1::"). IPv4-mapped IPv6 counts as IPv4; a
// zone or port is dropped. Anything unparsable gives "".
func TruncateIP(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		ap, err2 := netip.ParseAddrPort(ip)
		if err2 != nil {
			return ""
		}
		a = ap.Addr()
	}
	a = a.Unmap().WithZone("")
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ""
	}
	return p.Addr().String()
}
