// Package bench compares mfa-go with the official Huawei Cloud SDK for Go
// (huaweicloud-sdk-go-v3) and with net/http plus a plain decoder, on the
// same response bodies served by an httptest server on loopback. It also
// measures JSON decoders on the largest body, and the peak heap of a ZStack
// walk over the loopback emulators.
//
// It is a module of its own so that mfa-go never depends on the SDK or on
// the decoders compared here. run.sh, beside this file, reproduces every
// figure of BENCHMARKS.md at the repository root.
package bench
