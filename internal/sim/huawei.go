package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// huaweiAuth is what the two Huawei APIs share: credentials and the tokens
// issued by the IAM login.
type huaweiAuth struct {
	creds  *Credentials
	userID string // id of the login user
	tokens *tokenStore
}

// Huawei error envelopes.
type (
	// apigError is the API gateway envelope in front of every Huawei API.
	apigError struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		RequestID string `json:"request_id"`
	}
	// iamError is the IAM service envelope.
	iamError struct {
		ErrorMsg  string `json:"error_msg"`
		ErrorCode string `json:"error_code"`
	}
	// wksError is the Workspace service envelope.
	wksError struct {
		ErrorCode                   string `json:"error_code"`
		ErrorMsg                    string `json:"error_msg"`
		EncodedAuthorizationMessage string `json:"encoded_authorization_message,omitempty"`
	}
	// keystoneError is the Keystone envelope of the token API.
	keystoneError struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Title   string `json:"title"`
		} `json:"error"`
	}
)

func writeAPIG(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apigError{ErrorCode: code, ErrorMsg: msg, RequestID: w.Header().Get("X-Request-Id")})
}

func writeKeystone(w http.ResponseWriter, status int, title, msg string) {
	var e keystoneError
	e.Error.Code, e.Error.Title, e.Error.Message = status, title, msg
	writeJSON(w, status, e)
}

