// Command audit reads the MFA devices of every configured provider and
// reports users without an active device, devices never bound or verified,
// and vendor statuses this module does not know.
//
//	go run ./examples/mfa-audit [-config FILE] [-format table|json|csv]
//	                        [-concurrency N] [-timeout DURATION] [-strict] [-v]
//
// With no -config it starts loopback emulators of the four APIs, seeded
// with a sample organisation, and audits them.
//
// Exit status: 0 when every call succeeded (findings or not); 1 with
// -strict when there is a finding; 2 when the config is invalid or a call
// failed (the report still holds everything that was read).
package main
