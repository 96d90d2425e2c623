package sqlite

import (
	"testing"

	"yugongkai/storetest"
)

func TestSurveysContract(t *testing.T) {
	storetest.RunSurveys(t, func(t *testing.T, f *storetest.Faults) storetest.SurveyStores {
		db := OpenTemp(t, WithFaults(f.Hook))
		return storetest.SurveyStores{Surveys: db.Surveys(), Consultations: db.Consultations()}
	})
}