// apiNotFound is the gateway's answer to a method and path it does not
// publish.
func apiNotFound(w http.ResponseWriter) {
	writeAPIG(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment")
}

// huaweiFault answers a rate-limit or server-error fault; service500 is the
// service's own 500 answer.
func huaweiFault(w http.ResponseWriter, f mfatest.Fault, service500 func(http.ResponseWriter)) {
	switch {
	case f.Kind == mfatest.FaultRateLimit:
		writeAPIG(w, http.StatusTooManyRequests, "APIG.0308",
			"The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second")
	case f.Status == http.StatusInternalServerError:
		service500(w)
	case f.Status == http.StatusGatewayTimeout:
		writeAPIG(w, http.StatusGatewayTimeout, "APIG.0203", "Backend timeout")
	default:
		writeAPIG(w, http.StatusServiceUnavailable, "APIG.0202", "Backend unavailable")
	}
}

// echo shortens an id echoed in an error message.
func echo(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// ---- authentication ----

const (
	sdkAlgorithm  = "SDK-HMAC-SHA256"
	sdkDateLayout = "20060102T150405Z"
	sdkMaxSkew    = 15 * time.Minute
)

// authorize checks the X-Auth-Token or the AK/SK signature of r and
// answers 401 when it is wrong.
func (h *huaweiAuth) authorize(w http.ResponseWriter, r *http.Request) bool {
	if az := r.Header.Get("Authorization"); strings.HasPrefix(az, sdkAlgorithm) {
		if msg, ok := h.verifySignature(r, az); !ok {
			writeAPIG(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: "+msg)
			return false
		}
		return true
	}
	tok := r.Header.Get("X-Auth-Token")
	switch h.tokens.check(tok) {
	case tokenValid:
		return true
	case tokenExpired:
		writeAPIG(w, http.StatusUnauthorized, "APIG.0307", "The token must be updated.")
		return false
	}
	msg := "decrypt token fail"
	if tok == "" {
		msg = "x-auth-token not found"
	}
	writeAPIG(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: "+msg)
	return false
}

// verifySignature checks an SDK-HMAC-SHA256 signature as the Huawei API
// gateway does: it rebuilds the canonical request from r and compares.
func (h *huaweiAuth) verifySignature(r *http.Request, authz string) (string, bool) {
	params := make(map[string]string, 3)
	for part := range strings.SplitSeq(strings.TrimPrefix(authz, sdkAlgorithm), ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			params[k] = v
		}
	}
	access, signed, sig := params["Access"], strings.ToLower(params["SignedHeaders"]), params["Signature"]
	if access == "" || signed == "" || sig == "" {
		return "the authorization header is malformed", false
	}
	if subtle.ConstantTimeCompare([]byte(access), []byte(h.creds.HuaweiAK)) != 1 {
		return "ak not exist", false
	}
	date := r.Header.Get("X-Sdk-Date")
	t, err := time.Parse(sdkDateLayout, date)
	if err != nil {
		return "x-sdk-date is missing or malformed", false
	}
	if skew := time.Since(t); skew > sdkMaxSkew || skew < -sdkMaxSkew {
		return "x-sdk-date is expired", false
	}
	names := strings.Split(signed, ";")
	if !slices.Contains(names, "host") || !slices.Contains(names, "x-sdk-date") {
		return "signed headers must include host and x-sdk-date", false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		return "the request body cannot be read", false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	bodyHash := r.Header.Get("X-Sdk-Content-Sha256")
	if bodyHash != "UNSIGNED-PAYLOAD" {
		bodyHash = hexSHA256(body)
	}
	rest := "\n" + canonicalQuery(r) + "\n" + canonicalHeaders(r, names) + "\n" + signed + "\n" + bodyHash
	want := []byte(strings.ToLower(sig))
	for _, uri := range canonicalURIs(r) {
		sts := sdkAlgorithm + "\n" + date + "\n" + hexSHA256([]byte(r.Method+"\n"+uri+rest))
		mac := hmac.New(sha256.New, []byte(h.creds.HuaweiSK))
		mac.Write([]byte(sts))
		got := make([]byte, hex.EncodedLen(sha256.Size))
		hex.Encode(got, mac.Sum(nil))
		if hmac.Equal(got, want) {
			return "", true
		}
	}
	return "verify aksk signature fail", false
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sdkEscape escapes everything but A-Z a-z 0-9 - _ . ~ as %XX.
func sdkEscape(s string) string {
	const upper = "0123456789ABCDEF"
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upper[c>>4])
		b.WriteByte(upper[c&15])
	}
	return b.String()
}

// canonicalURIs returns the canonical path of r as a signer computes it
// from the decoded path (split on every "/", as the vendor SDKs do) and,
// when different, from the escaped path's segments (an escaped "/" inside
// an id stays in its segment). Either form is accepted.
func canonicalURIs(r *http.Request) []string {
	build := func(segs []string, decode bool) string {
		for i, s := range segs {
			if decode {
				s = unescapeOr(s)
			}
			segs[i] = sdkEscape(s)
		}
		p := strings.Join(segs, "/")
		if !strings.HasSuffix(p, "/") {
			p += "/"
		}
		return p
	}
	a := build(strings.Split(r.URL.Path, "/"), false)
	b := build(strings.Split(r.URL.EscapedPath(), "/"), true)
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

func unescapeOr(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// canonicalQuery sorts the query by key, then value, and escapes each.
func canonicalQuery(r *http.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := slices.Clone(q[k])
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, sdkEscape(k)+"="+sdkEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// canonicalHeaders writes one "name:value" line per signed header value,
// each ending in "\n"; host is the request's Host.
func canonicalHeaders(r *http.Request, names []string) string {
	var b strings.Builder
	for _, name := range names {
		vals := r.Header.Values(name)
		if name == "host" {
			vals = []string{r.Host}
		}
		vals = slices.Clone(vals)
		sort.Strings(vals)
		for _, v := range vals {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ---- login ----

// huaweiLoginRequest is the body of POST /v3/auth/tokens.
type huaweiLoginRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					Domain struct {
						ID   string `json:"id"`
						Name string `json:"name"`
					} `json:"domain"`
					ID       string `json:"id"`
					Name     string `json:"name"`
					Password string `json:"password"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
			Domain *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"domain"`
		} `json:"scope"`
	} `json:"auth"`
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// huaweiToken is the body of the token API's 201.
type huaweiToken struct {
	Token struct {
		ExpiresAt string   `json:"expires_at"`
		IssuedAt  string   `json:"issued_at"`
		Methods   []string `json:"methods"`
		User      struct {
			Domain idName `json:"domain"`
			ID     string `json:"id"`
			Name   string `json:"name"`
		} `json:"user"`
		Project *struct {
			Domain idName `json:"domain"`
			ID     string `json:"id"`
			Name   string `json:"name"`
		} `json:"project,omitempty"`
		Domain  *idName `json:"domain,omitempty"`
		Catalog []any   `json:"catalog"`
	} `json:"token"`
}

const huaweiTimeLayout = "2006-01-02T15:04:05.000000Z"

// login answers POST /v3/auth/tokens: a password login scoped to the
// project (or the domain, or unscoped).
func (h *huaweiAuth) login(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	var req huaweiLoginRequest
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, iamError{ErrorMsg: "The request body is invalid.", ErrorCode: "IAM.0011"})
		return
	}
	id := &req.Auth.Identity
	if !slices.Contains(id.Methods, "password") || id.Password == nil {
		writeJSON(w, http.StatusBadRequest, iamError{ErrorMsg: "Invalid identity method: password is required.", ErrorCode: "IAM.0007"})
		return
	}
	u := &id.Password.User
	c := h.creds
	domainOK := u.Domain.Name == c.HuaweiDomain || (u.Domain.Name == "" && u.Domain.ID == c.HuaweiDomainID)
	if !domainOK || u.Name != c.HuaweiUser ||
		subtle.ConstantTimeCompare([]byte(u.Password), []byte(c.HuaweiPassword)) != 1 {
		writeKeystone(w, http.StatusUnauthorized, "Unauthorized", "The username or password is wrong.")
		return
	}
	now := time.Now().UTC()
	var resp huaweiToken
	t := &resp.Token
	t.ExpiresAt = now.Add(24 * time.Hour).Format(huaweiTimeLayout)
	t.IssuedAt = now.Format(huaweiTimeLayout)
	t.Methods = []string{"password"}
	t.User.Domain = idName{ID: c.HuaweiDomainID, Name: c.HuaweiDomain}
	t.User.ID, t.User.Name = h.userID, c.HuaweiUser
	t.Catalog = []any{}
	if s := req.Auth.Scope; s != nil {
		switch {
		case s.Project != nil:
			if s.Project.ID != c.HuaweiProjectID && (s.Project.ID != "" || s.Project.Name != huaweiRegion) {
				writeKeystone(w, http.StatusUnauthorized, "Unauthorized", "The project in the scope is invalid.")
				return
			}
			t.Project = &struct {
				Domain idName `json:"domain"`
				ID     string `json:"id"`
				Name   string `json:"name"`
			}{Domain: t.User.Domain, ID: c.HuaweiProjectID, Name: huaweiRegion}
		case s.Domain != nil:
			t.Domain = &t.User.Domain
		}
	}
	tok := "MII" + randomHex(48)
	h.tokens.add(tok)
	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, resp)
}

// huaweiRegion is the name of the emulated project.
const huaweiRegion = "ap-southeast-1"

// ---- IAM ----

// iamVendor is the Huawei IAM v3.0 API.
type iamVendor struct {
	org  *org
	auth *huaweiAuth
}

func (v *iamVendor) isLogin(r *http.Request) bool { return r.URL.Path == "/v3/auth/tokens" }

func (v *iamVendor) expireTokens()       { v.auth.tokens.expireAll() }
func (v *iamVendor) issued() *tokenStore { return v.auth.tokens }

func (v *iamVendor) fault(w http.ResponseWriter, _ *http.Request, f mfatest.Fault) {
	huaweiFault(w, f, func(w http.ResponseWriter) {
		writeJSON(w, http.StatusInternalServerError, iamError{
			ErrorMsg:  "An unexpected error prevented the server from fulfilling your request.",
			ErrorCode: "IAM.0006",
		})
	})
}

type (
	iamDevice struct {
		UserID       string `json:"user_id"`
		SerialNumber string `json:"serial_number"`
	}
	iamLoginProtect struct {
		UserID             string `json:"user_id"`
		Enabled            bool   `json:"enabled"`
		VerificationMethod string `json:"verification_method"`
	}
	iamLinks struct {
		Self     string  `json:"self"`
		Previous *string `json:"previous"`
		Next     *string `json:"next"`
	}
	iamUser struct {
		ID                string  `json:"id"`
		Name              string  `json:"name"`
		DomainID          string  `json:"domain_id"`
		Enabled           bool    `json:"enabled"`
		Description       string  `json:"description"`
		PasswordExpiresAt *string `json:"password_expires_at"`
		PwdStatus         bool    `json:"pwd_status"`
		LastProjectID     string  `json:"last_project_id"`
		Links             struct {
			Self string `json:"self"`
		} `json:"links"`
	}
)

func (v *iamVendor) serve(w http.ResponseWriter, r *http.Request) {
	segs := segments(r)
	get := r.Method == http.MethodGet
	var h func()
	switch {
	case r.Method == http.MethodPost && match(segs, "v3", "auth", "tokens"):
		v.auth.login(w, r)
		return
	case get && match(segs, "v3", "users"):
		h = func() { v.users(w, r) }
	case get && match(segs, "v3.0", "OS-MFA", "users", "*", "virtual-mfa-device"):
		h = func() { v.device(w, segs[3]) }
	case get && match(segs, "v3.0", "OS-MFA", "virtual-mfa-devices"):
		h = func() { v.devices(w) }
	case get && match(segs, "v3.0", "OS-USER", "users", "*", "login-protect"):
		h = func() { v.loginProtect(w, segs[3]) }
	case get && match(segs, "v3.0", "OS-USER", "login-protects"):
		h = func() { v.loginProtects(w) }
	default:
		apiNotFound(w)
		return
	}
	if v.auth.authorize(w, r) {
		h()
	}
}

func (v *iamVendor) userNotFound(w http.ResponseWriter, id string) {
	// The IAM API has been seen to case its code "Iam.0004".
	writeJSON(w, http.StatusNotFound, iamError{ErrorMsg: "Could not find user: " + echo(id) + ".", ErrorCode: "Iam.0004"})
}

// users answers GET /v3/users. As the reference says, enabled defaults to
// true: without enabled=false the disabled users are not listed.
func (v *iamVendor) users(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	enabled := true
	if s := q.Get("enabled"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, iamError{ErrorMsg: "Invalid parameter: enabled.", ErrorCode: "IAM.0007"})
			return
		}
		enabled = b
	}
	name, domain := q.Get("name"), q.Get("domain_id")
	base := "http://" + r.Host + "/v3/users"
	self := base
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	links, _ := json.Marshal(iamLinks{Self: self})
	l := startList(w, http.StatusOK, `{"links":`+string(links)+`,"users":[`)
	c := v.auth.creds
	if domain == "" || domain == c.HuaweiDomainID {
		for i := range v.org.users {
			u := v.org.user(i)
			if !u.Disabled != enabled || (name != "" && u.Name != name) {
				continue
			}
			iu := iamUser{ID: u.ID, Name: u.Name, DomainID: c.HuaweiDomainID, Enabled: !u.Disabled, PwdStatus: true, LastProjectID: c.HuaweiProjectID}
			iu.Links.Self = base + "/" + url.PathEscape(u.ID)
			l.item(iu)
		}
	}
	l.end("]}")
}

func (v *iamVendor) device(w http.ResponseWriter, id string) {
	i, ok := v.org.findUser(id)
	if !ok {
		v.userNotFound(w, id)
		return
	}
	first, end := v.org.userDevices(i)
	if first == end {
		writeJSON(w, http.StatusNotFound, iamError{ErrorMsg: "Could not find virtual MFA device: " + echo(id) + ".", ErrorCode: "IAM.0004"})
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Device iamDevice `json:"virtual_mfa_device"`
	}{iamDevice{UserID: id, SerialNumber: v.org.devID(first)}})
}

func (v *iamVendor) devices(w http.ResponseWriter) {
	l := startList(w, http.StatusOK, `{"virtual_mfa_devices":[`)
	for j := range v.org.devices {
		l.item(iamDevice{UserID: v.org.userID(int(v.org.devices[j].user)), SerialNumber: v.org.devID(j)})
	}
	l.end("]}")
}

func (v *iamVendor) protect(i int) iamLoginProtect {
	u := v.org.user(i)
	return iamLoginProtect{UserID: u.ID, Enabled: u.LoginProtect, VerificationMethod: u.LoginMethod}
}

func (v *iamVendor) loginProtect(w http.ResponseWriter, id string) {
	i, ok := v.org.findUser(id)
	if !ok {
		v.userNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		LoginProtect iamLoginProtect `json:"login_protect"`
	}{v.protect(i)})
}

