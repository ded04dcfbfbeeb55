package sim

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// XML namespaces of Rackspace Identity v2.0.
const (
	nsIdentity = "http://docs.openstack.org/identity/api/v2.0"
	nsRaxAuth  = "http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"

	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

	// raxAllNamespaces are the declarations the reference page shows on a
	// single device wrapped in <rax-auth:otpDevices>.
	raxAllNamespaces = ` xmlns:atom="http://www.w3.org/2005/Atom" xmlns:rax-auth="` + nsRaxAuth +
		`" xmlns="` + nsIdentity + `" xmlns:ns4="http://docs.rackspace.com/identity/api/ext/RAX-KSGRP/v1.0"` +
		` xmlns:rax-ksqa="http://docs.rackspace.com/identity/api/ext/RAX-KSQA/v1.0"` +
		` xmlns:os-ksadm="http://docs.openstack.org/identity/api/ext/OS-KSADM/v1.0"` +
		` xmlns:rax-kskey="http://docs.rackspace.com/identity/api/ext/RAX-KSKEY/v1.0"` +
		` xmlns:os-ksec2="http://docs.openstack.org/identity/api/ext/OS-KSEC2/v1.0"`
	raxTwoNamespaces = ` xmlns:rax-auth="` + nsRaxAuth + `" xmlns="` + nsIdentity + `"`

	raxExpiresLayout = "2006-01-02T15:04:05.000-07:00"
	raxTenant        = "123456"
	raxDomain        = "135792"
	raxRegion        = "DFW"
)

// raxZone is the zone of Rackspace token expiry dates (US Central).
var raxZone = time.FixedZone("CST", -6*3600)

// rackspaceVendor is the Rackspace Identity v2.0 API.
type rackspaceVendor struct {
	org     *org
	creds   *Credentials
	tokens  *tokenStore
	userID  string // id of the login user
	maxPage int
}

func (v *rackspaceVendor) isLogin(r *http.Request) bool { return r.URL.Path == "/v2.0/tokens" }

func (v *rackspaceVendor) expireTokens()       { v.tokens.expireAll() }
func (v *rackspaceVendor) issued() *tokenStore { return v.tokens }

// wantsXML reports whether the Accept header of r prefers XML (JSON is the
// default).
func wantsXML(r *http.Request) bool {
	for _, line := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(line, ",") {
			mt, _, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(mt)) {
			case "application/xml", "text/xml":
				return true
			case "application/json":
				return false
			}
		}
	}
	return false
}

type raxFault struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

// writeFault answers a Rackspace fault in the Accept format.
func writeRaxFault(w http.ResponseWriter, r *http.Request, status int, name, msg, details string) {
	if !wantsXML(r) {
		writeJSON(w, status, map[string]raxFault{name: {Code: status, Message: msg, Details: details}})
		return
	}
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString("<" + name + ` xmlns="` + nsIdentity + `" code="` + strconv.Itoa(status) + `"><message>`)
	b.WriteString(xmlEscape(msg))
	b.WriteString("</message>")
	if details != "" {
		b.WriteString("<details>" + xmlEscape(details) + "</details>")
	}
	b.WriteString("</" + name + ">\n")
	writeText(w, status, contentXML, b.String())
}

func (v *rackspaceVendor) fault(w http.ResponseWriter, r *http.Request, f mfatest.Fault) {
	switch {
	case f.Kind == mfatest.FaultRateLimit:
		writeRaxFault(w, r, http.StatusRequestEntityTooLarge, "overLimit",
			"Too many requests. Please resubmit in a few seconds.", "Rate limit exceeded.")
	case f.Status == http.StatusInternalServerError:
		writeRaxFault(w, r, f.Status, "identityFault", "Service error.", "An unexpected error occurred.")
	default:
		writeRaxFault(w, r, f.Status, "serviceUnavailable", "Service is not available.", "")
	}
}

