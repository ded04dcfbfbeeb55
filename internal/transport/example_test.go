package transport_test

import (
	"errors"
	"fmt"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

func ExampleEscapePath() {
	p, _ := transport.EscapePath("/v2/%s/users/%s/otp-devices", "0bec5db9", "../admin")
	fmt.Println(p)
	_, err := transport.EscapePath("/users/%s", "a\nb")
	fmt.Println(errors.Is(err, mfa.ErrBadRequest), err)
	// Output:
	// /v2/0bec5db9/users/..%2Fadmin/otp-devices
	// true bad request: invalid id "a\nb": it holds a control character
}
