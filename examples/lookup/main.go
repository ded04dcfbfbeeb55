package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
)

func main() {
	// A Rackspace Identity emulator on loopback stands in for the real
	// service; point Endpoint and Token at yours instead.
	srv, err := rackspacetest.NewServer(rackspacetest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	rax, err := rackspace.NewClient(rackspace.Config{Endpoint: srv.URL, Token: srv.Token})
	if err != nil {
		log.Fatal(err)
	}
	defer rax.Close()

	sample := srv.Devices()[0]
	provider := flag.String("provider", rax.Name(), "provider name")
	user := flag.String("user", sample.UserID, "user id")
	device := flag.String("device", sample.ID, "device id")
	flag.Parse()

	dir, err := mfa.NewDirectory(rax)
	if err != nil {
		log.Fatal(err)
	}
	dev, err := dir.Device(context.Background(), mfa.DeviceRef{Provider: *provider, UserID: *user, DeviceID: *device})
	switch {
	case errors.Is(err, mfa.ErrNotFound):
		fmt.Printf("%s has no device %s for user %s\n", *provider, *device, *user)
		return
	case err != nil:
		log.Fatal(err)
	}
	fmt.Printf("provider:      %s\n", dev.Provider())
	fmt.Printf("user:          %s\n", dev.UserID())
	fmt.Printf("device:        %s %q (%s)\n", dev.ID(), dev.Name(), dev.Kind())
	fmt.Printf("status:        %s (vendor: %q)\n", dev.Status(), dev.VendorStatus())
	if t := dev.CreatedAt(); !t.IsZero() {
		fmt.Printf("created:       %s\n", t.Format("2006-01-02 15:04:05 MST"))
	}
}