func (v *iamVendor) loginProtects(w http.ResponseWriter) {
	l := startList(w, http.StatusOK, `{"login_protects":[`)
	for i := range v.org.users {
		l.item(v.protect(i))
	}
	l.end("]}")
}

// ---- Workspace ----

// workspaceVendor is the Huawei Workspace v2 API.
type workspaceVendor struct {
	org     *org
	auth    *huaweiAuth
	maxPage int
}

func (v *workspaceVendor) isLogin(*http.Request) bool { return false }

func (v *workspaceVendor) expireTokens()       { v.auth.tokens.expireAll() }
func (v *workspaceVendor) issued() *tokenStore { return v.auth.tokens }

func (v *workspaceVendor) fault(w http.ResponseWriter, _ *http.Request, f mfatest.Fault) {
	huaweiFault(w, f, func(w http.ResponseWriter) {
		writeJSON(w, http.StatusInternalServerError, wksError{ErrorCode: "WKS.0001", ErrorMsg: "An internal service error occurred."})
	})
}

type (
	wksDevice struct {
		ID         string `json:"id"`
		UserID     string `json:"user_id"`
		UserName   string `json:"user_name"`
		Status     string `json:"status"`
		CreateTime string `json:"create_time"`
	}
	wksUser struct {
		ID                      string `json:"id"`
		UserName                string `json:"user_name"`
		UserEmail               string `json:"user_email"`
		TotalDesktops           int    `json:"total_desktops"`
		AccountExpires          string `json:"account_expires"`
		AccountExpired          bool   `json:"account_expired"`
		EnableChangePassword    bool   `json:"enable_change_password"`
		NextLoginChangePassword bool   `json:"next_login_change_password"`
		Locked                  bool   `json:"locked"`
		Disabled                bool   `json:"disabled"`
		ActiveType              string `json:"active_type"`
		IsPreUser               bool   `json:"is_pre_user"`
		UserPhone               string `json:"user_phone"`
	}
)

