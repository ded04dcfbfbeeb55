package testlog_test

import (
	"fmt"
	"strings"

	"github.com/openmfa/mfa-go/internal/testlog"
)

func Example() {
	logger, logs := testlog.New()
	logger.Debug("retrying", "provider", "zstack", "attempt", 2)

	fmt.Println(strings.Contains(logs.String(), "level=DEBUG msg=retrying provider=zstack attempt=2"))
	// Output: true
}
