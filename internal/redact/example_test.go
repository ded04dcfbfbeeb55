package redact_test

import (
	"fmt"

	"github.com/openmfa/mfa-go/internal/redact"
)

// credentials is a type that holds a secret and prints none.
type credentials struct {
	user, password string
}

func (c credentials) Format(f fmt.State, verb rune) {
	text := fmt.Sprintf("credentials{user: %s, password: %s}", c.user, redact.IfSet(c.password))
	redact.Format(f, verb, text, fmt.Sprintf("%#v", text))
}

func ExampleFormat() {
	c := credentials{user: "auditor", password: "hunter2"}
	fmt.Printf("%v\n%+v\n%s\n%d\n", c, c, &c, c)
	fmt.Println(redact.Endpoint("https://auditor:hunter2@iam.example.com/v3"))
	// Output:
	// credentials{user: auditor, password: [REDACTED]}
	// credentials{user: auditor, password: [REDACTED]}
	// credentials{user: auditor, password: [REDACTED]}
	// credentials{user: auditor, password: [REDACTED]}
	// https://[REDACTED]@iam.example.com/v3
}