func (v *workspaceVendor) serve(w http.ResponseWriter, r *http.Request) {
	segs := segments(r)
	list := match(segs, "v2", "*", "users")
	if r.Method != http.MethodGet || (!list && !match(segs, "v2", "*", "users", "*", "otp-devices")) {
		apiNotFound(w)
		return
	}
	if !v.auth.authorize(w, r) {
		return
	}
	if segs[1] != v.auth.creds.HuaweiProjectID {
		writeJSON(w, http.StatusForbidden, wksError{
			ErrorCode:                   "WKS.0003",
			ErrorMsg:                    "You do not have permission to access the project.",
			EncodedAuthorizationMessage: "encoded-" + hexSHA256([]byte(segs[1]))[:48],
		})
		return
	}
	if list {
		v.users(w, r)
		return
	}
	i, ok := v.org.findUser(segs[3])
	if !ok {
		writeJSON(w, http.StatusNotFound, wksError{ErrorCode: "WKS.0004", ErrorMsg: "The user does not exist: " + echo(segs[3]) + "."})
		return
	}
	first, end := v.org.userDevices(i)
	out := make([]wksDevice, 0, end-first)
	name := v.org.user(i).Name
	for j := first; j < end; j++ {
		d := &v.org.devices[j]
		out = append(out, wksDevice{
			ID: v.org.devID(j), UserID: segs[3], UserName: name, Status: v.org.devWord(j),
			CreateTime: workspaceLayouts[d.layout].format(d.created),
		})
	}
	writeJSON(w, http.StatusOK, struct {
		OTPDevices []wksDevice `json:"otp_devices"`
	}{out})
}

