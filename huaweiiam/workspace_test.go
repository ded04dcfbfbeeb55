package huaweiiam

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
)

func TestOTPDevicesSeed(t *testing.T) {
	for _, name := range []string{"ws_otp_devices_seed.json", "ws_otp_devices.json"} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			var got http.Header
			mt.RegisterResponder(http.MethodGet, otpURL(wsUserID), func(r *http.Request) (*http.Response, error) {
				got = r.Header.Clone()
				return httpmock.NewBytesResponse(200, fixture(t, name)), nil
			})
			c := newTokenClient(t, mt, nil)
			devs, err := c.WorkspaceOTP().OTPDevices(context.Background(), wsUserID)
			require.NoError(t, err)
			require.Len(t, devs, 1)
			d := devs[0]
			assert.Equal(t, "huawei-workspace", d.Provider())
			assert.Equal(t, "5311a768c22f4d30914fe50ffdfd1ba5", d.ID())
			assert.Equal(t, wsUserID, d.UserID())
			assert.Equal(t, "zhangsan", d.UserName())
			assert.Equal(t, "", d.Name())
			assert.Equal(t, mfa.StatusPending, d.Status())
			assert.Equal(t, mfa.KindTOTP, d.Kind())
			assert.Equal(t, "UNREGISTER", d.VendorStatus())
			assert.Equal(t, time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC), d.CreatedAt())
			assert.Equal(t, time.UTC, d.CreatedAt().Location())
			assert.Equal(t, "2020-04-10 06:45:14", d.RawCreateTime())

			assert.Equal(t, tokenSentinel, got.Get("X-Auth-Token"))
			assert.Equal(t, "application/json", got.Get("Content-Type"))
			assert.Empty(t, got.Get("X-Project-Id"), "only AK/SK calls send X-Project-Id")

			mds, err := c.WorkspaceOTP().UserDevices(context.Background(), wsUserID)
			require.NoError(t, err)
			require.Len(t, mds, 1)
			assert.Equal(t, d.ID(), mds[0].ID())
		})
	}
}

func TestOTPDevicesLayoutsAndStatuses(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, otpURL(wsUserID), jsonResponder(t, 200, "ws_otp_devices_layouts.json"))
	logs := &testlog.Buffer{}
	c := newTokenClient(t, mt, logs)
	devs, err := c.WorkspaceOTP().OTPDevices(context.Background(), wsUserID)
	require.NoError(t, err)
	base := time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC)
	want := []struct {
		id     string
		at     time.Time
		status mfa.Status
		word   string
	}{
		{"d-space", base, mfa.StatusActive, "REGISTERED"},
		{"d-zulu", base, mfa.StatusPending, "UNREGISTER"},
		{"d-nozone", base, mfa.StatusActive, "REGISTERED"},
		{"d-offset", base, mfa.StatusActive, "REGISTERED"},
		{"d-fraction", base.Add(123456 * time.Microsecond), mfa.StatusActive, "REGISTERED"},
		{"d-fraction-offset", base.Add(500 * time.Millisecond), mfa.StatusUnknown, "FROZEN"},
	}
	require.Len(t, devs, len(want))
	for i, w := range want {
		d := devs[i]
		assert.Equal(t, w.id, d.ID())
		assert.True(t, w.at.Equal(d.CreatedAt()), "%s: %v, want %v", w.id, d.CreatedAt(), w.at)
		assert.Equal(t, time.UTC, d.CreatedAt().Location(), w.id)
		assert.Equal(t, w.status, d.Status(), w.id)
		assert.Equal(t, w.word, d.VendorStatus(), w.id)
	}
	assert.NotContains(t, logs.String(), "level=WARN", "every layout is known")
}

// A create_time in no known layout does not fail the list.
func TestOTPDevicesOddTimes(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), jsonResponder(t, 200, "ws_otp_devices_odd.json"))
	logs := &testlog.Buffer{}
	c := newTokenClient(t, mt, logs)
	devs, err := c.WorkspaceOTP().OTPDevices(context.Background(), "u1")
	require.NoError(t, err)
	require.Len(t, devs, 4)

	bad := devs[0]
	assert.Equal(t, "d-badtime", bad.ID())
	assert.True(t, bad.CreatedAt().IsZero())
	assert.Equal(t, "10/04/2020 06:45", bad.RawCreateTime())
	assert.Equal(t, mfa.StatusActive, bad.Status())

	none := devs[1]
	assert.True(t, none.CreatedAt().IsZero())
	assert.Equal(t, "", none.RawCreateTime())
	assert.Equal(t, mfa.StatusUnknown, none.Status(), "vendor words are matched exactly")
	assert.Equal(t, "registered", none.VendorStatus())

	num := devs[2]
	assert.True(t, num.CreatedAt().IsZero())
	assert.Equal(t, "1586501114000", num.RawCreateTime())
	assert.Equal(t, "u1", num.UserID(), "the asked id fills in a user id the body left out")
	assert.Equal(t, mfa.StatusPending, num.Status())

	null := devs[3]
	assert.Equal(t, "", null.RawCreateTime())
	assert.Equal(t, mfa.StatusUnknown, null.Status())
	assert.Equal(t, "", null.VendorStatus())

	out := logs.String()
	warns := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=WARN") {
			warns++
			assert.Contains(t, line, "field=create_time")
			assert.Contains(t, line, "provider=huawei-workspace")
		}
	}
	assert.Equal(t, 2, warns, out)
	assert.Contains(t, out, `10/04/2020 06:45`)
	assert.Contains(t, out, `device_id=d-badtime`)
	assert.Contains(t, out, `1586501114000`)
}

