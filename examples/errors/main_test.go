package main

import "testing"

// TestRuns runs the program against the emulators: it must finish
// without a fatal error.
func TestRuns(t *testing.T) { main() }
