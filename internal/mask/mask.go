// Package mask hides most of a personal value for screens and logs (DESIGN.md §2, L2):
// phone 138****1234, ID 110***********1234, name 张*, e-mail a***@example.com. Masking
// is done on the server, never with CSS, so the full value never reaches the browser.
package mask

import (
	"strings"
	"unicode/utf8"
)

// Phone keeps the first three and last four digits of a mobile number:
// "13812341234" becomes "138****1234". Shorter numbers keep less.
func Phone(phone string) string {
	r := []rune(strings.TrimSpace(phone))
	switch n := len(r); {
	case n == 0:
		return ""
	case n <= 2:
		return "****"
	case n < 7:
		return "****" + string(r[n-2:])
	case n < 11:
		return string(r[:2]) + "****" + string(r[n-2:])
	default:
		return string(r[:3]) + "****" + string(r[n-4:])
	}
}

// Email keeps the first character of the local part and the domain:
// "alice@example.com" becomes "a***@example.com". Without an "@" it is "***".
func Email(addr string) string {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "***"
	}
	local := []rune(addr[:at])
	if len(local) == 0 {
		return "***" + addr[at:]
	}
	return string(local[0]) + "***" + addr[at:]
}

// IDNumber keeps the first three and last four characters of an identity-document
// number and stars the rest one for one, so the length stays recognisable:
// "110101199003071234" becomes "110***********1234". Short numbers keep only the last two.
func IDNumber(id string) string {
	r := []rune(strings.TrimSpace(id))
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n <= 8:
		keep := min(2, n-1)
		return strings.Repeat("*", n-keep) + string(r[n-keep:])
	default:
		return string(r[:3]) + strings.Repeat("*", n-7) + string(r[n-4:])
	}
}

// Name keeps the first character (the family name for Chinese names) and stars the
// rest: "张三" becomes "张*", "欧阳娜娜" becomes "欧***", "Alice Wang" becomes "A*********".
func Name(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	first, size := utf8.DecodeRuneInString(name)
	rest := utf8.RuneCountInString(name[size:])
	if rest == 0 {
		return "*"
	}
	return string(first) + strings.Repeat("*", rest)
}

// Address keeps the region part (province, city, district) and hides the street
// address: Address("广东省", "深圳市", "南山区", "科技园路 1 号") is "广东省深圳市南山区****".
func Address(province, city, district, street string) string {
	out := strings.TrimSpace(province) + strings.TrimSpace(city) + strings.TrimSpace(district)
	if strings.TrimSpace(street) != "" {
		out += "****"
	}
	return out
}