func (v *rackspaceVendor) serve(w http.ResponseWriter, r *http.Request) {
	segs := segments(r)
	var h func()
	switch {
	case match(segs, "v2.0", "tokens"):
		if r.Method == http.MethodPost {
			v.login(w, r)
			return
		}
	case match(segs, "v2.0", "users"):
		h = func() { v.users(w, r) }
	case match(segs, "v2.0", "users", "*"):
		h = func() { v.user(w, r, segs[2]) }
	case match(segs, "v2.0", "users", "*", "RAX-AUTH", "multi-factor", "otp-devices"):
		h = func() { v.devices(w, r, segs[2]) }
	case match(segs, "v2.0", "users", "*", "RAX-AUTH", "multi-factor", "mobile-phones"):
		h = func() { v.phones(w, r, segs[2]) }
	case match(segs, "v2.0", "users", "*", "RAX-AUTH", "multi-factor", "otp-devices", "*"):
		h = func() { v.device(w, r, segs[2], segs[6]) }
	default:
		writeRaxFault(w, r, http.StatusNotFound, "itemNotFound", "Resource not found.", "")
		return
	}
	if h == nil || r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeRaxFault(w, r, http.StatusMethodNotAllowed, "badRequest", "Method not allowed.", "")
		return
	}
	switch v.tokens.check(r.Header.Get("X-Auth-Token")) {
	case tokenValid:
		h()
	case tokenExpired:
		writeRaxFault(w, r, http.StatusUnauthorized, "unauthorized", "Token expired. Please authenticate again.", "")
	default:
		writeRaxFault(w, r, http.StatusUnauthorized, "unauthorized",
			"No valid token provided. Please use the 'X-Auth-Token' header with a valid token.", "")
	}
}

// ---- login ----

type raxCredentials struct {
	Username string `json:"username" xml:"username,attr"`
	APIKey   string `json:"apiKey" xml:"apiKey,attr"`
	Password string `json:"password" xml:"password,attr"`
}

type raxLoginRequest struct {
	Auth struct {
		APIKey   *raxCredentials `json:"RAX-KSKEY:apiKeyCredentials"`
		Password *raxCredentials `json:"passwordCredentials"`
	} `json:"auth"`
}

type raxLoginXML struct {
	XMLName  xml.Name        `xml:"auth"`
	APIKey   *raxCredentials `xml:"apiKeyCredentials"`
	Password *raxCredentials `xml:"passwordCredentials"`
}

// login answers POST /v2.0/tokens with API key or password credentials,
// read as JSON or (by Content-Type) XML.
func (v *rackspaceVendor) login(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	var apiKey, password *raxCredentials
	isXML := strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "xml")
	if err == nil {
		if isXML {
			var req raxLoginXML
			err = xml.Unmarshal(body, &req)
			apiKey, password = req.APIKey, req.Password
		} else {
			var req raxLoginRequest
			err = json.Unmarshal(body, &req)
			apiKey, password = req.Auth.APIKey, req.Auth.Password
		}
	}
	if err != nil || (apiKey == nil && password == nil) {
		msg := "Invalid json request body"
		if isXML {
			msg = "Invalid XML request body"
		}
		writeRaxFault(w, r, http.StatusBadRequest, "badRequest", msg, "")
		return
	}
	c := v.creds
	var ok bool
	method := "PASSWORD"
	if apiKey != nil {
		method = "APIKEY"
		ok = apiKey.Username == c.RackspaceUser && subtle.ConstantTimeCompare([]byte(apiKey.APIKey), []byte(c.RackspaceAPIKey)) == 1
	} else {
		ok = password.Username == c.RackspaceUser && subtle.ConstantTimeCompare([]byte(password.Password), []byte(c.RackspacePassword)) == 1
	}
	if !ok {
		writeRaxFault(w, r, http.StatusUnauthorized, "unauthorized", "Unable to authenticate user with credentials provided.", "")
		return
	}
	tok := randomHex(16)
	v.tokens.add(tok)
	expires := time.Now().Add(24 * time.Hour).In(raxZone).Format(raxExpiresLayout)
	if wantsXML(r) {
		var b strings.Builder
		b.WriteString(xmlHeader + `<access xmlns="` + nsIdentity + `" xmlns:rax-auth="` + nsRaxAuth + `">`)
		b.WriteString(`<token id="` + tok + `" expires="` + expires + `"><tenant id="` + raxTenant + `" name="` + raxTenant + `"/>`)
		b.WriteString(`<rax-auth:authenticatedBy><rax-auth:credential>` + method + `</rax-auth:credential></rax-auth:authenticatedBy></token>`)
		b.WriteString(`<user id="` + v.userID + `" name="` + xmlEscape(c.RackspaceUser) + `" rax-auth:defaultRegion="` + raxRegion + `">`)
		b.WriteString(`<roles><role id="3" name="identity:user-admin" description="User Admin Role."/></roles></user><serviceCatalog/></access>` + "\n")
		writeText(w, http.StatusOK, contentXML, b.String())
		return
	}
	type role struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	var resp struct {
		Access struct {
			Token struct {
				ID              string   `json:"id"`
				Expires         string   `json:"expires"`
				Tenant          idName   `json:"tenant"`
				AuthenticatedBy []string `json:"RAX-AUTH:authenticatedBy"`
			} `json:"token"`
			User struct {
				ID            string `json:"id"`
				Name          string `json:"name"`
				Roles         []role `json:"roles"`
				DefaultRegion string `json:"RAX-AUTH:defaultRegion"`
			} `json:"user"`
			ServiceCatalog []any `json:"serviceCatalog"`
		} `json:"access"`
	}
	a := &resp.Access
	a.Token.ID, a.Token.Expires = tok, expires
	a.Token.Tenant = idName{ID: raxTenant, Name: raxTenant}
	a.Token.AuthenticatedBy = []string{method}
	a.User.ID, a.User.Name, a.User.DefaultRegion = v.userID, c.RackspaceUser, raxRegion
	a.User.Roles = []role{{ID: "3", Name: "identity:user-admin", Description: "User Admin Role."}}
	a.ServiceCatalog = []any{}
	writeJSON(w, http.StatusOK, resp)
}

