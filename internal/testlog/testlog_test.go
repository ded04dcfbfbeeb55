package testlog_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openmfa/mfa-go/internal/testlog"
)

// Loggers used by concurrent requests must keep every line whole.
func TestConcurrentWritersKeepEveryLine(t *testing.T) {
	logger, logs := testlog.New()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 100 {
				logger.Info("call", "worker", i, "n", j)
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(logs.String(), "\n"), "\n")
	assert.Len(t, lines, 800)
	for _, l := range lines {
		assert.Regexp(t, `^time=\S+ level=INFO msg=call worker=\d n=\d+$`, l)
	}
}

func TestDebugRecordsAreKept(t *testing.T) {
	var b testlog.Buffer
	b.Logger().Debug("response", "status", 200)
	assert.Contains(t, b.String(), "level=DEBUG msg=response status=200")
}
