package mongodb_test

import (
	"testing"

	"yugongkai/mongodb"
	"yugongkai/mongodb/mongotest"
	"yugongkai/storetest"
	"yugongkai/surveys"
)

func TestSurveysContract(t *testing.T) {
	for _, target := range mongotest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			storetest.RunSurveys(t, func(t *testing.T, f *storetest.Faults) surveys.Store {
				return mongotest.OpenURI(t, target.URI, mongodb.WithFaults(f.Hook)).Surveys()
			})
		})
	}
}
