package timeparse_test

import (
	"fmt"
	"time"

	"github.com/openmfa/mfa-go/internal/timeparse"
)

func ExampleParse() {
	shanghai := time.FixedZone("CST", 8*3600)
	t, ok := timeparse.Parse("Oct 28, 2025 2:09:26 PM", shanghai, "Jan 2, 2006 3:04:05 PM", time.RFC3339)
	fmt.Println(t, ok)
	_, ok = timeparse.Parse("yesterday", nil, time.RFC3339)
	fmt.Println(ok)
	// Output:
	// 2025-10-28 06:09:26 +0000 UTC true
	// false
}
