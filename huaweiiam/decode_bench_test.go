package huaweiiam

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/openmfa/mfa-go/internal/transport"
)

func benchVMFABody(n int) []byte {
	type dev struct {
		UserID       string `json:"user_id"`
		SerialNumber string `json:"serial_number"`
	}
	devs := make([]dev, n)
	for i := range devs {
		id := fmt.Sprintf("%032x", i*7919+1)
		devs[i] = dev{id, "iam/mfa/" + id}
	}
	b, _ := json.MarshalIndent(map[string]any{"virtual_mfa_devices": devs}, "", "  ")
	return b
}

// BenchmarkDecodeVirtualMFADevices1000 is decoding alone, 1,000 devices
// (107 KB): this package's decoder and encoding/json's.
func BenchmarkDecodeVirtualMFADevices1000(b *testing.B) {
	resp := &transport.Response{StatusCode: 200, Body: benchVMFABody(1000)}
	b.SetBytes(int64(len(resp.Body)))
	b.Run("jsonscan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeVirtualMFADevices(resp, "p"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := referenceVirtualMFADevices(resp, "p"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
