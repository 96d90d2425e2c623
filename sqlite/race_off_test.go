//go:build !race

package sqlite

// underRace: see race_on_test.go.
const underRace = false
