package web

import (
	"fmt"
	"html/template"
	"strings"

	"yugongkai/comments"
	"yugongkai/i18n"
)

// reportChart renders the adoption report's counts by disposition as an
// SVG bar chart on the server (no JavaScript, no external asset). Bars carry
// their number and label as text, so the chart does not rely on colour, and
// the SVG has a title and description for screen readers.
func reportChart(r *comments.Report, lang i18n.Lang) template.HTML {
	type bar struct {
		label string
		n     int
		class string
	}
	bars := []bar{}
	for _, o := range comments.Outcomes {
		bars = append(bars, bar{i18n.T(lang, "outcome."+string(o)), r.ByDisposition[o], "bar-" + string(o)})
	}
	bars = append(bars, bar{i18n.T(lang, "outcome.none"), r.Undisposed, "bar-none"})
	max := 1
	for _, b := range bars {
		if b.n > max {
			max = b.n
		}
	}
	// The chart is drawn at the width of a phone's column (360 user units
	// shown at 360 CSS px at most), so its 15 px text never shrinks below
	// 12 px on a 320 px screen and is not blown up on a wide one.
	const rowH, labelW, barW, width = 34, 140, 180, 360
	height := rowH*len(bars) + 10
	var sb strings.Builder
	title := template.HTMLEscapeString(i18n.T(lang, "report.chart_title"))
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 %d %d" width="%d" xmlns="http://www.w3.org/2000/svg">`, width, height, width)
	fmt.Fprintf(&sb, `<title id="chart-title">%s</title>`, title)
	var desc []string
	for _, b := range bars {
		desc = append(desc, fmt.Sprintf("%s %d", b.label, b.n))
	}
	fmt.Fprintf(&sb, `<desc id="chart-desc">%s</desc>`, template.HTMLEscapeString(strings.Join(desc, "；")))
	for i, b := range bars {
		y := 5 + i*rowH
		w := b.n * barW / max
		if b.n > 0 && w < 2 {
			w = 2
		}
		fmt.Fprintf(&sb, `<text x="0" y="%d" class="chart-label">%s</text>`, y+21, template.HTMLEscapeString(b.label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="24" class="%s"></rect>`, labelW, y+4, w, b.class)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="chart-value">%d</text>`, labelW+w+6, y+21, b.n)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
