package bench_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
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
	"github.com/openmfa/mfa-go/internal/benchkit"
	"github.com/openmfa/mfa-go/mfa"
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

// server serves body to every request, as the API would.
func server(b *testing.B, body []byte) *benchkit.Server {
	return benchkit.NewServer(b, http.Header{
		"Content-Type": {"application/json;charset=UTF-8"},
		"X-Request-Id": {"0b0d1d3e5f6a7b8c9d0e1f2a3b4c5d6e"},
	}, body)
}

// stdlib is net/http and encoding/json, straight, into T; count says how
// many devices a T holds, which must be n.
func stdlib[T any](b *testing.B, url string, n int, count func(*T) int) {
	benchkit.Stdlib(b, url, http.Header{"X-Auth-Token": {testToken}}, n, func(r io.Reader) (int, error) {
		var v T
		err := json.NewDecoder(r).Decode(&v)
		return count(&v), err
	})
}

// mfaGo runs read through mfa-go's public API as two sub-benchmarks: with
// a static X-Auth-Token (mfa-go), and signing with AK/SK as the SDK must
// (mfa-go-aksk). read returns how many devices it read, which must be n.
func mfaGo(b *testing.B, srv *benchkit.Server, n int, read func(context.Context, *huaweiiam.Client) (int, error)) {
	for _, aksk := range []bool{false, true} {
		name := "mfa-go"
		if aksk {
			name = "mfa-go-aksk"
		}
		srv.Run(b, name, func(b *testing.B) {
			c := mfaClient(b, srv.URL, aksk)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if k, err := read(ctx, c); err != nil || k != n {
					b.Fatal(err, k)
				}
			}
		})
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
		cfg.AccessKey, cfg.SecretKey = testAK, mfa.NewSecret(testSK)
	} else {
		cfg.Token = mfa.NewSecret(testToken)
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
	srv.Run(b, "floor", func(b *testing.B) { benchkit.Floor(b, url) })
	srv.Run(b, "stdlib", func(b *testing.B) {
		stdlib(b, url, n, func(l *bench.OTPList) int { return len(l.OTPDevices) })
	})
	srv.Run(b, "huawei-sdk", func(b *testing.B) {
		c := sdkWorkspace(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.ListOtpDevicesByUserId(&wsmodel.ListOtpDevicesByUserIdRequest{UserId: bench.OTPUserID})
			if err != nil || resp.OtpDevices == nil || len(*resp.OtpDevices) != n {
				b.Fatal(err, resp)
			}
		}
	})
	mfaGo(b, srv, n, func(ctx context.Context, c *huaweiiam.Client) (int, error) {
		devs, err := c.WorkspaceOTP().UserDevices(ctx, bench.OTPUserID)
		return len(devs), err
	})
}

// BenchmarkIAMAllDevices1000 reads every virtual MFA device of an account
// with 1,000 of them: GET /v3.0/OS-MFA/virtual-mfa-devices (132 KB,
// pretty-printed).
func BenchmarkIAMAllDevices1000(b *testing.B) {
	const n = 1000
	srv := server(b, bench.VirtualMFABody(n))
	url := srv.URL + "/v3.0/OS-MFA/virtual-mfa-devices"
	srv.Run(b, "floor", func(b *testing.B) { benchkit.Floor(b, url) })
	srv.Run(b, "stdlib", func(b *testing.B) {
		stdlib(b, url, n, func(l *bench.VirtualMFAList) int { return len(l.Devices) })
	})
	srv.Run(b, "huawei-sdk", func(b *testing.B) {
		c := sdkIAM(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.ListUserMfaDevices(&iammodel.ListUserMfaDevicesRequest{})
			if err != nil || resp.VirtualMfaDevices == nil || len(*resp.VirtualMfaDevices) != n {
				b.Fatal(err, resp)
			}
		}
	})
	mfaGo(b, srv, n, func(ctx context.Context, c *huaweiiam.Client) (int, error) {
		k := 0
		for _, err := range c.VirtualMFA().AllDevices(ctx) {
			if err != nil {
				return k, err
			}
			k++
		}
		return k, nil
	})
}
