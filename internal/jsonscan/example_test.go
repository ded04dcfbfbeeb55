package jsonscan_test

import (
	"fmt"

	"github.com/openmfa/mfa-go/internal/jsonscan"
)

func ExampleDecoder() {
	body := `{"devices": [{"id": "d1", "active": true}, {"id": "d2", "extra": [1, 2]}], "total": 2}`
	type device struct {
		id     string
		active bool
	}
	var devices []device
	d := jsonscan.NewDecoder(body)
	for key := range d.Members() {
		if !jsonscan.Match(key, "devices") {
			continue // an unread value is skipped
		}
		for range d.Elements() {
			var dev device
			for key := range d.Members() {
				switch {
				case jsonscan.Match(key, "id"):
					dev.id, _ = d.String()
				case jsonscan.Match(key, "active"):
					dev.active, _ = d.Bool()
				}
			}
			devices = append(devices, dev)
		}
	}
	if err := d.End(); err != nil {
		panic(err)
	}
	fmt.Println(devices)

	bad := jsonscan.NewDecoder(`{"devices": [{"id": 7}]}`)
	for range bad.Members() {
		for range bad.Elements() {
			for range bad.Members() {
				bad.String()
			}
		}
	}
	fmt.Println(bad.End())
	// Output:
	// [{d1 true} {d2 false}]
	// a JSON number where a string belongs, at offset 20
}
