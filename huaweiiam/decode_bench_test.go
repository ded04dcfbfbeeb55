package huaweiiam

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/openmfa/mfa-go/internal/transport"
)

// benchVMFABody is an IAM list of n devices, pretty-printed with a 2-space
// indent as the vendor's examples are, or compact: for 1,000 devices, the
// same 132 KB and 106 KB as internal/bench's bodies.
func benchVMFABody(n int, indent bool) []byte {
	type dev struct {
		UserID       string `json:"user_id"`
		SerialNumber string `json:"serial_number"`
	}
	devs := make([]dev, n)
	for i := range devs {
		id := fmt.Sprintf("%032x", i*7919+1)
		devs[i] = dev{id, "iam/mfa/" + id}
	}
	list := map[string]any{"virtual_mfa_devices": devs}
	if indent {
		b, _ := json.MarshalIndent(list, "", "  ")
		return b
	}
	b, _ := json.Marshal(list)
	return b
}

// benchOTPBody is a Workspace OTP list of n devices of one user, indented
// as internal/bench's OTPBody (55 devices make 12 KB): one device in three
// UNREGISTER, the others REGISTERED.
func benchOTPBody(n int, user string) []byte {
	type dev struct {
		ID         string `json:"id"`
		UserID     string `json:"user_id"`
		UserName   string `json:"user_name"`
		Status     string `json:"status"`
		CreateTime string `json:"create_time"`
	}
	devs := make([]dev, n)
	for i := range devs {
		status := "REGISTERED"
		if i%3 == 0 {
			status = "UNREGISTER"
		}
		devs[i] = dev{fmt.Sprintf("%032x", i*7919+1), user, "zhangsan", status, "2020-04-10 06:45:14"}
	}
	b, _ := json.MarshalIndent(map[string]any{"otp_devices": devs}, "", "  ")
	return b
}

// BenchmarkDecodeVirtualMFADevices1000 is decoding alone, 1,000 devices,
// on the bodies of internal/bench's Decode1000.
func BenchmarkDecodeVirtualMFADevices1000(b *testing.B) {
	for _, layout := range []string{"indent", "compact"} {
		resp := &transport.Response{StatusCode: 200, Body: benchVMFABody(1000, layout == "indent")}
		b.Run(layout, func(b *testing.B) {
			b.SetBytes(int64(len(resp.Body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeVirtualMFADevices(resp, "p"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
