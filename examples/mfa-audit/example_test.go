package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// Example audits the test servers' sample organisation, the same on every
// run, as `go run ./examples/mfa-audit -strict` does, and prints the
// summary table: each provider's users (audited, not audited, disabled),
// its devices by status, and its findings. -strict turns the findings into
// exit status 1.
func Example() {
	var out strings.Builder
	code := run(context.Background(), []string{"-strict"}, &out, io.Discard, os.Getenv)
	summary, _, _ := strings.Cut(out.String(), "\n\n")
	fmt.Println(summary)
	fmt.Println("exit status", code)
	// Output:
	// PROVIDER  TYPE              USERS  AUDITED  NOT AUDITED  DISABLED  DEVICES  ACTIVE  PENDING  UNKNOWN  FINDINGS  ERRORS
	// hw-iam    huawei-iam        12     11       0            1         8        8       0        0        5         0
	// hw-ws     huawei-workspace  12     9        0            3         18       6       8        4        15        0
	// rax       rackspace         12     11       0            1         17       13      4        0        10        0
	// zs        zstack            12     10       0            2         16       11      4        1        10        0
	// TOTAL                       48     41       0            7         59                                 40        0
	// exit status 1
}