// ---- users and devices ----

func (v *rackspaceVendor) findUser(w http.ResponseWriter, r *http.Request, id string) (int, bool) {
	i, ok := v.org.findUser(id)
	if !ok {
		writeRaxFault(w, r, http.StatusNotFound, "itemNotFound", "User not found.", "No user with ID "+echo(id)+".")
	}
	return i, ok
}

type raxUser struct {
	ID                 string `json:"id"`
	Username           string `json:"username"`
	Email              string `json:"email"`
	Enabled            any    `json:"enabled"`
	DomainID           string `json:"RAX-AUTH:domainId"`
	DefaultRegion      string `json:"RAX-AUTH:defaultRegion"`
	MultiFactorEnabled any    `json:"RAX-AUTH:multiFactorEnabled"`
	MultiFactorState   string `json:"RAX-AUTH:multiFactorState,omitempty"`
	EnforcementLevel   string `json:"RAX-AUTH:userMultiFactorEnforcementLevel"`
	FactorType         string `json:"RAX-AUTH:factorType,omitempty"`
	PhonePinState      string `json:"RAX-AUTH:phonePinState"`
	Created            string `json:"created"`

	// lower writes the extension prefix as "rax-auth:", as Rackspace's own
	// examples do.
	lower bool
}

// MarshalJSON writes the user, its extension members prefixed as u.lower
// says. Keys follow "{" or ",", values cannot: a quote inside a value is
// escaped, so only keys are renamed.
func (u raxUser) MarshalJSON() ([]byte, error) {
	type plain raxUser
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(plain(u)); err != nil {
		return nil, err
	}
	out := bytes.TrimSpace(b.Bytes())
	if u.lower {
		out = bytes.ReplaceAll(out, []byte(`,"RAX-AUTH:`), []byte(`,"rax-auth:`))
	}
	return out, nil
}

// raxUserOf returns user i as Rackspace writes it. Some users have the
// lower-case prefix, some their booleans as strings, chosen by index.
func (v *rackspaceVendor) raxUserOf(i int) raxUser {
	u := v.org.user(i)
	ru := raxUser{
		ID: u.ID, Username: u.Name, Email: u.Email, Enabled: !u.Disabled, DomainID: raxDomain, DefaultRegion: raxRegion,
		MultiFactorEnabled: u.MFAEnabled, MultiFactorState: u.MFAState, EnforcementLevel: u.Enforcement,
		FactorType: u.FactorType, PhonePinState: "ACTIVE", Created: u.Created.In(raxZone).Format(raxExpiresLayout),
		lower: i%4 == 1,
	}
	if i%3 == 1 {
		ru.Enabled, ru.MultiFactorEnabled = strconv.FormatBool(!u.Disabled), strconv.FormatBool(u.MFAEnabled)
	}
	return ru
}

