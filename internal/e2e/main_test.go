package e2e

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind; the tests
// that make faults also check it one by one (noLeaks).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
