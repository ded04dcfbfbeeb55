package demo_test

import (
	"context"
	"fmt"

	"github.com/openmfa/mfa-go/internal/demo"
)

func ExampleStart() {
	d, err := demo.Start(nil)
	if err != nil {
		panic(err)
	}
	defer d.Close()
	for _, p := range d.Providers() {
		devices, err := p.UserDevices(context.Background(), "no-such-user")
		fmt.Println(p.Name(), len(devices), err != nil)
	}
	// Output:
	// huawei-iam 0 false
	// huawei-workspace 0 true
	// rackspace 0 true
	// zstack 0 false
}
