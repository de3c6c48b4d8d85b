package privacystats

import (
	"fmt"
	"strconv"
)

// Palette hex from tailwind.config.js (SVG fill= attributes are not styles, so the
// CSP's style-src does not block them).
const (
	colAccepted = "#0f766e" // brand-700
	colLater    = "#99f6e4" // brand-200
	colPending  = "#cbd5e1" // ink-300
	colTrack    = "#f1f5f9" // ink-100
	colText     = "#0f172a" // ink-900
	colMuted    = "#334155" // ink-700
	colHatch    = "#1e293b" // ink-800, the stripes of "declined"
	colWhite    = "#ffffff"
)

// Geometry of one chart row (a label line, the bar, a numbers line), in px.
const (
	rowHeight = 72
	barTop    = 20
	barHeight = 18
	numbersY  = 56
)

// seg is one stacked segment of a bar, in percent of the chart's width.
type seg struct {
	X, W string
	Fill string // a colour, or "url(#…)" for a pattern
}

// versionRow is a VersionRow placed in the chart.
type versionRow struct {
	VersionRow
	Y    int
	Segs []seg
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "%" }

// stack turns counts into adjacent segments of a 100% bar; zero counts are left out.
func stack(total int64, parts ...struct {
	n    int64
	fill string
}) []seg {
	var out []seg
	if total <= 0 {
		return out
	}
	x := 0.0
	for _, p := range parts {
		if p.n <= 0 {
			continue
		}
		w := 100 * float64(p.n) / float64(total)
		out = append(out, seg{X: pct(x), W: pct(w), Fill: p.fill})
		x += w
	}
	return out
}

type part = struct {
	n    int64
	fill string
}

// versionChart places the newest ChartVersions rows; it returns them and the
// chart's height.
func versionChart(rows []VersionRow, hatchID string) ([]versionRow, int) {
	if len(rows) > ChartVersions {
		rows = rows[:ChartVersions]
	}
	out := make([]versionRow, 0, len(rows))
	for i, r := range rows {
		out = append(out, versionRow{VersionRow: r, Y: i * rowHeight, Segs: stack(r.Total,
			part{r.Accepted, colAccepted}, part{r.Later, colLater},
			part{r.Pending - r.Declined, colPending}, part{r.Declined, "url(#" + hatchID + ")"})})
	}
	return out, len(out) * rowHeight
}

// purposeRow is a PurposeRow placed in the chart.
type purposeRow struct {
	PurposeRow
	Y int
	W string // the filled width
}

func purposeChart(rows []PurposeRow) ([]purposeRow, int) {
	out := make([]purposeRow, 0, len(rows))
	for i, r := range rows {
		w := 0.0
		if r.Patients > 0 {
			w = 100 * float64(r.Granted) / float64(r.Patients)
		}
		out = append(out, purposeRow{PurposeRow: r, Y: i * rowHeight, W: pct(w)})
	}
	return out, len(out) * rowHeight
}

// Percent formats granted/patients as a whole percentage ("0%" without patients).
func Percent(granted, patients int64) string {
	if patients <= 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(granted)/float64(patients))
}

func itoa(n int) string { return strconv.Itoa(n) }

func i64(n int64) string { return strconv.FormatInt(n, 10) }
