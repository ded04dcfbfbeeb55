package pause_test

import (
	"context"
	"fmt"

	"github.com/openmfa/mfa-go/internal/pause"
)

type slot struct{}

func (slot) Pause()                       { fmt.Println("slot given back") }
func (slot) Resume(context.Context) error { fmt.Println("slot taken again"); return nil }

// A call that waits its turn gives its caller's slot back meanwhile.
func ExampleDuring() {
	ctx := pause.With(context.Background(), slot{})
	_ = pause.During(ctx, func() error {
		fmt.Println("waiting for the vendor's pace")
		return nil
	})
	// Output:
	// slot given back
	// waiting for the vendor's pace
	// slot taken again
}