// xml writes the attributes of a <user> element and closes it; the caller
// writes "<user" and declares the rax-auth prefix, on it or on an
// enclosing element.
func (u raxUser) xml(b *strings.Builder) {
	b.WriteString(` id="` + xmlEscape(u.ID) + `" username="` + xmlEscape(u.Username) + `" email="` + xmlEscape(u.Email) + `"`)
	b.WriteString(` enabled="` + fmt.Sprint(u.Enabled) + `" created="` + u.Created + `"`)
	b.WriteString(` rax-auth:domainId="` + u.DomainID + `" rax-auth:defaultRegion="` + u.DefaultRegion + `"`)
	b.WriteString(` rax-auth:multiFactorEnabled="` + fmt.Sprint(u.MultiFactorEnabled) + `"`)
	if u.MultiFactorState != "" {
		b.WriteString(` rax-auth:multiFactorState="` + xmlEscape(u.MultiFactorState) + `"`)
	}
	b.WriteString(` rax-auth:userMultiFactorEnforcementLevel="` + xmlEscape(u.EnforcementLevel) + `"`)
	if u.FactorType != "" {
		b.WriteString(` rax-auth:factorType="` + xmlEscape(u.FactorType) + `"`)
	}
	b.WriteString(` rax-auth:phonePinState="` + u.PhonePinState + `"/>`)
}

// writeUser answers one user: {"user":{...}} or a <user> element.
func (v *rackspaceVendor) writeUser(w http.ResponseWriter, r *http.Request, i int) {
	ru := v.raxUserOf(i)
	if !wantsXML(r) {
		writeJSON(w, http.StatusOK, struct {
			User raxUser `json:"user"`
		}{ru})
		return
	}
	var b strings.Builder
	b.WriteString(xmlHeader + `<user` + raxTwoNamespaces)
	ru.xml(&b)
	b.WriteString("\n")
	writeText(w, http.StatusOK, contentXML, b.String())
}

// user answers GET /v2.0/users/{userId}.
func (v *rackspaceVendor) user(w http.ResponseWriter, r *http.Request, id string) {
	if i, ok := v.findUser(w, r, id); ok {
		v.writeUser(w, r, i)
	}
}

// users answers GET /v2.0/users: with ?name= the one user of that name,
// else a page of at most limit (and maxPage) users after the user whose id
// is marker, with a users_links next link when more follow.
func (v *rackspaceVendor) users(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if name := q.Get("name"); name != "" {
		for i := range v.org.users {
			if v.org.user(i).Name == name {
				v.writeUser(w, r, i)
				return
			}
		}
		writeRaxFault(w, r, http.StatusNotFound, "itemNotFound", "User not found.", "No user with name "+echo(name)+".")
		return
	}
	limit, start := v.maxPage, 0
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			writeRaxFault(w, r, http.StatusBadRequest, "badRequest", "Invalid limit: "+echo(s)+".", "")
			return
		}
		limit = min(n, v.maxPage)
	}
	if m := q.Get("marker"); m != "" {
		i, ok := v.org.findUser(m)
		if !ok {
			writeRaxFault(w, r, http.StatusBadRequest, "badRequest", "Invalid marker: "+echo(m)+".", "")
			return
		}
		start = i + 1
	}
	end := min(start+limit, len(v.org.users))
	next := ""
	if end < len(v.org.users) {
		next = "http://" + r.Host + "/v2.0/users?" + url.Values{
			"limit": {strconv.Itoa(limit)}, "marker": {v.org.userID(end - 1)},
		}.Encode()
	}
	if wantsXML(r) {
		var b strings.Builder
		b.WriteString(xmlHeader + `<users` + raxTwoNamespaces + ` xmlns:atom="http://www.w3.org/2005/Atom">` + "\n")
		for i := start; i < end; i++ {
			b.WriteString("  <user")
			v.raxUserOf(i).xml(&b)
			b.WriteString("\n")
		}
		if next != "" {
			b.WriteString(`  <atom:link rel="next" href="` + xmlEscape(next) + `"/>` + "\n")
		}
		b.WriteString("</users>\n")
		writeText(w, http.StatusOK, contentXML, b.String())
		return
	}
	l := startList(w, http.StatusOK, `{"users":[`)
	for i := start; i < end; i++ {
		l.item(v.raxUserOf(i))
	}
	suffix := "]}"
	if next != "" {
		link, _ := json.Marshal([]map[string]string{{"href": next, "rel": "next"}})
		suffix = `],"users_links":` + string(link) + "}"
	}
	l.end(suffix)
}

type raxDevice struct {
	ID       string `json:"id"`
	Verified bool   `json:"verified"`
	Name     string `json:"name"`
}

type raxPhone struct {
	ID       string `json:"id"`
	Verified bool   `json:"verified"`
	Number   string `json:"number"`
}

