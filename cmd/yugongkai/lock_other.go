//go:build !unix

package main

import "os"

// lockFile does nothing where flock does not exist; the server is built and
// run on Linux.
func lockFile(*os.File) error { return nil }
