package rackspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

type wantDevice struct {
	id, name string
	status   mfa.Status
	vendor   string
}

func checkDevices(t *testing.T, got []*rackspace.OTPDevice, want []wantDevice) {
	t.Helper()
	require.Len(t, got, len(want))
	for i, w := range want {
		d := got[i]
		assert.Equal(t, "rackspace", d.Provider())
		assert.Equal(t, w.id, d.ID())
		assert.Equal(t, userID, d.UserID(), "the user asked for")
		assert.Equal(t, "", d.UserName())
		assert.Equal(t, w.name, d.Name())
		assert.Equal(t, w.status, d.Status(), w.id)
		assert.Equal(t, w.vendor, d.VendorStatus(), w.id)
		assert.Equal(t, w.status == mfa.StatusActive, d.Verified(), w.id)
		assert.Equal(t, mfa.KindTOTP, d.Kind())
		assert.True(t, d.CreatedAt().IsZero())
	}
}

var docList = []wantDevice{
	{"22eec7c1f65a4615945d89e38786a6b3", "NewOTPDevice1", mfa.StatusPending, "unverified"},
	{"a34b5e4a1ffe4514a8859716136dc7cb", "NewOTPDevice2", mfa.StatusPending, "unverified"},
	{"6b2834a8bef6461e96ef2322b4c72998", "NewOTPDevice", mfa.StatusActive, "verified"},
}

var phoneList = []wantDevice{{"0d9f6c1e4b8a4c2f9e7d3a5b1c2e4f60", "Phone", mfa.StatusPending, "unverified"}}

// checkRequest asserts what every API call sends.
func checkRequest(t *testing.T, req *http.Request, accept string) {
	t.Helper()
	assert.Equal(t, accept, req.Header.Get("Accept"))
	assert.Equal(t, tokenSentinel, req.Header.Get("X-Auth-Token"))
	assert.True(t, strings.HasPrefix(req.Header.Get("User-Agent"), "mfa-go/"), req.Header.Get("User-Agent"))
}

func TestOTPDevices(t *testing.T) {
	tests := []struct {
		format  rackspace.Format
		fixture string
		want    []wantDevice
	}{
		{rackspace.JSON, "devices_list.json", docList},
		{rackspace.XML, "devices_list.xml", docList},
		{rackspace.JSON, "devices_phone.json", phoneList},
		{rackspace.XML, "devices_phone.xml", phoneList},
		{rackspace.JSON, "devices_bom.json", phoneList},
		{rackspace.JSON, "devices_lowercase_prefix.json", phoneList},
		{rackspace.JSON, "devices_empty.json", nil},
		{rackspace.XML, "devices_empty.xml", nil},
		// A proxy may answer in the other format: the body decides.
		{rackspace.XML, "devices_list.json", docList},
		{rackspace.JSON, "devices_list.xml", docList},
	}
	for _, tt := range tests {
		t.Run(tt.format.String()+"/"+tt.fixture, func(t *testing.T) {
			accept := "application/" + tt.format.String()
			mt := newMock(t)
			body := fixture(t, tt.fixture)
			mt.RegisterResponder(http.MethodGet, listURL, func(req *http.Request) (*http.Response, error) {
				checkRequest(t, req, accept)
				return respond(http.StatusOK, body), nil
			})
			mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, fixture(t, "mobile_phones_empty."+tt.format.String())))
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = tt.format })

			devices, err := c.OTPDevices(context.Background(), userID)
			require.NoError(t, err)
			checkDevices(t, devices, tt.want)
			assert.NotNil(t, devices, "no device is an empty slice")

			generic, err := c.UserDevices(context.Background(), userID)
			require.NoError(t, err)
			assert.NotNil(t, generic)
			require.Len(t, generic, len(tt.want))
			for i := range generic {
				assert.Equal(t, devices[i], generic[i].(*rackspace.OTPDevice))
			}
		})
	}
}

