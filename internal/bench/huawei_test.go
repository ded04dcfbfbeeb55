package bench_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
	workspace "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2"
	wsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2/model"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/internal/bench"
)

// Credentials given to both clients. The test server checks none of them:
// both clients pay for building their auth headers (the AK/SK signature
// included), the server does not.
const (
	projectID = "0bec5db98280d2d02fd6c00c2de791ce"
	domainID  = "d78cbac186b744899480f25bd022f468"
	testToken = "MIIbench-token"
	testAK    = "QTWAOYTTINDUT2QVKYUC"
	testSK    = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
)

// testServer serves one body to every request, as the API would, and
// counts the connections it accepts.
type testServer struct {
	*httptest.Server
	conns atomic.Int64
}

func server(b *testing.B, body []byte) *testServer {
	ts := &testServer{}
	ts.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("X-Request-Id", "0b0d1d3e5f6a7b8c9d0e1f2a3b4c5d6e")
		_, _ = w.Write(body)
	}))
	ts.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			ts.conns.Add(1)
		}
	}
	ts.Start()
	b.Cleanup(ts.Close)
	return ts
}

// run runs f as the sub-benchmark name and reports conns, the connections
// the server accepted meanwhile: 1 when the client keeps its connection
// alive.
func (ts *testServer) run(b *testing.B, name string, f func(b *testing.B)) {
	b.Run(name, func(b *testing.B) {
		before := ts.conns.Load()
		f(b)
		b.ReportMetric(float64(ts.conns.Load()-before), "conns")
	})
}

// floor is a round trip with the body read and thrown away: no client can
// do less.
func floor(b *testing.B, url string) {
	hc := &http.Client{Transport: &http.Transport{}}
	b.Cleanup(hc.CloseIdleConnections)
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

// stdlib is net/http and encoding/json, straight; n is the number of
// devices the body must hold.
func stdlib[T any](b *testing.B, url string, n int, count func(*T) int) {
	hc := &http.Client{Transport: &http.Transport{}}
	b.Cleanup(hc.CloseIdleConnections)
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", testToken)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var v T
		err = json.NewDecoder(resp.Body).Decode(&v)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || count(&v) != n {
			b.Fatal(err, count(&v))
		}
	}
}

// sdkConfig is the SDK's HTTP configuration: no retries (its default), no
// HTTP handler (no request logging), its own transport.
func sdkConfig() *config.HttpConfig {
	return config.DefaultHttpConfig().WithRetries(0).WithIgnoreSSLVerification(true)
}

func sdkWorkspace(b *testing.B, url string) *workspace.WorkspaceClient {
	cred, err := basic.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithProjectId(projectID).SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	hc, err := workspace.WorkspaceClientBuilder().WithEndpoints([]string{url}).WithCredential(cred).
		WithHttpConfig(sdkConfig()).SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	return workspace.NewWorkspaceClient(hc)
}

func sdkIAM(b *testing.B, url string) *iam.IamClient {
	cred, err := global.NewCredentialsBuilder().WithAk(testAK).WithSk(testSK).WithDomainId(domainID).SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	hc, err := iam.IamClientBuilder().WithEndpoints([]string{url}).WithCredential(cred).
		WithHttpConfig(sdkConfig()).SafeBuild()
	if err != nil {
		b.Fatal(err)
	}
	return iam.NewIamClient(hc)
}

// mfaClient is an mfa-go client of url with a static token, or with AK/SK
// signing (as the SDK) when aksk is set.
func mfaClient(b *testing.B, url string, aksk bool) *huaweiiam.Client {
	cfg := huaweiiam.Config{IAMEndpoint: url, WorkspaceEndpoint: url, ProjectID: projectID, DomainID: domainID}
	if aksk {
		cfg.AccessKey, cfg.SecretKey = testAK, testSK
	} else {
		cfg.Token = testToken
	}
	c, err := huaweiiam.NewClient(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkWorkspaceOTP55 reads the 55 OTP devices of one Workspace user:
// GET /v2/{project_id}/users/{user_id}/otp-devices.
func BenchmarkWorkspaceOTP55(b *testing.B) {
	const n = 55
	srv := server(b, bench.OTPBody(n))
	url := srv.URL + "/v2/" + projectID + "/users/" + bench.OTPUserID + "/otp-devices"
	srv.run(b, "floor", func(b *testing.B) { floor(b, url) })
	srv.run(b, "stdlib", func(b *testing.B) {
		stdlib(b, url, n, func(l *bench.OTPList) int { return len(l.OTPDevices) })
	})
	srv.run(b, "huawei-sdk", func(b *testing.B) {
		c := sdkWorkspace(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.ListOtpDevicesByUserId(&wsmodel.ListOtpDevicesByUserIdRequest{UserId: bench.OTPUserID})
			if err != nil || resp.OtpDevices == nil || len(*resp.OtpDevices) != n {
				b.Fatal(err, resp)
			}
		}
	})
	for _, aksk := range []bool{false, true} {
		name := "mfa-go"
		if aksk {
			name = "mfa-go-aksk"
		}
		srv.run(b, name, func(b *testing.B) {
			ws := mfaClient(b, srv.URL, aksk).WorkspaceOTP()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				devs, err := ws.UserDevices(ctx, bench.OTPUserID)
				if err != nil || len(devs) != n {
					b.Fatal(err, len(devs))
				}
			}
		})
	}
}

// BenchmarkIAMAllDevices1000 reads every virtual MFA device of an account
// with 1,000 of them: GET /v3.0/OS-MFA/virtual-mfa-devices (132 KB,
// pretty-printed).
func BenchmarkIAMAllDevices1000(b *testing.B) {
	const n = 1000
	srv := server(b, bench.VirtualMFABody(n))
	url := srv.URL + "/v3.0/OS-MFA/virtual-mfa-devices"
	srv.run(b, "floor", func(b *testing.B) { floor(b, url) })
	srv.run(b, "stdlib", func(b *testing.B) {
		stdlib(b, url, n, func(l *bench.VirtualMFAList) int { return len(l.Devices) })
	})
	srv.run(b, "huawei-sdk", func(b *testing.B) {
		c := sdkIAM(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.ListUserMfaDevices(&iammodel.ListUserMfaDevicesRequest{})
			if err != nil || resp.VirtualMfaDevices == nil || len(*resp.VirtualMfaDevices) != n {
				b.Fatal(err, resp)
			}
		}
	})
	for _, aksk := range []bool{false, true} {
		name := "mfa-go"
		if aksk {
			name = "mfa-go-aksk"
		}
		srv.run(b, name, func(b *testing.B) {
			vm := mfaClient(b, srv.URL, aksk).VirtualMFA()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				k := 0
				for _, err := range vm.AllDevices(ctx) {
					if err != nil {
						b.Fatal(err)
					}
					k++
				}
				if k != n {
					b.Fatal(k)
				}
			}
		})
	}
}
