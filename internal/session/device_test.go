package session

import "testing"

func TestDeviceSummary(t *testing.T) {
	for ua, want := range map[string]string{
		uaChrome: "Chrome 126 on Android",
		uaSafari: "Safari 17 on iPhone",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0":                                                                                   "Edge 156 on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0":                                                                                                                             "Firefox 128 on macOS",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.153 Mobile/15E148 Safari/604.1":                                                                 "Chrome 126 on iPhone",
		"Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47": "WeChat 8 on Android",
		"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1":                                                                                  "Safari 16 on iPad",
		"Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.4.300":                                                        "Huawei Browser 5 on HarmonyOS",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36":                                                                                                           "Chrome 126 on Linux",
		"curl/8.5.0": "Unknown browser",
		"":           "Unknown browser",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64)": "Unknown browser on Windows",
	} {
		if got := DeviceSummary(ua); got != want {
			t.Errorf("DeviceSummary(%.60q…) = %q, want %q", ua, got, want)
		}
	}
}

func TestTruncateIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.77":             "203.0.113.0",
		"203.0.113.77:443":         "203.0.113.0",
		"10.1.2.255":               "10.1.2.0",
		"::ffff:198.51.100.9":      "198.51.100.0",
		"2001:db8:1:2::5":          "2001:db8:1::",
		"[2001:db8:abcd:12::1]:80": "2001:db8:abcd::",
		"fe80::1%eth0":             "fe80::",
		"::1":                      "::",
		"":                         "",
		"not an ip":                "",
	} {
		if got := TruncateIP(in); got != want {
			t.Errorf("TruncateIP(%q) = %q, want %q", in, got, want)
		}
	}
}
