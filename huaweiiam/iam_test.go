package huaweiiam

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

func TestVirtualMFAUserDevice(t *testing.T) {
	tests := []struct {
		fixture, userID, wantUser, wantSerial string
	}{
		{"iam_virtual_mfa_device_seed.json", iamUserID, "16b26081f43d4c628c4bb88cf32e9...", "iam/mfa/16b26081f43d4c628c4bb88cf32e9..."},
		{"iam_virtual_mfa_device.json", iamUserID, "16b26081f43d4c628c4bb88cf32e9...", "iam/mfa/16b26081f43d4c628c4bb88cf32e9..."},
		{"iam_virtual_mfa_device_colon.json", "0c5b2b9f1c4d4e3f8a7b6c5d4e3f2a1b", "0c5b2b9f1c4d4e3f8a7b6c5d4e3f2a1b", "iam:0c5b2b9f1c4d4e3f8a7b6c5d4e3f2a1b:mfa/ops-admin"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			mt := newMock(t)
			var got http.Header
			mt.RegisterResponder(http.MethodGet, vmfaURL(tt.userID), func(r *http.Request) (*http.Response, error) {
				got = r.Header.Clone()
				return httpmock.NewBytesResponse(200, fixture(t, tt.fixture)), nil
			})
			c := newTokenClient(t, mt, nil)
			d, err := c.VirtualMFA().UserDevice(context.Background(), tt.userID)
			require.NoError(t, err)
			assert.Equal(t, "huawei-iam", d.Provider())
			assert.Equal(t, tt.wantSerial, d.ID())
			assert.Equal(t, tt.wantSerial, d.SerialNumber())
			assert.Equal(t, tt.wantUser, d.UserID())
			assert.Equal(t, mfa.StatusActive, d.Status())
			assert.Equal(t, mfa.KindTOTP, d.Kind())
			assert.Equal(t, "", d.VendorStatus())
			assert.Equal(t, "", d.UserName())
			assert.Equal(t, "", d.Name())
			assert.True(t, d.CreatedAt().IsZero())

			assert.Equal(t, tokenSentinel, got.Get("X-Auth-Token"))
			assert.Equal(t, "application/json", got.Get("Accept"))
			assert.Equal(t, "application/json", got.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(got.Get("User-Agent"), "mfa-go/"), got.Get("User-Agent"))
			assert.Empty(t, got.Get("Authorization"))

			devs, err := c.VirtualMFA().UserDevices(context.Background(), tt.userID)
			require.NoError(t, err)
			require.Len(t, devs, 1)
			assert.Equal(t, tt.wantSerial, devs[0].ID())
		})
	}
}

func TestVirtualMFAUserWithoutDevice(t *testing.T) {
	for _, name := range []string{"iam_error_0004.json", "iam_error_0004_cased.json"} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, vmfaURL("u-none"),
				jsonResponder(t, 404, name).HeaderAdd(http.Header{"X-Request-Id": {"req-404"}}))
			c := newTokenClient(t, mt, nil)

			devs, err := c.VirtualMFA().UserDevices(context.Background(), "u-none")
			require.NoError(t, err)
			assert.NotNil(t, devs)
			assert.Empty(t, devs)

			d, err := c.VirtualMFA().UserDevice(context.Background(), "u-none")
			assert.Nil(t, d)
			require.ErrorIs(t, err, mfa.ErrNotFound)
			ae := apiError(t, err)
			assert.Equal(t, 404, ae.StatusCode)
			assert.Equal(t, "huawei-iam", ae.Provider)
			assert.Equal(t, "req-404", ae.RequestID)
			assert.True(t, strings.EqualFold(ae.Code, "IAM.0004"), ae.Code)
			assert.Equal(t, 2, mt.GetTotalCallCount(), "a 404 is not retried")
		})
	}
}

