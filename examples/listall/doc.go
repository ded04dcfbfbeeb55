// Command listall reads every device of one provider with its iterator,
// page by page, and counts them by status. It stops early once it has
// seen -max devices, which ends the listing: no further page is asked for.
//
//	go run ./examples/listall [-max N]
//
// It runs against zstacktest, the public ZStack test server.
package main
