package main

// Example runs the program against the public test servers, whose
// sample organisation is the same on every run.
func Example() {
	main()
	// Output:
	// provider:      rackspace
	// user:          1b526b7dab261003933ffd4c61e9ba1e
	// device:        26347121 "*********18" (sms)
	// status:        active (vendor: "verified")
}