// A 404 that does not come from IAM is not "no device".
func TestVirtualMFA404NotFromIAM(t *testing.T) {
	tests := []struct {
		name, body string
		want       error
	}{
		{"gateway API not found", string(fixture(t, "apigw_error_0101.json")), mfa.ErrUnsupported},
		{"proxy page", "<html><body><h1>404 Not Found</h1></body></html>", mfa.ErrNotFound},
		{"empty", "", mfa.ErrNotFound},
		// A proxy's JSON 404 reads as a top-level code, but not IAM's: the
		// user's device is unknown, not absent.
		{"proxy code and message", `{"code":404,"message":"Not Found"}`, mfa.ErrNotFound},
		{"proxy code", `{"code":"NotFound"}`, mfa.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), httpmock.NewStringResponder(404, tt.body))
			c := newTokenClient(t, mt, nil)
			devs, err := c.VirtualMFA().UserDevices(context.Background(), "u1")
			assert.Nil(t, devs)
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, 404, apiError(t, err).StatusCode)
		})
	}
}

func TestVirtualMFAList(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-MFA/virtual-mfa-devices", jsonResponder(t, 200, "iam_virtual_mfa_devices.json"))
	c := newTokenClient(t, mt, nil)
	ctx := context.Background()

	devs, err := c.VirtualMFA().List(ctx)
	require.NoError(t, err)
	require.Len(t, devs, 2)
	assert.Equal(t, "iam/mfa/16b26081f43d4c628c4bb88cf32e9...", devs[0].ID())
	assert.Equal(t, "16b26081f43d4c628c4bb88cf32e9...", devs[0].UserID())
	assert.Equal(t, "iam:0c5b2b9f1c4d4e3f8a7b6c5d4e3f2a1b:mfa/ops-admin", devs[1].ID())
	assert.Equal(t, "0c5b2b9f1c4d4e3f8a7b6c5d4e3f2a1b", devs[1].UserID())
	for _, d := range devs {
		assert.Equal(t, mfa.StatusActive, d.Status())
		assert.Equal(t, "huawei-iam", d.Provider())
	}

	var ids []string
	for d, err := range c.VirtualMFA().AllDevices(ctx) {
		require.NoError(t, err)
		ids = append(ids, d.ID())
	}
	assert.Equal(t, []string{devs[0].ID(), devs[1].ID()}, ids)

	n := 0
	for range c.VirtualMFA().AllDevices(ctx) {
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, 3, mt.GetTotalCallCount(), "one call per listing, no paging")

	// Usable through the mfa interfaces, in a Directory.
	var p mfa.Provider = c.VirtualMFA()
	_, ok := p.(mfa.DeviceLister)
	assert.True(t, ok)
	_, ok = mfa.Provider(c.WorkspaceOTP()).(mfa.DeviceLister)
	assert.False(t, ok, "Workspace has no list of every device")
}

func TestVirtualMFAListEmptyAndErrors(t *testing.T) {
	ctx := context.Background()
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-MFA/virtual-mfa-devices", jsonResponder(t, 200, "iam_virtual_mfa_devices_empty.json"))
	c := newTokenClient(t, mt, nil)
	devs, err := c.VirtualMFA().List(ctx)
	require.NoError(t, err)
	assert.Empty(t, devs)
	for range c.VirtualMFA().AllDevices(ctx) {
		t.Fatal("no device expected")
	}

	mt = newMock(t)
	mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-MFA/virtual-mfa-devices", jsonResponder(t, 403, "iam_error_0002.json"))
	c = newTokenClient(t, mt, nil)
	n := 0
	for d, err := range c.VirtualMFA().AllDevices(ctx) {
		n++
		assert.Nil(t, d)
		assert.ErrorIs(t, err, mfa.ErrForbidden)
	}
	assert.Equal(t, 1, n)
}

