// Command lookup finds one device by provider, user and device id, with
// mfa.Directory, whichever vendor holds it.
//
//	go run ./examples/lookup [-provider NAME -user ID -device ID]
//
// It runs against rackspacetest, the public Rackspace test server; with no
// flags it looks up a device of its sample organisation.
package main
