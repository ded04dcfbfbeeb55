package sim_test

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/sim"
)

const (
	nsIdentity = "http://docs.openstack.org/identity/api/v2.0"
	nsRaxAuth  = "http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"
)

// Local copies of the Rackspace shapes of vendors.md.
type (
	raxJSONDevice struct {
		ID       string `json:"id"`
		Verified bool   `json:"verified"`
		Name     string `json:"name"`
	}
	raxJSONList struct {
		Devices []raxJSONDevice `json:"RAX-AUTH:otpDevices"`
	}
	raxJSONOne struct {
		Device *raxJSONDevice `json:"RAX-AUTH:otpDevice"`
	}
	raxXMLDevice struct {
		XMLName  xml.Name `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 otpDevice"`
		ID       string   `xml:"id,attr"`
		Name     string   `xml:"name,attr"`
		Verified string   `xml:"verified,attr"`
	}
	raxXMLList struct {
		XMLName xml.Name       `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 otpDevices"`
		Devices []raxXMLDevice `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 otpDevice"`
	}
	raxXMLFault struct {
		XMLName xml.Name
		Code    string `xml:"code,attr"`
		Message string `xml:"http://docs.openstack.org/identity/api/v2.0 message"`
		Details string `xml:"http://docs.openstack.org/identity/api/v2.0 details"`
	}
	raxJSONFaultBody struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Details string `json:"details"`
	}
)

// checkRaxFault checks a fault answer in JSON or XML.
func checkRaxFault(t *testing.T, status int, contentType string, body []byte, wantStatus int, name string) string {
	t.Helper()
	assert.Equal(t, wantStatus, status, string(body))
	if strings.Contains(contentType, "xml") {
		var f raxXMLFault
		require.NoError(t, xml.Unmarshal(body, &f), string(body))
		assert.Equal(t, xml.Name{Space: nsIdentity, Local: name}, f.XMLName)
		assert.Equal(t, strconv.Itoa(wantStatus), f.Code)
		assert.NotEmpty(t, f.Message)
		return f.Message
	}
	assert.Contains(t, contentType, "application/json")
	var f map[string]raxJSONFaultBody
	decode(t, body, &f)
	require.Contains(t, f, name, string(body))
	assert.Len(t, f, 1)
	assert.Equal(t, wantStatus, f[name].Code)
	assert.NotEmpty(t, f[name].Message)
	return f[name].Message
}

func TestRackspaceJSON(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 11, Users: 30, MaxDevicesPerUser: 3})
	c := newClient(t)
	h := []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/json"}
	truth := byUser(s.Rackspace.Devices())
	for _, uid := range s.Rackspace.Users() {
		base := s.Rackspace.URL() + "/v2.0/users/" + uid + "/RAX-AUTH/multi-factor/otp-devices"
		resp, body := call(t, c, "GET", base, "", h...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		assert.Equal(t, "application/json;charset=UTF-8", resp.Header.Get("Content-Type"))
		var list raxJSONList
		decode(t, body, &list)
		require.NotNil(t, list.Devices)
		want := truth[uid]
		require.Len(t, list.Devices, len(want))
		for i, d := range list.Devices {
			assert.Equal(t, want[i].ID, d.ID)
			assert.Equal(t, want[i].Name, d.Name)
			assert.Equal(t, want[i].VendorStatus, strconv.FormatBool(d.Verified))
			assert.Equal(t, d.Verified, want[i].Status == sim.StatusActive)

			resp, body := call(t, c, "GET", base+"/"+d.ID, "", h...)
			require.Equal(t, 200, resp.StatusCode)
			var one raxJSONOne
			decode(t, body, &one)
			require.NotNil(t, one.Device)
			assert.Equal(t, d, *one.Device)
		}
		resp, body = call(t, c, "GET", base+"/"+strings.Repeat("0", 32), "", h...)
		checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
	}
	// JSON is the default without an Accept header.
	resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/nobody/RAX-AUTH/multi-factor/otp-devices", "", "X-Auth-Token", s.Creds.RackspaceToken)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
	resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/"+url.PathEscape("a/b"), "", h...)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
	resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/nothing", "", h...)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
	resp, body = call(t, c, "DELETE", s.Rackspace.URL()+"/v2.0/users/"+s.Rackspace.Users()[0], "", h...)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 405, "badRequest")
}

