package pages

import "context"

// ExportResult is the memory of exporting the report.
type ExportResult struct{}

// MeasureExport is not written yet.
func MeasureExport(ctx context.Context, f *Fixture) (*ExportResult, error) {
	return &ExportResult{}, nil
}
