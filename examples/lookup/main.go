package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/internal/demo"
	"github.com/openmfa/mfa-go/mfa"
)

func main() {
	d, err := demo.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()

	sample := d.Sim.Rackspace.Devices()[0]
	provider := flag.String("provider", d.Rackspace.Name(), "provider name")
	user := flag.String("user", sample.UserID, "user id")
	device := flag.String("device", sample.ID, "device id")
	flag.Parse()

	dir, err := mfa.NewDirectory(d.Providers()...)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	dev, err := dir.Device(ctx, mfa.DeviceRef{Provider: *provider, UserID: *user, DeviceID: *device})
	switch {
	case errors.Is(err, mfa.ErrNotFound):
		fmt.Printf("%s has no device %s for user %s\n", *provider, *device, *user)
		return
	case err != nil:
		log.Fatal(err)
	}
	fmt.Printf("provider:      %s\n", dev.Provider())
	fmt.Printf("user:          %s\n", dev.UserID())
	fmt.Printf("device:        %s %q\n", dev.ID(), dev.Name())
	fmt.Printf("status:        %s (vendor: %q)\n", dev.Status(), dev.VendorStatus())
	if t := dev.CreatedAt(); !t.IsZero() {
		fmt.Printf("created:       %s\n", t.Format("2006-01-02 15:04:05 MST"))
	}
}
