package web

import (
	"encoding/xml"
	"strings"
	"testing"

	"yugongkai/comments"
	"yugongkai/i18n"
)

func TestReportChart(t *testing.T) {
	r := &comments.Report{ByDisposition: map[comments.Outcome]int{comments.Adopted: 3, comments.NotAdopted: 12}, Undisposed: 1}
	svg := string(reportChart(r, i18n.ZH))
	if err := xml.Unmarshal([]byte(svg), new(any)); err != nil {
		t.Fatalf("chart is not well-formed XML: %v\n%s", err, svg)
	}
	for _, want := range []string{"采纳", "未采纳", ">12<", ">3<", "<title", "<desc"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	// The longest bar is the full width; the others are proportional.
	if !strings.Contains(svg, `width="180" height="24" class="bar-not_adopted"`) || !strings.Contains(svg, `width="45" height="24" class="bar-adopted"`) {
		t.Errorf("bar widths wrong:\n%s", svg)
	}
}