func TestRackspaceXML(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 12, Users: 30, MaxDevicesPerUser: 3})
	c := newClient(t)
	h := []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml"}
	truth := byUser(s.Rackspace.Devices())
	forms := map[string]int{}
	escaped := false
	for _, uid := range s.Rackspace.Users() {
		base := s.Rackspace.URL() + "/v2.0/users/" + uid + "/RAX-AUTH/multi-factor/otp-devices"
		resp, body := call(t, c, "GET", base, "", h...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
		assert.True(t, strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`))
		var list raxXMLList
		require.NoError(t, xml.Unmarshal(body, &list), string(body))
		want := truth[uid]
		require.Len(t, list.Devices, len(want))
		for i, d := range list.Devices {
			assert.Equal(t, want[i].ID, d.ID)
			assert.Equal(t, want[i].Name, d.Name)
			assert.Equal(t, want[i].VendorStatus, d.Verified)
			escaped = escaped || strings.Contains(string(body), "&amp;")

			resp, body := call(t, c, "GET", base+"/"+d.ID, "", h...)
			require.Equal(t, 200, resp.StatusCode)
			var root struct{ XMLName xml.Name }
			require.NoError(t, xml.Unmarshal(body, &root))
			switch root.XMLName {
			case xml.Name{Space: nsRaxAuth, Local: "otpDevices"}:
				forms["wrapped"]++
				var one raxXMLList
				require.NoError(t, xml.Unmarshal(body, &one))
				require.Len(t, one.Devices, 1)
				assert.Equal(t, d, one.Devices[0])
				assert.Contains(t, string(body), `xmlns:rax-kskey="http://docs.rackspace.com/identity/api/ext/RAX-KSKEY/v1.0"`)
			case xml.Name{Space: nsRaxAuth, Local: "otpDevice"}:
				forms["bare"]++
				var one raxXMLDevice
				require.NoError(t, xml.Unmarshal(body, &one))
				assert.Equal(t, d, one)
			default:
				t.Errorf("root element %v", root.XMLName)
			}
		}
	}
	assert.Len(t, forms, 2, "single devices wrapped and bare: %v", forms)
	assert.True(t, escaped, "a name with & is escaped")

	// Faults in XML.
	resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/nobody", "", h...)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
	resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/nobody", "", "Accept", "application/xml")
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 401, "unauthorized")
}

func TestRackspaceUser(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 13, Users: 40})
	c := newClient(t)
	truth := byUser(s.Rackspace.Devices())
	forms := map[string]int{}
	for _, uid := range s.Rackspace.Users() {
		enabled := false
		for _, d := range truth[uid] {
			enabled = enabled || d.Status == sim.StatusActive
		}
		resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/"+uid, "", "X-Auth-Token", s.Creds.RackspaceToken)
		require.Equal(t, 200, resp.StatusCode)
		var u struct {
			User struct {
				ID                 string          `json:"id"`
				Username           string          `json:"username"`
				Email              string          `json:"email"`
				Enabled            bool            `json:"enabled"`
				DomainID           string          `json:"RAX-AUTH:domainId"`
				DefaultRegion      string          `json:"RAX-AUTH:defaultRegion"`
				MultiFactorEnabled json.RawMessage `json:"RAX-AUTH:multiFactorEnabled"`
				MultiFactorState   string          `json:"RAX-AUTH:multiFactorState"`
				EnforcementLevel   string          `json:"RAX-AUTH:userMultiFactorEnforcementLevel"`
			} `json:"user"`
		}
		decode(t, body, &u)
		assert.Equal(t, uid, u.User.ID)
		assert.NotEmpty(t, u.User.Username)
		raw := string(u.User.MultiFactorEnabled)
		switch raw {
		case "true", "false":
			forms["bool"]++
		case `"true"`, `"false"`:
			forms["string"]++
		default:
			t.Errorf("multiFactorEnabled %s", raw)
		}
		assert.Equal(t, strconv.FormatBool(enabled), strings.Trim(raw, `"`))
		if enabled {
			assert.Equal(t, "ACTIVE", u.User.MultiFactorState)
		} else {
			assert.Empty(t, u.User.MultiFactorState)
		}
		assert.Contains(t, []string{"DEFAULT", "OPTIONAL", "REQUIRED"}, u.User.EnforcementLevel)

		resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/"+uid, "", "X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml")
		require.Equal(t, 200, resp.StatusCode)
		var x struct {
			XMLName xml.Name
			ID      string `xml:"id,attr"`
			MFA     string `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 multiFactorEnabled,attr"`
			Level   string `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 userMultiFactorEnforcementLevel,attr"`
		}
		require.NoError(t, xml.Unmarshal(body, &x), string(body))
		assert.Equal(t, xml.Name{Space: nsIdentity, Local: "user"}, x.XMLName)
		assert.Equal(t, uid, x.ID)
		assert.Equal(t, strconv.FormatBool(enabled), x.MFA)
		assert.Equal(t, u.User.EnforcementLevel, x.Level)
	}
	assert.Len(t, forms, 2, "multiFactorEnabled as a bool and as a string: %v", forms)
}

func TestRackspaceLogin(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	cr := s.Creds
	devices := s.Rackspace.URL() + "/v2.0/users/" + s.Rackspace.Users()[0] + "/RAX-AUTH/multi-factor/otp-devices"

	type access struct {
		Access struct {
			Token struct {
				ID      string `json:"id"`
				Expires string `json:"expires"`
			} `json:"token"`
		} `json:"access"`
	}
	checkExpires := func(s string) {
		exp, err := time.Parse("2006-01-02T15:04:05.000-07:00", s)
		require.NoError(t, err, s)
		assert.True(t, exp.After(time.Now()), "expires in the future: %s", s)
	}
	var tokens []string
	for _, body := range []string{
		`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"` + cr.RackspaceUser + `","apiKey":"` + cr.RackspaceAPIKey + `"}}}`,
		`{"auth":{"passwordCredentials":{"username":"` + cr.RackspaceUser + `","password":"` + cr.RackspacePassword + `"}}}`,
	} {
		resp, b := call(t, c, "POST", s.Rackspace.URL()+"/v2.0/tokens", body, "Content-Type", "application/json", "Accept", "application/json")
		require.Equal(t, 200, resp.StatusCode, string(b))
		var a access
		require.NoError(t, json.Unmarshal(b, &a))
		require.NotEmpty(t, a.Access.Token.ID)
		checkExpires(a.Access.Token.Expires)
		tokens = append(tokens, a.Access.Token.ID)
	}
	// XML in, XML out.
	xmlBody := `<?xml version="1.0" encoding="UTF-8"?><auth xmlns="` + nsIdentity + `"><apiKeyCredentials xmlns="http://docs.rackspace.com/identity/api/ext/RAX-KSKEY/v1.0" username="` +
		cr.RackspaceUser + `" apiKey="` + cr.RackspaceAPIKey + `"/></auth>`
	resp, b := call(t, c, "POST", s.Rackspace.URL()+"/v2.0/tokens", xmlBody, "Content-Type", "application/xml", "Accept", "application/xml")
	require.Equal(t, 200, resp.StatusCode, string(b))
	var xa struct {
		XMLName xml.Name `xml:"http://docs.openstack.org/identity/api/v2.0 access"`
		Token   struct {
			ID      string `xml:"id,attr"`
			Expires string `xml:"expires,attr"`
		} `xml:"http://docs.openstack.org/identity/api/v2.0 token"`
	}
	require.NoError(t, xml.Unmarshal(b, &xa), string(b))
	checkExpires(xa.Token.Expires)
	tokens = append(tokens, xa.Token.ID)

	for _, tok := range tokens {
		resp, _ := call(t, c, "GET", devices, "", "X-Auth-Token", tok)
		assert.Equal(t, 200, resp.StatusCode)
	}
	s.Rackspace.ExpireTokens()
	for _, tok := range tokens {
		for _, accept := range []string{"application/json", "application/xml"} {
			resp, body := call(t, c, "GET", devices, "", "X-Auth-Token", tok, "Accept", accept)
			checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 401, "unauthorized")
		}
	}
	resp, _ = call(t, c, "GET", devices, "", "X-Auth-Token", cr.RackspaceToken)
	assert.Equal(t, 200, resp.StatusCode, "the static token does not expire")

	// Wrong credentials, bad bodies.
	for _, accept := range []string{"application/json", "application/xml"} {
		resp, body := call(t, c, "POST", s.Rackspace.URL()+"/v2.0/tokens",
			`{"auth":{"RAX-KSKEY:apiKeyCredentials":{"username":"`+cr.RackspaceUser+`","apiKey":"wrong"}}}`, "Accept", accept)
		msg := checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 401, "unauthorized")
		assert.Equal(t, "Unable to authenticate user with credentials provided.", msg)
		resp, body = call(t, c, "POST", s.Rackspace.URL()+"/v2.0/tokens", `{"auth":{}}`, "Accept", accept)
		checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 400, "badRequest")
	}
	resp, body := call(t, c, "GET", devices, "", "X-Auth-Token", "nope")
	msg := checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 401, "unauthorized")
	assert.Contains(t, msg, "X-Auth-Token")
}
