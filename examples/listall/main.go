package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"github.com/openmfa/mfa-go/internal/demo"
	"github.com/openmfa/mfa-go/mfa"
)

func main() {
	limit := flag.Int("max", 0, "stop after this many devices (0: all)")
	flag.Parse()

	d, err := demo.Start(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()

	var lister mfa.DeviceLister = d.ZStack
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
