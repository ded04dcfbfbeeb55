package huaweiiam_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/openmfa/mfa-go/huaweiiam"
)

// The bodies of the benchmarks: what the APIs send, pretty-printed as the
// vendor's examples are.

type benchOTP struct {
	ID         string `json:"id"`
	UserID     string `json:"user_id"`
	UserName   string `json:"user_name"`
	Status     string `json:"status"`
	CreateTime string `json:"create_time"`
}

type benchVMFA struct {
	UserID       string `json:"user_id"`
	SerialNumber string `json:"serial_number"`
}

func hex32(i int) string { return fmt.Sprintf("%032x", i*7919+1) }

func otpBody(n int) []byte {
	devs := make([]benchOTP, n)
	for i := range devs {
		status := "REGISTERED"
		if i%3 == 0 {
			status = "UNREGISTER"
		}
		devs[i] = benchOTP{hex32(i), "8a2c3f9579d240820179d51e6caf0001", "zhangsan", status, "2020-04-10 06:45:14"}
	}
	b, _ := json.MarshalIndent(map[string]any{"otp_devices": devs}, "", "  ")
	return b
}

func vmfaBody(n int) []byte {
	devs := make([]benchVMFA, n)
	for i := range devs {
		devs[i] = benchVMFA{hex32(i), "iam/mfa/" + hex32(i)}
	}
	b, _ := json.MarshalIndent(map[string]any{"virtual_mfa_devices": devs}, "", "  ")
	return b
}

func benchServer(b *testing.B, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(b *testing.B, srv *httptest.Server) *huaweiiam.Client {
	c, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint: srv.URL, WorkspaceEndpoint: srv.URL, ProjectID: "p1", Token: "t",
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// floor is a round trip with the body read and thrown away: no client can
// do less.
func floor(b *testing.B, url string) {
	hc := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// stdlib is net/http and encoding/json, straight.
func stdlib[T any](b *testing.B, url string) {
	hc := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Auth-Token", "t")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var v T
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}

func BenchmarkWorkspaceOTP55(b *testing.B) {
	body := otpBody(55)
	srv := benchServer(b, body)
	url := srv.URL + "/v2/p1/users/u1/otp-devices"
	b.Run("floor", func(b *testing.B) { floor(b, url) })
	b.Run("stdlib", func(b *testing.B) {
		stdlib[struct {
			OTPDevices []benchOTP `json:"otp_devices"`
		}](b, url)
	})
	b.Run("mfa-go", func(b *testing.B) {
		ws := benchClient(b, srv).WorkspaceOTP()
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			devs, err := ws.UserDevices(ctx, "u1")
			if err != nil || len(devs) != 55 {
				b.Fatal(err, len(devs))
			}
		}
	})
}

func BenchmarkIAMAllDevices1000(b *testing.B) {
	body := vmfaBody(1000)
	srv := benchServer(b, body)
	url := srv.URL + "/v3.0/OS-MFA/virtual-mfa-devices"
	b.Run("floor", func(b *testing.B) { floor(b, url) })
	b.Run("stdlib", func(b *testing.B) {
		stdlib[struct {
			Devices []benchVMFA `json:"virtual_mfa_devices"`
		}](b, url)
	})
	b.Run("mfa-go", func(b *testing.B) {
		iam := benchClient(b, srv).VirtualMFA()
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range iam.AllDevices(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 1000 {
				b.Fatal(n)
			}
		}
	})
}
