package rackspace_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

func TestMobilePhones(t *testing.T) {
	verified := []wantDevice{{"12345", "*********89", mfa.StatusActive, "verified"}}
	tests := []struct {
		format  rackspace.Format
		fixture string
		want    []wantDevice
	}{
		{rackspace.JSON, "mobile_phones.json", verified},
		{rackspace.XML, "mobile_phones.xml", verified},
		{rackspace.XML, "mobile_phones_prefixed.xml", verified},
		{rackspace.JSON, "mobile_phones_lowercase_prefix.json", verified},
		{rackspace.JSON, "mobile_phones_unverified.json", []wantDevice{{"67890", "*********23", mfa.StatusPending, "unverified"}}},
		{rackspace.JSON, "mobile_phones_empty.json", nil},
		{rackspace.XML, "mobile_phones_empty.xml", nil},
		{rackspace.JSON, "mobile_phones.xml", verified},
		{rackspace.XML, "mobile_phones.json", verified},
	}
	for _, tt := range tests {
		t.Run(tt.format.String()+"/"+tt.fixture, func(t *testing.T) {
			mt := newMock(t)
			body := fixture(t, tt.fixture)
			mt.RegisterResponder(http.MethodGet, phonesURL, func(req *http.Request) (*http.Response, error) {
				checkRequest(t, req, "application/"+tt.format.String())
				return respond(http.StatusOK, body), nil
			})
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = tt.format })
			phones, err := c.MobilePhones(context.Background(), userID)
			require.NoError(t, err)
			assert.NotNil(t, phones, "no phone is an empty slice")
			require.Len(t, phones, len(tt.want))
			for i, w := range tt.want {
				p := phones[i]
				assert.Equal(t, "rackspace", p.Provider())
				assert.Equal(t, w.id, p.ID())
				assert.Equal(t, userID, p.UserID())
				assert.Equal(t, "", p.UserName())
				assert.Equal(t, w.name, p.Name())
				assert.Equal(t, mfa.KindSMS, p.Kind())
				assert.Equal(t, w.status, p.Status())
				assert.Equal(t, w.vendor, p.VendorStatus())
				assert.Equal(t, w.status == mfa.StatusActive, p.Verified())
				assert.True(t, p.CreatedAt().IsZero())
			}
		})
	}
}

func TestMobilePhonesInvalidBodies(t *testing.T) {
	for fixtureName, reason := range map[string]string{
		"mobile_phones_null.json":          `no "RAX-AUTH:mobilePhones" array`,
		"empty_object.json":                `no "RAX-AUTH:mobilePhones" array`,
		"devices_list.json":                `no "RAX-AUTH:mobilePhones" array`,
		"mobile_phones_no_id.json":         "a mobile phone has no id",
		"mobile_phones_wrong_ns.xml":       `<mobilePhones> in namespace "http://docs.openstack.org/identity/api/v2.0"`,
		"mobile_phones_wrong_child_ns.xml": `<mobilePhone> in namespace "urn:example:other"`,
		"mobile_phones_truncated.json":     "unexpected end of JSON input",
		"mobile_phones_truncated.xml":      "unexpected EOF",
		"proxy.html":                       "XML syntax error",
		"empty.txt":                        "the body is empty",
	} {
		t.Run(fixtureName, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, fixture(t, fixtureName)))
			c := newClient(t, mt, nil)
			phones, err := c.MobilePhones(context.Background(), userID)
			assert.Nil(t, phones)
			assertOnly(t, err, mfa.ErrInvalidResponse)
			assert.ErrorContains(t, err, reason)
			assertNoNumber(t, err.Error())
		})
	}
}

// phoneNumbers are the numbers of the fixtures, in every form they take.
var phoneNumbers = regexp.MustCompile(`12658943489|265.894.3489|\(265\) 894-3489|447700900123|8943489`)

// assertNoNumber fails when text holds a phone number of the fixtures.
func assertNoNumber(t *testing.T, text string) {
	t.Helper()
	if m := phoneNumbers.FindString(text); m != "" {
		t.Errorf("%q shows the phone number %q", text, m)
	}
}

