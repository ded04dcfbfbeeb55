package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

func main() {
	limit := flag.Int("max", 0, "stop after this many devices (0: all)")
	flag.Parse()

	// A ZStack emulator on loopback stands in for the real server; point
	// Endpoint and SessionID at yours instead.
	srv, err := zstacktest.NewServer(zstacktest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	zs, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, SessionID: srv.SessionID})
	if err != nil {
		log.Fatal(err)
	}
	defer zs.Close()

	var lister mfa.DeviceLister = zs
	byStatus := map[mfa.Status]int{}
	n := 0
	for dev, err := range lister.AllDevices(context.Background()) {
		if err != nil {
			log.Fatal(err) // the listing stops at its first error
		}
		byStatus[dev.Status()]++
		if n++; n <= 5 {
			fmt.Printf("%s  user %s  %-8s %s\n", dev.ID(), dev.UserID(), dev.Status(), dev.CreatedAt().Format("2006-01-02"))
		}
		if n == *limit {
			break
		}
	}
	fmt.Printf("%d devices: %d active, %d pending, %d unknown\n",
		n, byStatus[mfa.StatusActive], byStatus[mfa.StatusPending], byStatus[mfa.StatusUnknown])
}
