// Command lookup finds one device by provider, user and device id, with
// mfa.Directory, whichever vendor holds it.
//
//	go run ./examples/lookup [-provider NAME -user ID -device ID]
//
// It runs against the built-in emulators; with no flags it looks up a
// device of the sample organisation.
package main