// TestPhoneNeverShowsItsNumber prints a phone under every fmt verb and
// flag, in JSON and in log records, and looks for the number in any form.
func TestPhoneNeverShowsItsNumber(t *testing.T) {
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T",
		"%10s", "%-10v", "%.3s", "%e", "%f", "%g", "%b", "%c", "%o", "%O", "%U", "%#x", "% x"}
	for _, name := range []string{"mobile_phones.json", "mobile_phones.xml", "mobile_phones_lowercase_prefix.json"} {
		t.Run(name, func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, fixture(t, name)))
			mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_empty.json")))
			c := newClient(t, mt, nil)
			phones, err := c.MobilePhones(context.Background(), userID)
			require.NoError(t, err)
			require.Len(t, phones, 1)
			p := phones[0]
			devices, err := c.UserDevices(context.Background(), userID)
			require.NoError(t, err)

			assert.Equal(t, "*********89", p.Name())
			assert.Equal(t, "*********89", p.String())
			for _, v := range []any{p, *p, devices, []*rackspace.MobilePhone{p}, struct{ Phone *rackspace.MobilePhone }{p}} {
				for _, verb := range verbs {
					assertNoNumber(t, fmt.Sprintf(verb, v))
				}
			}
			assert.Equal(t, "*********89", fmt.Sprint(p))
			assert.Contains(t, fmt.Sprintf("%#v", *p), `"*********89"`)

			out, err := json.Marshal(p)
			require.NoError(t, err)
			assert.JSONEq(t, `{"provider":"rackspace","id":"12345","user_id":"`+userID+`","name":"*********89","kind":"sms","status":"active","vendor_status":"verified","verified":true}`, string(out))
			out, err = json.Marshal(devices)
			require.NoError(t, err)
			assertNoNumber(t, string(out))

			var logs bytes.Buffer
			for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
				slog.New(h).Info("phone", "phone", p, "value", *p, "devices", devices)
			}
			assert.Contains(t, logs.String(), "*********89")
			assertNoNumber(t, logs.String())
		})
	}
}

func TestPhoneNumberMasks(t *testing.T) {
	body := `{"RAX-AUTH:mobilePhones":[` +
		`{"id":"a","verified":true,"number":"12658943489"},` +
		`{"id":"b","verified":true,"number":"+1 265-894-3400"},` +
		`{"id":"c","verified":true,"number":"+44 7700 900123"},` +
		`{"id":"d","verified":true,"number":"12"},` +
		`{"id":"e","verified":true,"number":"ext. 7"},` +
		`{"id":"f","verified":true,"number":""},` +
		`{"id":"g","verified":true,"number":"１２３４５"},` +
		`{"id":"h","verified":true}]}`
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, []byte(body)))
	c := newClient(t, mt, nil)
	phones, err := c.MobilePhones(context.Background(), userID)
	require.NoError(t, err)
	var got []string
	for _, p := range phones {
		got = append(got, p.Name())
	}
	assert.Equal(t, []string{"*********89", "*********00", "*********23", "*********", "*********", "", "*********", ""}, got,
		"a fixed-width mask and the last two ASCII digits; nothing of a number of two digits or fewer")
}

func TestUnknownPhoneFlagIsKept(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK,
		[]byte(`{"RAX-AUTH:mobilePhones":[{"id":"p1","verified":"pending","number":"12658943489"}]}`)))
	logger, logs := testlog.New()
	c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Logger = logger })
	phones, err := c.MobilePhones(context.Background(), userID)
	require.NoError(t, err)
	require.Len(t, phones, 1)
	assert.Equal(t, mfa.StatusUnknown, phones[0].Status())
	assert.Equal(t, "pending", phones[0].VendorStatus())
	assert.Contains(t, logs.String(), "mobile phone with an unknown verified flag")
	assert.Contains(t, logs.String(), "device_id=p1 field=verified value=pending")
	assertNoNumber(t, logs.String())
}

// TestErrorsMaskNumbers: an error that quotes a body shows its phone
// numbers masked, whatever the body's form and status.
func TestErrorsMaskNumbers(t *testing.T) {
	bodies := []struct {
		status int
		body   string
	}{
		{http.StatusOK, string(fixture(t, "mobile_phones_truncated.json"))},
		{http.StatusOK, string(fixture(t, "mobile_phones_truncated.xml"))},
		{http.StatusOK, `{"RAX-AUTH:mobilePhones":[{"id":7,"number":"12658943489"}]}`},
		{http.StatusOK, `{"RAX-AUTH:mobilePhones":[{"id":"7","NUMBER" : 12658943489, "verified":{}}]}`},
		{http.StatusOK, `{"RAX-AUTH:mobilePhones":[{"id":"7","number":"12658943489`},
		{http.StatusOK, `<mobilePhones xmlns="urn:x"><mobilePhone number='12658943489' id="1"/></mobilePhones>`},
		{http.StatusBadGateway, `{"proxy":"error","number":"+1 265-894-3489"}`},
		{http.StatusInternalServerError, `<identityFault xmlns="http://docs.openstack.org/identity/api/v2.0" code="500"><message>bad phone</message><details>number="12658943489"</details></identityFault>`},
	}
	for _, b := range bodies {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, phonesURL, serve(b.status, []byte(b.body)))
		c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Retry = mfa.RetryPolicy{MaxAttempts: 1} })
		_, err := c.MobilePhones(context.Background(), userID)
		require.Error(t, err, b.body)
		var apiErr *mfa.APIError
		require.True(t, errors.As(err, &apiErr))
		text := strings.Join([]string{err.Error(), fmt.Sprintf("%+v", err), apiErr.Message, apiErr.Details}, " ")
		assertNoNumber(t, text)
	}
}

