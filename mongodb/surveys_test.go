package mongodb_test

import (
	"testing"

	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
)

func TestSurveysContract(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunSurveys(t, func(t *testing.T, f *storetest.Faults) storetest.SurveyStores {
				db := mongotest.OpenURI(t, target.URI, mongodb.WithFaults(f.Hook))
				return storetest.SurveyStores{Surveys: db.Surveys(), Consultations: db}
			})
		})
	}
}