// factors returns the device indexes of the OTP devices (phones false) or
// the mobile phones (phones true) of user i.
func (v *rackspaceVendor) factors(i int, phones bool) []int {
	first, end := v.org.userDevices(i)
	var out []int
	for j := first; j < end; j++ {
		if (v.org.devices[j].flags&devPhone != 0) == phones {
			out = append(out, j)
		}
	}
	return out
}

func otpXML(d *Device) string {
	return `<rax-auth:otpDevice verified="` + strconv.FormatBool(d.Status == mfa.StatusActive) + `" name="` + xmlEscape(d.Name) +
		`" id="` + xmlEscape(d.ID) + `"/>`
}

func (v *rackspaceVendor) devices(w http.ResponseWriter, r *http.Request, id string) {
	i, ok := v.findUser(w, r, id)
	if !ok {
		return
	}
	idx := v.factors(i, false)
	if !wantsXML(r) {
		out := make([]raxDevice, len(idx))
		for k, j := range idx {
			d := v.org.device(j)
			out[k] = raxDevice{ID: d.ID, Verified: d.Status == mfa.StatusActive, Name: d.Name}
		}
		writeJSON(w, http.StatusOK, struct {
			Devices []raxDevice `json:"RAX-AUTH:otpDevices"`
		}{out})
		return
	}
	var b strings.Builder
	b.WriteString(xmlHeader + `<rax-auth:otpDevices` + raxTwoNamespaces + ">\n")
	for _, j := range idx {
		d := v.org.device(j)
		b.WriteString("  " + otpXML(&d) + "\n")
	}
	b.WriteString("</rax-auth:otpDevices>\n")
	writeText(w, http.StatusOK, contentXML, b.String())
}

// device answers one device. In XML most devices come wrapped in
// <rax-auth:otpDevices>, as the reference page shows, and some bare.
func (v *rackspaceVendor) device(w http.ResponseWriter, r *http.Request, userID, deviceID string) {
	i, ok := v.findUser(w, r, userID)
	if !ok {
		return
	}
	for _, j := range v.factors(i, false) {
		d := v.org.device(j)
		if d.ID != deviceID {
			continue
		}
		switch {
		case !wantsXML(r):
			writeJSON(w, http.StatusOK, struct {
				Device raxDevice `json:"RAX-AUTH:otpDevice"`
			}{raxDevice{ID: d.ID, Verified: d.Status == mfa.StatusActive, Name: d.Name}})
		case v.org.devices[j].flags&devBareXML != 0:
			bare := strings.Replace(otpXML(&d), "<rax-auth:otpDevice", "<rax-auth:otpDevice"+raxTwoNamespaces, 1)
			writeText(w, http.StatusOK, contentXML, xmlHeader+bare+"\n")
		default:
			writeText(w, http.StatusOK, contentXML,
				xmlHeader+"<rax-auth:otpDevices"+raxAllNamespaces+">\n     "+otpXML(&d)+"\n</rax-auth:otpDevices>\n")
		}
		return
	}
	writeRaxFault(w, r, http.StatusNotFound, "itemNotFound", "OTP device not found.", "No OTP device with ID "+echo(deviceID)+" for this user.")
}

// phones answers GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/mobile-phones:
// at most one phone. In XML the list is in the RAX-AUTH namespace by
// default, as the reference shows.
func (v *rackspaceVendor) phones(w http.ResponseWriter, r *http.Request, id string) {
	i, ok := v.findUser(w, r, id)
	if !ok {
		return
	}
	var phones []Device
	for _, j := range v.factors(i, true) {
		phones = append(phones, v.org.device(j))
	}
	if !wantsXML(r) {
		out := make([]raxPhone, len(phones))
		for j, p := range phones {
			out[j] = raxPhone{ID: p.ID, Verified: p.Status == mfa.StatusActive, Number: p.Number}
		}
		writeJSON(w, http.StatusOK, struct {
			Phones []raxPhone `json:"RAX-AUTH:mobilePhones"`
		}{out})
		return
	}
	var b strings.Builder
	b.WriteString(xmlHeader + `<mobilePhones xmlns="` + nsRaxAuth + `">` + "\n")
	for _, p := range phones {
		b.WriteString(`  <mobilePhone id="` + xmlEscape(p.ID) + `" number="` + xmlEscape(p.Number) +
			`" verified="` + strconv.FormatBool(p.Status == mfa.StatusActive) + `"/>` + "\n")
	}
	b.WriteString("</mobilePhones>\n")
	writeText(w, http.StatusOK, contentXML, b.String())
}