func TestOTPDevice(t *testing.T) {
	want := []wantDevice{{deviceID, "NewOTPDevice", mfa.StatusActive, "verified"}}
	tests := []struct {
		format  rackspace.Format
		fixture string
	}{
		{rackspace.JSON, "device.json"},
		{rackspace.JSON, "device_lowercase_prefix.json"},
		{rackspace.XML, "device_wrapped.xml"},
		{rackspace.XML, "device_bare.xml"},
		{rackspace.XML, "device_other_prefix.xml"},
		{rackspace.XML, "device_default_ns.xml"},
		{rackspace.XML, "device.json"},
		{rackspace.JSON, "device_bare.xml"},
		// A wrapper holding several devices: the one asked for is taken.
		{rackspace.XML, "devices_list.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.format.String()+"/"+tt.fixture, func(t *testing.T) {
			accept := "application/" + tt.format.String()
			mt := newMock(t)
			body := fixture(t, tt.fixture)
			mt.RegisterResponder(http.MethodGet, deviceURL, func(req *http.Request) (*http.Response, error) {
				checkRequest(t, req, accept)
				return respond(http.StatusOK, body), nil
			})
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = tt.format })

			d, err := c.OTPDevice(context.Background(), userID, deviceID)
			require.NoError(t, err)
			checkDevices(t, []*rackspace.OTPDevice{d}, want)

			generic, err := c.Device(context.Background(), userID, deviceID)
			require.NoError(t, err)
			assert.Equal(t, deviceID, generic.ID())
		})
	}
}

func TestVerifiedForms(t *testing.T) {
	want := []wantDevice{
		{"d1", "Upper", mfa.StatusActive, "verified"},
		{"d2", "Spaced", mfa.StatusPending, "unverified"},
		{"d3", "One", mfa.StatusActive, "verified"},
		{"d4", "Zero", mfa.StatusPending, "unverified"},
		{"d5", "Odd", mfa.StatusUnknown, "maybe"},
		{"d6", "Missing", mfa.StatusUnknown, ""},
	}
	wantJSON := []wantDevice{
		{"d1", "Upper", mfa.StatusActive, "verified"},
		{"d2", "String", mfa.StatusPending, "unverified"},
		{"d3", "One", mfa.StatusActive, "verified"},
		{"d4", "Zero", mfa.StatusPending, "unverified"},
		{"d5", "Odd", mfa.StatusUnknown, "maybe"},
		{"d6", "Missing", mfa.StatusUnknown, ""},
		{"d7", "Null", mfa.StatusUnknown, ""},
		{"d8", "Two", mfa.StatusUnknown, "2"},
	}
	for fixtureName, want := range map[string][]wantDevice{"device_verified_case.xml": want, "device_verified_forms.json": wantJSON} {
		t.Run(fixtureName, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, fixtureName)))
			logger, logs := testlog.New()
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Logger = logger })
			devices, err := c.OTPDevices(context.Background(), userID)
			require.NoError(t, err, "an unknown flag never loses a device")
			checkDevices(t, devices, want)
			assert.Contains(t, logs.String(), "level=WARN")
			assert.Contains(t, logs.String(), "device_id=d5 field=verified value=maybe")
		})
	}
}

func TestInvalidBodies(t *testing.T) {
	tests := []struct {
		fixture string
		single  bool
		reason  string // part of the error message
	}{
		{"truncated.xml", false, "unexpected EOF"},
		{"truncated.json", false, "unexpected end of JSON input"},
		{"proxy.html", false, "XML syntax error"},
		{"empty.txt", false, "the body is empty"},
		{"plain.txt", false, "neither JSON nor XML"},
		{"wrong_types.json", false, "number"},
		{"devices_object.json", false, "object"},
		{"devices_null.json", false, `no "RAX-AUTH:otpDevices" array`},
		{"empty_object.json", false, `no "RAX-AUTH:otpDevices" array`},
		{"device.json", false, `no "RAX-AUTH:otpDevices" array`},
		{"devices_wrong_ns.xml", false, `<otpDevices> in namespace "http://docs.openstack.org/identity/api/v2.0"`},
		{"devices_wrong_child_ns.xml", false, `<otpDevice> in namespace "urn:example:other"`},
		{"device_wrong_ns.xml", true, `namespace "http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v2.0"`},
		{"device_undeclared_prefix.xml", true, `<otpDevice> in namespace "rax-auth"`},
		{"wrong_verified.json", true, "bool"},
		{"device_no_id.json", true, "has no id"},
		{"devices_empty.xml", true, "holds no <otpDevice>"},
		{"devices_list.json", true, `no "RAX-AUTH:otpDevice" object`},
		{"proxy.html", true, "XML syntax error"},
		{"empty.txt", true, "the body is empty"},
		{"truncated.xml", true, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			mt := newMock(t)
			body := fixture(t, tt.fixture)
			mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, body, "X-Request-Id", "req-42", "Content-Type", "application/json"))
			mt.RegisterResponder(http.MethodGet, deviceURL, serve(http.StatusOK, body, "X-Request-Id", "req-42", "Content-Type", "application/json"))
			c := newClient(t, mt, nil)
			var err error
			if tt.single {
				_, err = c.OTPDevice(context.Background(), userID, deviceID)
			} else {
				var devices []*rackspace.OTPDevice
				devices, err = c.OTPDevices(context.Background(), userID)
				assert.Nil(t, devices)
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
			var apiErr *mfa.APIError
			require.True(t, errors.As(err, &apiErr))
			assert.Equal(t, "rackspace", apiErr.Provider)
			assert.Equal(t, http.StatusOK, apiErr.StatusCode)
			assert.Equal(t, "req-42", apiErr.RequestID)
			assert.Contains(t, err.Error(), tt.reason)
			if len(body) > 0 {
				assert.Contains(t, err.Error(), "body starts", "the error quotes the body")
			}
		})
	}
}