func TestOTPDevicesEmpty(t *testing.T) {
	for _, name := range []string{"ws_otp_devices_empty.json", "ws_otp_devices_null.json"} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, otpURL("u1"), jsonResponder(t, 200, name))
			c := newTokenClient(t, mt, nil)
			devs, err := c.WorkspaceOTP().UserDevices(context.Background(), "u1")
			require.NoError(t, err)
			assert.NotNil(t, devs)
			assert.Empty(t, devs)
		})
	}
}

func TestDeviceJSON(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, otpURL("u1"), jsonResponder(t, 200, "ws_otp_devices_odd.json"))
	mt.RegisterResponder(http.MethodGet, otpURL(wsUserID), jsonResponder(t, 200, "ws_otp_devices.json"))
	mt.RegisterResponder(http.MethodGet, vmfaURL(iamUserID), jsonResponder(t, 200, "iam_virtual_mfa_device.json"))
	mt.RegisterResponder(http.MethodGet, iamBase+"/v3.0/OS-USER/users/u1/login-protect", jsonResponder(t, 200, "iam_login_protect.json"))
	c := newTokenClient(t, mt, nil)
	ctx := context.Background()

	seed, err := c.WorkspaceOTP().OTPDevices(ctx, wsUserID)
	require.NoError(t, err)
	b, err := json.Marshal(seed[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"provider":"huawei-workspace","id":"5311a768c22f4d30914fe50ffdfd1ba5","user_id":"8a2c3f9579d240820179d51e6caf0001",
		"user_name":"zhangsan","kind":"totp","status":"pending","vendor_status":"UNREGISTER","created_at":"2020-04-10T06:45:14Z"}`, string(b))

	odd, err := c.WorkspaceOTP().OTPDevices(ctx, "u1")
	require.NoError(t, err)
	b, err = json.Marshal(odd[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"provider":"huawei-workspace","id":"d-badtime","user_id":"u1","user_name":"lisi","kind":"totp","status":"active",
		"vendor_status":"REGISTERED","raw_create_time":"10/04/2020 06:45"}`, string(b))

	v, err := c.VirtualMFA().UserDevice(ctx, iamUserID)
	require.NoError(t, err)
	b, err = json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"provider":"huawei-iam","id":"iam/mfa/16b26081f43d4c628c4bb88cf32e9...",
		"user_id":"16b26081f43d4c628c4bb88cf32e9...","kind":"totp","status":"active"}`, string(b))

	p, err := c.VirtualMFA().LoginProtect(ctx, "u1")
	require.NoError(t, err)
	b, err = json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, `{"user_id":"16b26081f43d4c628c4bb88cf32e9...","enabled":true,"verification_method":"vmfa"}`, string(b))

	// A slice of mfa.Device marshals through the same methods.
	mds, err := c.WorkspaceOTP().UserDevices(ctx, wsUserID)
	require.NoError(t, err)
	b, err = json.Marshal(mds)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"created_at":"2020-04-10T06:45:14Z"`)
}

func TestParseTime(t *testing.T) {
	want := time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC)
	for _, s := range []string{
		"2020-04-10 06:45:14",
		"2020-04-10T06:45:14Z",
		"2020-04-10T06:45:14",
		"2020-04-10T06:45:14+00:00",
		"2020-04-10T14:45:14+08:00",
		"2020-04-10T14:45:14+0800",
		"2020-04-10T06:45:14.000Z",
		"2020-04-10T06:45:14.000000000Z",
		" 2020-04-10 06:45:14 ",
	} {
		got, ok := parseTime(s)
		assert.True(t, ok, s)
		assert.True(t, want.Equal(got), "%s: %v", s, got)
		assert.Equal(t, time.UTC, got.Location(), s)
	}
	for _, s := range []string{"", "2020-04-10", "10/04/2020 06:45", "2020-13-10 06:45:14", "1586501114", "now"} {
		got, ok := parseTime(s)
		assert.False(t, ok, s)
		assert.True(t, got.IsZero(), s)
	}
}