func TestUserDevicesOTPThenPhones(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.xml")))
	mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, fixture(t, "mobile_phones.xml")))
	c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = rackspace.XML })
	devices, err := c.UserDevices(context.Background(), userID)
	require.NoError(t, err)
	var ids []string
	var kinds []mfa.Kind
	for _, d := range devices {
		ids = append(ids, d.ID())
		kinds = append(kinds, d.Kind())
	}
	assert.Equal(t, []string{"22eec7c1f65a4615945d89e38786a6b3", "a34b5e4a1ffe4514a8859716136dc7cb", "6b2834a8bef6461e96ef2322b4c72998", "12345"}, ids)
	assert.Equal(t, []mfa.Kind{mfa.KindTOTP, mfa.KindTOTP, mfa.KindTOTP, mfa.KindSMS}, kinds)
	assert.IsType(t, &rackspace.MobilePhone{}, devices[3])

	t.Run("a failed phone call fails the call", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusOK, fixture(t, "devices_list.json")))
		mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusForbidden, fixture(t, "faults/forbidden.json")))
		c := newClient(t, mt, nil)
		devices, err := c.UserDevices(context.Background(), userID)
		assert.Nil(t, devices)
		assertOnly(t, err, mfa.ErrForbidden)
	})
	t.Run("an unknown user is one call", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, listURL, serve(http.StatusNotFound, fixture(t, "faults/itemNotFound.json")))
		c := newClient(t, mt, nil)
		_, err := c.UserDevices(context.Background(), userID)
		assertOnly(t, err, mfa.ErrNotFound)
		assert.Zero(t, calls(mt, http.MethodGet, phonesURL))
	})
}

func TestDeviceFindsAPhone(t *testing.T) {
	phoneURL := listURL + "/12345"
	otpNotFound := serve(http.StatusNotFound, fixture(t, "faults/itemNotFound.json"))
	for _, format := range []rackspace.Format{rackspace.JSON, rackspace.XML} {
		t.Run(format.String(), func(t *testing.T) {
			mt := newMock(t)
			mt.RegisterResponder(http.MethodGet, phoneURL, otpNotFound)
			mt.RegisterResponder(http.MethodGet, listURL+"/other", otpNotFound)
			mt.RegisterResponder(http.MethodGet, deviceURL, serve(http.StatusOK, fixture(t, map[rackspace.Format]string{rackspace.JSON: "device.json", rackspace.XML: "device_wrapped.xml"}[format])))
			mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, fixture(t, "mobile_phones."+format.String())))
			c := newClient(t, mt, func(cfg *rackspace.Config) { cfg.Format = format })

			d, err := c.Device(context.Background(), userID, "12345")
			require.NoError(t, err)
			assert.Equal(t, mfa.KindSMS, d.Kind())
			assert.Equal(t, "*********89", d.Name())

			d, err = c.Device(context.Background(), userID, deviceID)
			require.NoError(t, err)
			assert.Equal(t, mfa.KindTOTP, d.Kind())
			assert.Zero(t, calls(mt, http.MethodGet, phonesURL)-1, "an OTP device found needs no phone call")

			_, err = c.Device(context.Background(), userID, "other")
			assertOnly(t, err, mfa.ErrNotFound)
			assert.ErrorContains(t, err, "itemNotFound")
		})
	}

	t.Run("the phone call fails", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, phoneURL, otpNotFound)
		mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusOK, fixture(t, "proxy.html")))
		c := newClient(t, mt, nil)
		_, err := c.Device(context.Background(), userID, "12345")
		assertOnly(t, err, mfa.ErrInvalidResponse)
	})
	t.Run("an unknown user", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, phoneURL, otpNotFound)
		mt.RegisterResponder(http.MethodGet, phonesURL, serve(http.StatusNotFound, fixture(t, "faults/itemNotFound.xml")))
		c := newClient(t, mt, nil)
		_, err := c.Device(context.Background(), userID, "12345")
		assertOnly(t, err, mfa.ErrNotFound)
		assert.ErrorContains(t, err, "OTP device not found", "the OTP device call's error")
	})
	t.Run("another failure is not looked past", func(t *testing.T) {
		mt := newMock(t)
		mt.RegisterResponder(http.MethodGet, phoneURL, serve(http.StatusForbidden, fixture(t, "faults/forbidden.json")))
		c := newClient(t, mt, nil)
		_, err := c.Device(context.Background(), userID, "12345")
		assertOnly(t, err, mfa.ErrForbidden)
		assert.Zero(t, calls(mt, http.MethodGet, phonesURL))
	})
}
