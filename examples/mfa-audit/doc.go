// Command mfa-audit reads every user and every MFA factor of the
// providers a config names (Huawei Cloud IAM and Workspace, Rackspace
// Identity, ZStack) and reports who can log in without a second factor,
// or with a weak one. It is a thin command over package mfa/audit.
//
//	go install github.com/openmfa/mfa-go/examples/mfa-audit@latest
//	mfa-audit [-config FILE] [-format table|json|csv] [-concurrency N]
//	          [-timeout DURATION] [-strict] [-rules LIST]
//	          [-include-disabled | -exclude-disabled] [-rate N] [-v]
//	mfa-audit -h | -version
//
// With no -config it starts the public test servers of the vendor
// packages on loopback, seeded with a sample organisation, and audits
// them: it runs on a fresh machine. A provider whose config names no
// "users" is audited whole: every user it lists.
//
// Exit status: 0 the audit is complete (findings or not); 1 with -strict
// and at least one finding; 2 a usage or config error (nothing was
// called); 3 the audit is incomplete: a call failed, the time ran out or
// the run was interrupted. The report then holds everything read, and
// says who was not audited and why. -h prints the rules, the config keys
// and an example.
//
// A report of a million devices is held in memory until it is written:
// mfa-audit runs Go's garbage collector at GOGC=50 unless GOGC is set in
// its environment, which keeps such an audit under 400 MB resident.
package main