func TestLoginProtect(t *testing.T) {
	tests := []struct {
		fixture, userID string
		enabled         bool
		method          string
	}{
		{"iam_login_protect.json", "16b26081f43d4c628c4bb88cf32e9...", true, VerificationVirtualMFA},
		{"iam_login_protect_sms.json", "7a1b2c3d4e5f", true, VerificationSMS},
		{"iam_login_protect_email.json", "8b2c3d4e5f6a", false, VerificationEmail},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-USER/users/"+tt.userID+"/login-protect", jsonResponder(t, 200, tt.fixture))
			c := newTokenClient(t, mt, nil)
			p, err := c.VirtualMFA().LoginProtect(context.Background(), tt.userID)
			require.NoError(t, err)
			assert.Equal(t, tt.userID, p.UserID())
			assert.Equal(t, tt.enabled, p.Enabled())
			assert.Equal(t, tt.method, p.VerificationMethod())
		})
	}

	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-USER/login-protects", jsonResponder(t, 200, "iam_login_protects.json"))
	c := newTokenClient(t, mt, nil)
	ps, err := c.VirtualMFA().LoginProtects(context.Background())
	require.NoError(t, err)
	require.Len(t, ps, 3)
	assert.Equal(t, "16b26081f43d4c628c4bb88cf32e9...", ps[0].UserID())
	assert.True(t, ps[0].Enabled())
	assert.Equal(t, "vmfa", ps[0].VerificationMethod())
	assert.Equal(t, "sms", ps[1].VerificationMethod())
	assert.False(t, ps[2].Enabled())
	assert.Equal(t, `login protection of user "7a1b2c3d4e5f": sms`, ps[1].String())
	assert.Equal(t, `login protection of user "8b2c3d4e5f6a": off`, ps[2].String())

	mt = newMock(t)
	mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-USER/users/ghost/login-protect", jsonResponder(t, 404, "iam_error_0004.json"))
	c = newTokenClient(t, mt, nil)
	_, err = c.VirtualMFA().LoginProtect(context.Background(), "ghost")
	assert.ErrorIs(t, err, mfa.ErrNotFound)
}

// Bodies that are not what the API promises: a clear error naming the
// provider, the status and the first bytes of the body; never a panic,
// never a silently empty answer.
func TestBrokenBodies(t *testing.T) {
	type call func(c *Client) error
	userDevice := func(c *Client) error { _, err := c.VirtualMFA().UserDevice(context.Background(), "u1"); return err }
	userDevices := func(c *Client) error { _, err := c.VirtualMFA().UserDevices(context.Background(), "u1"); return err }
	list := func(c *Client) error { _, err := c.VirtualMFA().List(context.Background()); return err }
	protect := func(c *Client) error { _, err := c.VirtualMFA().LoginProtect(context.Background(), "u1"); return err }
	protects := func(c *Client) error { _, err := c.VirtualMFA().LoginProtects(context.Background()); return err }
	otp := func(c *Client) error { _, err := c.WorkspaceOTP().OTPDevices(context.Background(), "u1"); return err }

	urls := map[string]string{
		"userDevice": vmfaURL("u1"), "userDevices": vmfaURL("u1"),
		"list":     iamBase + "/v3.0/OS-MFA/virtual-mfa-devices",
		"protect":  iamBase + "/v3.0/OS-USER/users/u1/login-protect",
		"protects": iamBase + "/v3.0/OS-USER/login-protects",
		"otp":      otpURL("u1"),
	}
	tests := []struct {
		fixture string
		calls   map[string]call
		want    string
	}{
		{"broken_truncated.json", map[string]call{"userDevice": userDevice, "list": list, "protect": protect, "protects": protects, "otp": otp}, "body starts"},
		{"broken_proxy.html", map[string]call{"userDevices": userDevices, "list": list, "protects": protects, "otp": otp}, "502 Bad Gateway"},
		{"broken_empty.json", map[string]call{"userDevice": userDevice, "list": list, "protect": protect, "otp": otp}, "the body is empty"},
		{"broken_wrong_types.json", map[string]call{"otp": otp}, "cannot unmarshal number"},
		{"broken_not_a_list.json", map[string]call{"otp": otp}, "cannot unmarshal object"},
		{"broken_empty_object.json", map[string]call{"userDevice": userDevice, "list": list, "protect": protect, "protects": protects, "otp": otp}, "no \""},
		{"broken_no_id.json", map[string]call{"otp": otp}, "has no id"},
		{"broken_virtual_mfa_wrong_types.json", map[string]call{"userDevice": userDevice}, "cannot unmarshal number"},
		{"broken_virtual_mfa_no_serial.json", map[string]call{"userDevices": userDevices}, "has no serial_number"},
		{"broken_virtual_mfa_null.json", map[string]call{"userDevice": userDevice}, "null"},
		{"broken_login_protect_wrong_types.json", map[string]call{"protect": protect}, "cannot unmarshal"},
		{"ws_otp_devices.json", map[string]call{"userDevice": userDevice, "list": list, "protect": protect}, "no \""}, // the wrong API's body
	}
	for _, tt := range tests {
		for name, call := range tt.calls {
			t.Run(tt.fixture+"/"+name, func(t *testing.T) {
				mt := newMock(t)
				mt.RegisterResponder(http.MethodGet, urls[name], httpmock.NewBytesResponder(200, fixture(t, tt.fixture)))
				c := newTokenClient(t, mt, nil)
				err := call(c)
				require.ErrorIs(t, err, mfa.ErrInvalidResponse)
				ae := apiError(t, err)
				assert.Equal(t, 200, ae.StatusCode)
				assert.Contains(t, []string{"huawei-iam", "huawei-workspace"}, ae.Provider)
				assert.Contains(t, err.Error(), ae.Provider)
				assert.Contains(t, err.Error(), tt.want)
				assert.NotContains(t, err.Error(), "<h1>")
			})
		}
	}
}

