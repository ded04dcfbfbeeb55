package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// Example audits the emulators' sample organisation, the same on every
// run, as `go run ./examples/mfa-audit -strict` does, and prints the summary
// table: each provider's users and devices by status, and its findings.
// -strict turns the findings into exit status 1.
func Example() {
	var out strings.Builder
	code := run(context.Background(), []string{"-strict"}, &out, io.Discard, os.Getenv)
	summary, _, _ := strings.Cut(out.String(), "\n\n")
	fmt.Println(summary)
	fmt.Println("exit status", code)
	// Output:
	// PROVIDER  TYPE              USERS  DEVICES  ACTIVE  PENDING  DISABLED  UNKNOWN  FINDINGS  ERRORS
	// hw-iam    huawei-iam        12     11       11      0        0         0        1         0
	// hw-ws     huawei-workspace  12     13       11      1        0         1        7         0
	// rax       rackspace         12     16       9       7        0         0        10        0
	// zs        zstack            12     16       10      5        0         1        9         0
	// TOTAL                       48     56                                           27        0
	// exit status 1
}
