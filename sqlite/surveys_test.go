package sqlite

import (
	"testing"

	"yugongkai/storetest"
	"yugongkai/surveys"
)

func TestSurveysContract(t *testing.T) {
	storetest.RunSurveys(t, func(t *testing.T, f *storetest.Faults) surveys.Store {
		return OpenTemp(t, WithFaults(f.Hook)).Surveys()
	})
}
