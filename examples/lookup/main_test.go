package main

// Example runs the program against the emulators of internal/sim, whose
// sample organisation is the same on every run.
func Example() {
	main()
	// Output:
	// provider:      rackspace
	// user:          1b526b7dab261003933ffd4c61e9ba1e
	// device:        5945b0a9f0a77d17be7a77105ca03084 "Phone"
	// status:        pending (vendor: "unverified")
}