func TestDeviceMarshalJSON(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.xml")))
	c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Name = "rax" })
	devices, err := c.OTPDevices(context.Background(), userID)
	require.NoError(t, err)
	out, err := json.Marshal(devices[1:])
	require.NoError(t, err)
	assert.JSONEq(t, `[
		{"provider":"rax","id":"a34b5e4a1ffe4514a8859716136dc7cb","user_id":"`+userID+`","name":"NewOTPDevice2","kind":"totp","status":"pending","vendor_status":"unverified","verified":false},
		{"provider":"rax","id":"6b2834a8bef6461e96ef2322b4c72998","user_id":"`+userID+`","name":"NewOTPDevice","kind":"totp","status":"active","vendor_status":"verified","verified":true}
	]`, string(out))
}

func TestUserMFA(t *testing.T) {
	active := rackspace.UserMFA{UserID: "123456", UserName: "jqsmith", Enabled: true, State: "ACTIVE", EnforcementLevel: "OPTIONAL"}
	tests := []struct {
		format  rackspace.Format
		fixture string
		want    rackspace.UserMFA
	}{
		{rackspace.JSON, "user.json", active},
		{rackspace.JSON, "user_lowercase_prefix.json", active},
		{rackspace.JSON, "user_no_prefix.json", rackspace.UserMFA{UserID: "938439", UserName: "poejo", Enabled: false, State: "LOCKED", EnforcementLevel: "REQUIRED"}},
		{rackspace.JSON, "user_no_mfa.json", rackspace.UserMFA{UserID: "c39e3de9be2d4c779f1dfd6abacc176d", UserName: "jqsmith"}},
		{rackspace.XML, "user.xml", active},
		{rackspace.XML, "user_undeclared_prefix.xml", rackspace.UserMFA{UserID: "123456", UserName: "jqsmith", Enabled: true}},
		{rackspace.JSON, "user.xml", active},
		{rackspace.XML, "user.json", active},
	}
	for _, tt := range tests {
		t.Run(tt.format.String()+"/"+tt.fixture, func(t *testing.T) {
			accept := "application/" + tt.format.String()
			mt := newMock(t)
			body := fixture(t, tt.fixture)
			mt.RegisterResponder(http.MethodGet, userURL, func(req *http.Request) (*http.Response, error) {
				checkRequest(t, req, accept)
				return respond(http.StatusOK, body), nil
			})
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = tt.format })
			got, err := c.UserMFA(context.Background(), userID)
			require.NoError(t, err)
			assert.Equal(t, tt.want, *got)
		})
	}

	for _, bad := range []string{"user_bad_enabled.json", "user_wrong_ns.xml", "devices_list.json", "proxy.html", "empty.txt"} {
		t.Run(bad, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, userURL, serve(http.StatusOK, fixture(t, bad)))
			c := newClient(t, mt, nil)
			got, err := c.UserMFA(context.Background(), userID)
			assert.Nil(t, got)
			assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
		})
	}

	t.Run("unknown user", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, userURL, serve(http.StatusNotFound, fixture(t, "faults/itemNotFound.json")))
		c := newClient(t, mt, nil)
		_, err := c.UserMFA(context.Background(), userID)
		assert.ErrorIs(t, err, mfa.ErrNotFound)
	})

	t.Run("JSON form", func(t *testing.T) {
		out, err := json.Marshal(active)
		require.NoError(t, err)
		assert.JSONEq(t, `{"user_id":"123456","user_name":"jqsmith","enabled":true,"state":"ACTIVE","enforcement_level":"OPTIONAL"}`, string(out))
	})
}
