package bench_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bytedance/sonic"
	jsonexp "github.com/go-json-experiment/json"
	gojson "github.com/goccy/go-json"
	hwutils "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
	jsoniter "github.com/json-iterator/go"

	"github.com/openmfa/mfa-go/internal/bench"
)

// decoder decodes a whole body into v, as json.Unmarshal does.
type decoder struct {
	name   string
	decode func(data []byte, v any) error
}

// decoders are the decoders compared on the same body and target type.
// json-v2 (encoding/json/v2) joins them in a build with
// GOEXPERIMENT=jsonv2 (decode_jsonv2_test.go).
var decoders = []decoder{
	{"encoding-json", json.Unmarshal},
	{"encoding-json-decoder", func(data []byte, v any) error {
		return json.NewDecoder(bytes.NewReader(data)).Decode(v)
	}},
	{"json-iterator", jsoniter.ConfigCompatibleWithStandardLibrary.Unmarshal},
	{"goccy-go-json", gojson.Unmarshal},
	{"json-experiment", func(data []byte, v any) error { return jsonexp.Unmarshal(data, v) }},
	{"sonic", sonic.Unmarshal},
	{"sonic-std", sonic.ConfigStd.Unmarshal},
}

// BenchmarkDecode1000 decodes the list of 1,000 virtual MFA devices, with
// no I/O, into the same struct for every decoder: indent is the body of
// the per-call benchmarks (2-space indent, 132 KB), compact the same
// without whitespace (106 KB). huawei-sdk is the SDK's own path
// (json-iterator through a bytes.Reader, UseNumber) into its own model, as
// its ListUserMfaDevices does after reading the body.
func BenchmarkDecode1000(b *testing.B) {
	b.Run("indent", func(b *testing.B) { decodeBench(b, bench.VirtualMFABody(1000)) })
	b.Run("compact", func(b *testing.B) { decodeBench(b, bench.VirtualMFABodyCompact(1000)) })
}

func decodeBench(b *testing.B, body []byte) {
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var v bench.VirtualMFAList
				if err := d.decode(body, &v); err != nil || len(v.Devices) != 1000 {
					b.Fatal(err, len(v.Devices))
				}
			}
		})
	}
	b.Run("huawei-sdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			v := new(iammodel.ListUserMfaDevicesResponse)
			if err := hwutils.Unmarshal(body, &v); err != nil || len(*v.VirtualMfaDevices) != 1000 {
				b.Fatal(err)
			}
		}
	})
}

// TestDecodersAgree checks that every decoder compared reads the bodies of
// the benchmarks exactly as encoding/json does, so that their speeds are
// speeds of the same work.
func TestDecodersAgree(t *testing.T) {
	bodies := map[string][]byte{
		"vmfa-1000":         bench.VirtualMFABody(1000),
		"vmfa-1000-compact": bench.VirtualMFABodyCompact(1000),
		"otp-55":            bench.OTPBody(55),
	}
	for name, body := range bodies {
		for _, d := range decoders {
			t.Run(name+"/"+d.name, func(t *testing.T) {
				if name == "otp-55" {
					var want, got bench.OTPList
					if err := json.Unmarshal(body, &want); err != nil {
						t.Fatal(err)
					}
					if err := d.decode(body, &got); err != nil {
						t.Fatal(err)
					}
					if len(got.OTPDevices) != 55 || !reflect.DeepEqual(want, got) {
						t.Fatalf("%s decodes the body differently", d.name)
					}
					return
				}
				var want, got bench.VirtualMFAList
				if err := json.Unmarshal(body, &want); err != nil {
					t.Fatal(err)
				}
				if err := d.decode(body, &got); err != nil {
					t.Fatal(err)
				}
				if len(got.Devices) != 1000 || !reflect.DeepEqual(want, got) {
					t.Fatalf("%s decodes the body differently", d.name)
				}
			})
		}
	}
}

// TestBodies checks the sizes the benchmarks claim.
func TestBodies(t *testing.T) {
	if n := len(bench.VirtualMFABody(1000)); n != 132_033 {
		t.Errorf("the indented 1,000-device body is %d bytes, want 132,033", n)
	}
	if n := len(bench.VirtualMFABodyCompact(1000)); n != 106_025 {
		t.Errorf("the compact 1,000-device body is %d bytes, want 106,025", n)
	}
	var l bench.OTPList
	if err := json.Unmarshal(bench.OTPBody(55), &l); err != nil || len(l.OTPDevices) != 55 {
		t.Errorf("the OTP body holds %d devices (%v), want 55", len(l.OTPDevices), err)
	}
}
