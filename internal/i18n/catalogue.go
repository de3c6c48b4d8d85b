package i18n

// The catalogues are merged from one file per area (messages_<area>.go holds both
// languages of that area), so areas can grow without touching each other.
var (
	zh = merge(zhCore, zhAuth, zhAccount, zhDoctor, zhStaff, zhPolicy, zhConsent, zhGate, zhHealth, zhDocuments, zhAccessLog, zhDirectory, zhConsult, zhClinic, zhEmergency, zhShop, zhOrders, zhSupport)
	en = merge(enCore, enAuth, enAccount, enDoctor, enStaff, enPolicy, enConsent, enGate, enHealth, enDocuments, enAccessLog, enDirectory, enConsult, enClinic, enEmergency, enShop, enOrders, enSupport)
)

func merge(parts ...map[string]string) map[string]string {
	out := make(map[string]string)
	for _, p := range parts {
		for k, v := range p {
			if _, dup := out[k]; dup {
				panic("i18n: message key defined twice: " + k)
			}
			out[k] = v
		}
	}
	return out
}
