package main

import (
	"os"
	"testing"

	"yugongkai/mongodb/mongotest"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }
