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
	"github.com/openmfa/mfa-go/mfa"
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
	truth := byUser(ofKind(s.Rackspace.Devices(), mfa.KindTOTP))
	for _, uid := range s.Rackspace.UserIDs() {
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
			assert.Equal(t, d.Verified, want[i].Status == mfa.StatusActive)

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
	resp, body = call(t, c, "DELETE", s.Rackspace.URL()+"/v2.0/users/"+s.Rackspace.UserIDs()[0], "", h...)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 405, "badRequest")
}

func TestRackspaceXML(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 12, Users: 30, MaxDevicesPerUser: 3})
	c := newClient(t)
	h := []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml"}
	truth := byUser(ofKind(s.Rackspace.Devices(), mfa.KindTOTP))
	forms := map[string]int{}
	escaped := false
	for _, uid := range s.Rackspace.UserIDs() {
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

func ofKind(devs []sim.OwnedDevice, k mfa.Kind) []sim.OwnedDevice {
	var out []sim.OwnedDevice
	for _, d := range devs {
		if d.Kind == k {
			out = append(out, d)
		}
	}
	return out
}

// raxUserJSON is a user object with its extension prefix made upper case
// and every value as its JSON text; forms says which prefix and which
// boolean form it came in.
func raxUserJSON(t *testing.T, raw json.RawMessage, forms map[string]int) map[string]string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m), string(raw))
	out := map[string]string{}
	for k, v := range m {
		switch {
		case strings.HasPrefix(k, "RAX-AUTH:"):
			forms["RAX-AUTH:"]++
		case strings.HasPrefix(k, "rax-auth:"):
			forms["rax-auth:"]++
			k = "RAX-AUTH:" + strings.TrimPrefix(k, "rax-auth:")
		}
		if k == "enabled" || k == "RAX-AUTH:multiFactorEnabled" {
			if v[0] == '"' {
				forms["string bool"]++
			} else {
				forms["bool"]++
			}
		}
		out[k] = strings.Trim(string(v), `"`)
	}
	return out
}

// checkRaxUser checks a user read from the API against the ground truth.
func checkRaxUser(t *testing.T, got map[string]string, want sim.User) {
	t.Helper()
	assert.Equal(t, want.ID, got["id"])
	assert.Equal(t, want.Name, got["username"])
	assert.Equal(t, want.Email, got["email"])
	assert.Equal(t, strconv.FormatBool(!want.Disabled), got["enabled"])
	assert.Equal(t, strconv.FormatBool(want.MFAEnabled), got["RAX-AUTH:multiFactorEnabled"])
	assert.Equal(t, want.MFAState, got["RAX-AUTH:multiFactorState"])
	assert.Equal(t, want.Enforcement, got["RAX-AUTH:userMultiFactorEnforcementLevel"])
	assert.Equal(t, want.FactorType, got["RAX-AUTH:factorType"])
	assert.Equal(t, "135792", got["RAX-AUTH:domainId"])
	created, err := time.Parse("2006-01-02T15:04:05.000-07:00", got["created"])
	require.NoError(t, err)
	assert.Equal(t, want.Created, created.UTC())
}

// raxXMLUser reads a <user> element's attributes, the RAX-AUTH ones under
// "RAX-AUTH:".
type raxXMLUser map[string]string

func (u *raxXMLUser) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	*u = raxXMLUser{"element": start.Name.Space + " " + start.Name.Local}
	for _, a := range start.Attr {
		switch a.Name.Space {
		case "":
			(*u)[a.Name.Local] = a.Value
		case nsRaxAuth:
			(*u)["RAX-AUTH:"+a.Name.Local] = a.Value
		}
	}
	return d.Skip()
}

func TestRackspaceUsersJSON(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 13, Users: 23})
	c := newClient(t)
	h := []string{"X-Auth-Token", s.Creds.RackspaceToken}
	truth := s.Rackspace.Users()
	forms := map[string]int{}
	var got []string
	next := s.Rackspace.URL() + "/v2.0/users"
	for pages := 0; next != ""; pages++ {
		require.Less(t, pages, 10, "the listing ends")
		resp, body := call(t, c, "GET", next, "", h...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		var page struct {
			Users []json.RawMessage `json:"users"`
			Links []struct {
				Href string `json:"href"`
				Rel  string `json:"rel"`
			} `json:"users_links"`
		}
		decode(t, body, &page)
		assert.LessOrEqual(t, len(page.Users), sim.DefaultMaxPageSize)
		for _, raw := range page.Users {
			u := raxUserJSON(t, raw, forms)
			checkRaxUser(t, u, truth[len(got)])
			got = append(got, u["id"])
		}
		next = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				next = l.Href
				assert.True(t, strings.HasPrefix(next, s.Rackspace.URL()+"/v2.0/users?"), next)
			}
		}
		if len(got) < len(truth) {
			assert.NotEmpty(t, next, "a next link while users remain")
		}
	}
	assert.Equal(t, s.Rackspace.UserIDs(), got)
	for _, f := range []string{"RAX-AUTH:", "rax-auth:", "bool", "string bool"} {
		assert.Positive(t, forms[f], "%s in %v", f, forms)
	}

	// limit and marker by hand; a limit above the server's page is cut.
	ids := s.Rackspace.UserIDs()
	resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?limit=2&marker="+ids[3], "", h...)
	require.Equal(t, 200, resp.StatusCode)
	var page struct {
		Users []struct {
			ID string `json:"id"`
		} `json:"users"`
	}
	require.NoError(t, json.Unmarshal(body, &page))
	require.Len(t, page.Users, 2)
	assert.Equal(t, ids[4:6], []string{page.Users[0].ID, page.Users[1].ID})
	_, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?limit=1000", "", h...)
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Len(t, page.Users, sim.DefaultMaxPageSize)
	_, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?marker="+ids[len(ids)-1], "", h...)
	assert.JSONEq(t, `{"users":[]}`, string(body), "nothing after the last user, no link")

	for _, q := range []string{"limit=0", "limit=x", "marker=nobody"} {
		resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?"+q, "", h...)
		checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 400, "badRequest")
	}

	// ?name= answers one user.
	for i, want := range truth {
		resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?name="+url.QueryEscape(want.Name), "", h...)
		require.Equal(t, 200, resp.StatusCode)
		var one struct {
			User json.RawMessage `json:"user"`
		}
		decode(t, body, &one)
		checkRaxUser(t, raxUserJSON(t, one.User, forms), truth[i])
	}
	resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?name=nobody", "", h...)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
	resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users", "")
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 401, "unauthorized")
}

func TestRackspaceUsersXML(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 14, Users: 12})
	c := newClient(t)
	h := []string{"X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml"}
	truth := s.Rackspace.Users()
	var got []string
	next := s.Rackspace.URL() + "/v2.0/users"
	for pages := 0; next != ""; pages++ {
		require.Less(t, pages, 10, "the listing ends")
		resp, body := call(t, c, "GET", next, "", h...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		assert.Contains(t, string(body), `xmlns="`+nsIdentity+`"`, "the default namespace")
		assert.Contains(t, string(body), `xmlns:rax-auth="`+nsRaxAuth+`"`, "the rax-auth prefix")
		var page struct {
			XMLName xml.Name     `xml:"http://docs.openstack.org/identity/api/v2.0 users"`
			Users   []raxXMLUser `xml:"http://docs.openstack.org/identity/api/v2.0 user"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
		}
		require.NoError(t, xml.Unmarshal(body, &page), string(body))
		for _, u := range page.Users {
			checkRaxUser(t, u, truth[len(got)])
			got = append(got, u["id"])
		}
		next = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
	}
	assert.Equal(t, s.Rackspace.UserIDs(), got)

	resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?name="+truth[2].Name, "", h...)
	require.Equal(t, 200, resp.StatusCode)
	var one raxXMLUser
	require.NoError(t, xml.Unmarshal(body, &one), string(body))
	assert.Equal(t, nsIdentity+" user", one["element"])
	checkRaxUser(t, one, truth[2])
	resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users?name=nobody", "", h...)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
}

func TestRackspaceUser(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 13, Users: 40})
	c := newClient(t)
	forms := map[string]int{}
	for _, want := range s.Rackspace.Users() {
		resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/"+want.ID, "", "X-Auth-Token", s.Creds.RackspaceToken)
		require.Equal(t, 200, resp.StatusCode)
		var u struct {
			User json.RawMessage `json:"user"`
		}
		decode(t, body, &u)
		checkRaxUser(t, raxUserJSON(t, u.User, forms), want)

		resp, body = call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/"+want.ID, "", "X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml")
		require.Equal(t, 200, resp.StatusCode)
		var x raxXMLUser
		require.NoError(t, xml.Unmarshal(body, &x), string(body))
		assert.Equal(t, nsIdentity+" user", x["element"])
		checkRaxUser(t, x, want)
	}
	assert.Len(t, forms, 4, "both prefixes, booleans and strings: %v", forms)
}

func TestRackspaceUserMFA(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 15, Users: 200})
	levels := map[string]int{}
	for _, u := range s.Rackspace.Users() {
		var otp, sms bool
		for _, d := range u.Devices {
			otp = otp || (d.Kind == mfa.KindTOTP && d.Status == mfa.StatusActive)
			sms = sms || (d.Kind == mfa.KindSMS && d.Status == mfa.StatusActive)
		}
		levels[u.Enforcement]++
		switch {
		case u.MFAEnabled:
			assert.True(t, otp || sms, "multi-factor on with a verified factor")
			assert.Contains(t, []string{"ACTIVE", "LOCKED"}, u.MFAState)
			assert.Equal(t, map[bool]string{true: "OTP", false: "SMS"}[otp], u.FactorType)
		case otp || sms:
			assert.Equal(t, "OPTIONAL", u.Enforcement, "a verified factor that login does not ask for")
			fallthrough
		default:
			assert.Empty(t, u.MFAState)
			assert.Empty(t, u.FactorType)
		}
	}
	assert.Len(t, levels, 3, "DEFAULT, OPTIONAL and REQUIRED: %v", levels)
}

func TestRackspacePhones(t *testing.T) {
	s := startSim(t, sim.Options{Seed: 16, Users: 60})
	c := newClient(t)
	truth := byUser(ofKind(s.Rackspace.Devices(), mfa.KindSMS))
	require.NotEmpty(t, truth)
	for _, uid := range s.Rackspace.UserIDs() {
		u := s.Rackspace.URL() + "/v2.0/users/" + uid + "/RAX-AUTH/multi-factor/mobile-phones"
		want := truth[uid]
		resp, body := call(t, c, "GET", u, "", "X-Auth-Token", s.Creds.RackspaceToken)
		require.Equal(t, 200, resp.StatusCode)
		var list struct {
			Phones []struct {
				ID       string `json:"id"`
				Verified bool   `json:"verified"`
				Number   string `json:"number"`
			} `json:"RAX-AUTH:mobilePhones"`
		}
		decode(t, body, &list)
		require.NotNil(t, list.Phones)
		require.Len(t, list.Phones, len(want))

		resp, body = call(t, c, "GET", u, "", "X-Auth-Token", s.Creds.RackspaceToken, "Accept", "application/xml")
		require.Equal(t, 200, resp.StatusCode)
		var x struct {
			XMLName xml.Name `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 mobilePhones"`
			Phones  []struct {
				ID       string `xml:"id,attr"`
				Number   string `xml:"number,attr"`
				Verified string `xml:"verified,attr"`
			} `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 mobilePhone"`
		}
		require.NoError(t, xml.Unmarshal(body, &x), string(body))
		require.Len(t, x.Phones, len(want))
		for i, p := range list.Phones {
			assert.Equal(t, []string{want[i].ID, want[i].Number, want[i].VendorStatus}, []string{p.ID, p.Number, strconv.FormatBool(p.Verified)})
			assert.Equal(t, []string{want[i].ID, want[i].Number, want[i].VendorStatus}, []string{x.Phones[i].ID, x.Phones[i].Number, x.Phones[i].Verified})
		}
	}
	resp, body := call(t, c, "GET", s.Rackspace.URL()+"/v2.0/users/nobody/RAX-AUTH/multi-factor/mobile-phones", "", "X-Auth-Token", s.Creds.RackspaceToken)
	checkRaxFault(t, resp.StatusCode, resp.Header.Get("Content-Type"), body, 404, "itemNotFound")
}

func TestRackspaceLogin(t *testing.T) {
	s := startSim(t, sim.Options{})
	c := newClient(t)
	cr := s.Creds
	devices := s.Rackspace.URL() + "/v2.0/users/" + s.Rackspace.UserIDs()[0] + "/RAX-AUTH/multi-factor/otp-devices"

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
