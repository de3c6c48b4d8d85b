package i18n

import "time"

// Beijing is China Standard Time (UTC+8, no daylight saving), the zone every date is
// shown and entered in. It is fixed, so no tzdata is needed.
var Beijing = time.FixedZone("CST", 8*60*60)

// ShortTime formats t as a Beijing date and minute, the portal's display form.
func ShortTime(t time.Time) string { return t.In(Beijing).Format("2006-01-02 15:04") }