// Every id goes into the path as one escaped segment; an id that cannot
// be valid is refused before any request.
func TestPathEscaping(t *testing.T) {
	ctx := context.Background()
	ids := map[string]string{
		"a/b":        "a%2Fb",
		"../x":       "..%2Fx",
		"a b":        "a%20b",
		"x?y#z":      "x%3Fy%23z",
		"ü%2F":       "%C3%BC%252F",
		"16b...e9..": "16b...e9..",
	}
	for id, escaped := range ids {
		t.Run(id, func(t *testing.T) {
			mt := newMock(t)
			var paths []string
			record := func(body string) httpmock.Responder {
				return func(r *http.Request) (*http.Response, error) {
					paths = append(paths, r.URL.EscapedPath())
					return httpmock.NewStringResponse(200, body), nil
				}
			}
			rx := `=~^https://(iam|workspace)\.example\.com/`
			mt.RegisterResponder(http.MethodGet, rx+`v3\.0/OS-MFA/users/.*/virtual-mfa-device\z`, record(`{"virtual_mfa_device":{"serial_number":"s"}}`))
			mt.RegisterResponder(http.MethodGet, rx+`v3\.0/OS-USER/users/.*/login-protect\z`, record(`{"login_protect":{"enabled":true}}`))
			mt.RegisterResponder(http.MethodGet, rx+`v2/.*/otp-devices\z`, record(`{"otp_devices":[]}`))
			c := newTokenClient(t, mt, nil)

			d, err := c.VirtualMFA().UserDevice(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, id, d.UserID(), "the asked id fills in a user id the body left out")
			p, err := c.VirtualMFA().LoginProtect(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, id, p.UserID())
			_, err = c.WorkspaceOTP().OTPDevices(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, []string{
				"/v3.0/OS-MFA/users/" + escaped + "/virtual-mfa-device",
				"/v3.0/OS-USER/users/" + escaped + "/login-protect",
				"/v2/" + projectID + "/users/" + escaped + "/otp-devices",
			}, paths)
		})
	}

	for _, bad := range []string{"", ".", "..", "a\nb", "a\x00", "\xff\xfe", strings.Repeat("x", 1025)} {
		t.Run("refused", func(t *testing.T) {
			mt := newMock(t)
			c := newTokenClient(t, mt, nil)
			_, err := c.VirtualMFA().UserDevice(ctx, bad)
			assert.ErrorIs(t, err, mfa.ErrBadRequest)
			_, err = c.VirtualMFA().UserDevices(ctx, bad)
			assert.ErrorIs(t, err, mfa.ErrBadRequest, "a refused id is not 'no device'")
			_, err = c.VirtualMFA().LoginProtect(ctx, bad)
			assert.ErrorIs(t, err, mfa.ErrBadRequest)
			_, err = c.WorkspaceOTP().OTPDevices(ctx, bad)
			assert.ErrorIs(t, err, mfa.ErrBadRequest)
			_, err = c.WorkspaceOTP().UserDevices(ctx, bad)
			require.ErrorIs(t, err, mfa.ErrBadRequest)
			assert.Contains(t, err.Error(), "huawei-workspace")
			assert.Zero(t, mt.GetTotalCallCount(), "no request is sent")
		})
	}
}

func TestContextCancelled(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, vmfaURL("u1"), httpmock.NewStringResponder(503, `{"error_code":"APIG.0308","error_msg":"slow down"}`).Delay(20*time.Millisecond))
	cfg := tokenConfig(mt, nil)
	cfg.Retry = mfa.RetryPolicy{MaxAttempts: 10, MinWait: time.Second, MaxWait: time.Second}
	c, err := NewClient(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.VirtualMFA().UserDevices(ctx, "u1")
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
}