// expiredAt is the account_expires of an expired user: a past date, in
// Unix milliseconds.
var expiredAt = strconv.FormatInt(epoch.AddDate(0, -1, 0).UnixMilli(), 10)

// users answers GET /v2/{project_id}/users?offset=&limit=. The server
// answers at most maxPage users, even without limit (where the real API
// answers every user): total_count says how many there are.
func (v *workspaceVendor) users(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, limit := 0, v.maxPage
	for _, p := range []struct {
		name string
		to   *int
		min  int
	}{{"offset", &offset, 0}, {"limit", &limit, 1}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < p.min {
			writeJSON(w, http.StatusBadRequest, wksError{ErrorCode: "WKS.0002", ErrorMsg: "The parameter " + p.name + " is invalid."})
			return
		}
		*p.to = n
	}
	total := len(v.org.users)
	l := startList(w, http.StatusOK, `{"total_count":`+strconv.Itoa(total)+`,"users":[`)
	for i := offset; i < total && i < offset+min(limit, v.maxPage); i++ {
		u := v.org.user(i)
		wu := wksUser{
			ID: u.ID, UserName: u.Name, UserEmail: u.Email, TotalDesktops: i % 2, AccountExpires: "0",
			AccountExpired: u.Expired, EnableChangePassword: true, Locked: u.Locked, Disabled: u.Disabled,
			ActiveType: "USER_ACTIVATE",
		}
		if u.Expired {
			wu.AccountExpires = expiredAt
		}
		l.item(wu)
	}
	l.end("]}")
}
