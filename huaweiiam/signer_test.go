package huaweiiam

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
)

const (
	katAccessKey = "HPUAEXAMPLEACCESSKEY"
	katSecretKey = "SK-EXAMPLE-SECRET-KEY-0123456789abcdef"
)

func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func hexHMAC(key, msg string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(msg))
	return hex.EncodeToString(mac.Sum(nil))
}

// The algorithm's steps, worked by hand for the seed page's Workspace call.
func TestSignKnownAnswerWorkspace(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet,
		"https://workspace.ap-southeast-1.myhuaweicloud.com/v2/0bec5db98280d2d02fd6c00c2de791ce/users/8a2c3f9579d240820179d51e6caf0001/otp-devices", nil)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mfa-go/test")  // not signed
	req.Header.Set("Accept", "application/json") // not signed
	auth := &signingAuth{
		creds:  &akskCredentials{accessKey: katAccessKey, secretKey: mfa.NewSecret(katSecretKey), now: func() time.Time { return time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC) }},
		header: "X-Project-Id",
		value:  "0bec5db98280d2d02fd6c00c2de791ce",
	}
	require.NoError(t, auth.Authenticate(req))

	// Step 1: the date header.
	assert.Equal(t, "20200410T064514Z", req.Header.Get("X-Sdk-Date"))
	assert.Equal(t, "0bec5db98280d2d02fd6c00c2de791ce", req.Header.Get("X-Project-Id"))

	// Step 2: the canonical request. The body is empty: its SHA-256 is
	// e3b0c442...b855.
	const canonical = "GET\n" +
		"/v2/0bec5db98280d2d02fd6c00c2de791ce/users/8a2c3f9579d240820179d51e6caf0001/otp-devices/\n" +
		"\n" +
		"content-type:application/json\n" +
		"host:workspace.ap-southeast-1.myhuaweicloud.com\n" +
		"x-project-id:0bec5db98280d2d02fd6c00c2de791ce\n" +
		"x-sdk-date:20200410T064514Z\n" +
		"\n" +
		"content-type;host;x-project-id;x-sdk-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hexSHA256(""))
	signed := signedHeaders(req)
	assert.Equal(t, []string{"content-type", "host", "x-project-id", "x-sdk-date"}, signed)
	assert.Equal(t, canonical, canonicalRequest(req, signed, hexSHA256("")))

	// Step 3: the string to sign.
	assert.Equal(t, "d500af867da836ad9e8b616693aa07067839844675e2b44a7ea6bb58d83be243", hexSHA256(canonical))
	const toSign = "SDK-HMAC-SHA256\n" +
		"20200410T064514Z\n" +
		"d500af867da836ad9e8b616693aa07067839844675e2b44a7ea6bb58d83be243"
	assert.Equal(t, toSign, stringToSign("20200410T064514Z", canonical))

	// Step 4: the signature, HMAC-SHA256 with the secret key.
	want := hexHMAC(katSecretKey, toSign)
	assert.Equal(t, "151ceaebcdb45744dd461225a88f879dbd82169fbade8845d3cf5172a2b28825", want)

	// Step 5: the header.
	assert.Equal(t, "SDK-HMAC-SHA256 Access=HPUAEXAMPLEACCESSKEY, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="+want,
		req.Header.Get("Authorization"))
}

// A call with a body, a query, a path segment that needs escaping, a
// temporary key and a time given in another zone.
func TestSignKnownAnswerQueryBodyAndSecurityToken(t *testing.T) {
	body := `{"probe":true}`
	req, err := http.NewRequest(http.MethodPost,
		"https://iam.myhuaweicloud.com/v3.0/OS-MFA/users/a%2Fb%20c/virtual-mfa-device?name=zhang+san&limit=10&marker=a%2Fb&limit=2&~x=%7E",
		strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("X-Sdk-Date", "19990101T000000Z") // stale: replaced
	req.Header.Set("Authorization", "stale")         // replaced
	beijing := time.FixedZone("CST", 8*3600)
	auth := &signingAuth{
		creds: &akskCredentials{accessKey: katAccessKey, secretKey: mfa.NewSecret(katSecretKey), securityToken: mfa.NewSecret("TEMP-SECURITY-TOKEN-EXAMPLE"),
			now: func() time.Time { return time.Date(2022, 1, 1, 7, 59, 59, 0, beijing) }},
		header: "X-Domain-Id",
		value:  "d78cbac186b744899480f25bd022f468",
	}
	require.NoError(t, auth.Authenticate(req))
	assert.Equal(t, "20211231T235959Z", req.Header.Get("X-Sdk-Date"))
	assert.Equal(t, "TEMP-SECURITY-TOKEN-EXAMPLE", req.Header.Get("X-Security-Token"))

	const bodyHash = "c775500ea34eded73c2a3c3bede193f0d839e6c14b36f21b6cc31472e0720a91"
	assert.Equal(t, bodyHash, hexSHA256(body))
	const canonical = "POST\n" +
		"/v3.0/OS-MFA/users/a%2Fb%20c/virtual-mfa-device/\n" +
		"limit=10&limit=2&marker=a%2Fb&name=zhang%20san&~x=~\n" +
		"content-type:application/json;charset=utf8\n" +
		"host:iam.myhuaweicloud.com\n" +
		"x-domain-id:d78cbac186b744899480f25bd022f468\n" +
		"x-sdk-date:20211231T235959Z\n" +
		"x-security-token:TEMP-SECURITY-TOKEN-EXAMPLE\n" +
		"\n" +
		"content-type;host;x-domain-id;x-sdk-date;x-security-token\n" +
		bodyHash
	payload, err := payloadHash(req)
	require.NoError(t, err)
	assert.Equal(t, canonical, canonicalRequest(req, signedHeaders(req), payload))
	assert.Equal(t, "808dabd328673a659783f02913819f4f97e23ae958d4b9d26607781f02e4d4ca", hexSHA256(canonical))
	const toSign = "SDK-HMAC-SHA256\n" +
		"20211231T235959Z\n" +
		"808dabd328673a659783f02913819f4f97e23ae958d4b9d26607781f02e4d4ca"
	want := hexHMAC(katSecretKey, toSign)
	assert.Equal(t, "c1e94458ce0729b817e4d7f014ad1efe1a36432b052000453a2fb952d4353a37", want)
	assert.Equal(t, "SDK-HMAC-SHA256 Access=HPUAEXAMPLEACCESSKEY, SignedHeaders=content-type;host;x-domain-id;x-sdk-date;x-security-token, Signature="+want,
		req.Header.Get("Authorization"))

	// The body can still be sent.
	got, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.Equal(t, body, string(got))
}

func TestCanonicalPieces(t *testing.T) {
	for raw, want := range map[string]string{
		"https://h":                      "/",
		"https://h/":                     "/",
		"https://h/v3/":                  "/v3/",
		"https://h/v3.0/OS-MFA/x":        "/v3.0/OS-MFA/x/",
		"https://h/a%2Fb/c":              "/a%2Fb/c/",
		"https://h/a%20b/%C3%BC":         "/a%20b/%C3%BC/",
		"https://h/a:b@c/~x_y-z.w":       "/a%3Ab%40c/~x_y-z.w/",
		"https://h/..%2Fx/%252F":         "/..%2Fx/%252F/",
		"https://h/prefix/v2/p/users/u/": "/prefix/v2/p/users/u/",
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, canonicalURI(u), raw)
	}
	for raw, want := range map[string]string{
		"":                    "",
		"b=2&a=1":             "a=1&b=2",
		"a=2&a=10&a=1":        "a=1&a=10&a=2",
		"k=a+b&j=%2F&i=%7e~":  "i=~~&j=%2F&k=a%20b",
		"empty=&flag":         "empty=&flag=",
		"%E4%B8%AD=%E6%96%87": "%E4%B8%AD=%E6%96%87",
	} {
		assert.Equal(t, want, canonicalQuery(raw), raw)
	}
}

// verifySignature is the gateway's side, written apart from the signer:
// it rebuilds the canonical request from what it received and checks the
// signature.
func verifySignature(r *http.Request, body []byte, accessKey, secretKey string) error {
	m := regexp.MustCompile(`^SDK-HMAC-SHA256 Access=([^, ]+), SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`).
		FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return fmt.Errorf("malformed Authorization %q", r.Header.Get("Authorization"))
	}
	if m[1] != accessKey {
		return fmt.Errorf("unknown access key %q", m[1])
	}
	date := r.Header.Get("X-Sdk-Date")
	if _, err := time.Parse("20060102T150405Z", date); err != nil {
		return fmt.Errorf("bad X-Sdk-Date %q", date)
	}
	names := strings.Split(m[2], ";")
	if !sort.StringsAreSorted(names) || !slices.Contains(names, "host") || !slices.Contains(names, "x-sdk-date") {
		return fmt.Errorf("signed headers %q: unsorted, or host or x-sdk-date missing", m[2])
	}
	unreserved := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
	esc := func(s string) string {
		out := ""
		for _, c := range []byte(s) {
			if strings.IndexByte(unreserved, c) >= 0 {
				out += string(c)
			} else {
				out += fmt.Sprintf("%%%02X", c)
			}
		}
		return out
	}
	var segs []string
	for _, s := range strings.Split(r.URL.EscapedPath(), "/") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return err
		}
		segs = append(segs, esc(u))
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	q := r.URL.Query()
	var keys, pairs []string
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			pairs = append(pairs, esc(k)+"="+esc(v))
		}
	}
	headers := ""
	for _, n := range names {
		v := r.Header.Get(n)
		if n == "host" {
			v = r.Host
		}
		if v == "" {
			return fmt.Errorf("signed header %q is absent", n)
		}
		headers += n + ":" + strings.TrimSpace(v) + "\n"
	}
	sum := sha256.Sum256(body)
	canonical := strings.Join([]string{r.Method, uri, strings.Join(pairs, "&"), headers, m[2], hex.EncodeToString(sum[:])}, "\n")
	want := hexHMAC(secretKey, "SDK-HMAC-SHA256\n"+date+"\n"+hexSHA256(canonical))
	if !hmac.Equal([]byte(want), []byte(m[3])) {
		return fmt.Errorf("signature mismatch")
	}
	return nil
}

// signingGateway is an httptest server that refuses any request whose
// signature does not verify, like Huawei's API gateway.
type signingGateway struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	seen     []*http.Request
	verified []bool
	throttle atomic.Int32 // answer this many requests with APIG.0308 first
}

func newSigningGateway(t *testing.T, secretKey string) *signingGateway {
	g := &signingGateway{t: t}
	routes := map[string]string{
		"/v3.0/OS-MFA/users/u1/virtual-mfa-device":                               "iam_virtual_mfa_device.json",
		"/v3.0/OS-MFA/users/a%2Fb/virtual-mfa-device":                            "iam_virtual_mfa_device.json",
		"/v3.0/OS-MFA/virtual-mfa-devices":                                       "iam_virtual_mfa_devices.json",
		"/workspace/v2/" + projectID + "/users/" + wsUserID + "/otp-devices":     "ws_otp_devices.json",
		"/workspace/v2/" + projectID + "/users/" + "..%2Fx%20y" + "/otp-devices": "ws_otp_devices.json",
	}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := verifySignature(r, body, accessKey, secretKey)
		g.mu.Lock()
		g.seen = append(g.seen, r.Clone(context.Background()))
		g.verified = append(g.verified, err == nil)
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "gw-rid")
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: %s","request_id":"gw-rid"}`, err)
			return
		}
		if g.throttle.Add(-1) >= 0 {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write(fixture(t, "apig_error_0308.json"))
			return
		}
		name, ok := routes[r.URL.EscapedPath()]
		if !ok {
			t.Errorf("unexpected path %s", r.URL.EscapedPath())
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write(fixture(t, "apigw_error_0101.json"))
			return
		}
		_, _ = w.Write(fixture(t, name))
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *signingGateway) client(t *testing.T, mutate func(*Config)) *Client {
	cfg := Config{
		IAMEndpoint:       g.srv.URL,
		WorkspaceEndpoint: g.srv.URL + "/workspace",
		ProjectID:         projectID,
		DomainID:          domainID,
		AccessKey:         accessKey,
		SecretKey:         sk,
		SecurityToken:     st,
		Retry:             fastRetry,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := NewClient(cfg)
	require.NoError(t, err)
	return c
}

func TestSigningAgainstGateway(t *testing.T) {
	g := newSigningGateway(t, secretKeySentinel)
	c := g.client(t, nil)
	ctx := context.Background()

	_, err := c.VirtualMFA().UserDevice(ctx, "u1")
	require.NoError(t, err)
	_, err = c.VirtualMFA().UserDevice(ctx, "a/b")
	require.NoError(t, err)
	devs, err := c.VirtualMFA().List(ctx)
	require.NoError(t, err)
	assert.Len(t, devs, 2)
	_, err = c.WorkspaceOTP().OTPDevices(ctx, wsUserID)
	require.NoError(t, err)
	_, err = c.WorkspaceOTP().OTPDevices(ctx, "../x y")
	require.NoError(t, err)

	require.Len(t, g.seen, 5)
	for i, r := range g.seen {
		assert.True(t, g.verified[i], r.URL.Path)
		assert.Equal(t, securityTokenSentinel, r.Header.Get("X-Security-Token"))
		assert.Empty(t, r.Header.Get("X-Auth-Token"))
		if strings.HasPrefix(r.URL.Path, "/workspace/") {
			assert.Equal(t, projectID, r.Header.Get("X-Project-Id"))
			assert.Empty(t, r.Header.Get("X-Domain-Id"))
			assert.Contains(t, r.Header.Get("Authorization"), "SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, ")
		} else {
			assert.Equal(t, domainID, r.Header.Get("X-Domain-Id"))
			assert.Empty(t, r.Header.Get("X-Project-Id"))
			assert.Contains(t, r.Header.Get("Authorization"), "SignedHeaders=content-type;host;x-domain-id;x-sdk-date;x-security-token, ")
		}
	}

	// Without DomainID and a security token: the signed headers of the
	// vendor's own example.
	c = g.client(t, func(cfg *Config) { cfg.DomainID, cfg.SecurityToken = "", mfa.Secret{} })
	_, err = c.VirtualMFA().UserDevice(ctx, "u1")
	require.NoError(t, err)
	last := g.seen[len(g.seen)-1]
	assert.Contains(t, last.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access="+accessKey+", SignedHeaders=content-type;host;x-sdk-date, Signature=")
	assert.Empty(t, last.Header.Get("X-Domain-Id"))
	assert.Empty(t, last.Header.Get("X-Security-Token"))
}

// The gateway really checks: a changed header or a wrong key is refused,
// and a refused signature is not renewed.
func TestSigningGatewayRefuses(t *testing.T) {
	g := newSigningGateway(t, secretKeySentinel)
	ctx := context.Background()

	logs := &testlog.Buffer{}
	c := g.client(t, func(cfg *Config) { cfg.SecretKey = mfa.NewSecret("SK-WRONG-0000"); cfg.Logger = logs.Logger() })
	_, err := c.WorkspaceOTP().OTPDevices(ctx, wsUserID)
	require.ErrorIs(t, err, mfa.ErrUnauthorized)
	ae := apiError(t, err)
	assert.Equal(t, "APIGW.0301", ae.Code)
	assert.Equal(t, "gw-rid", ae.RequestID)
	assert.Len(t, g.seen, 1, "a signature is not renewed")
	assertNoSecrets(t, "error", err.Error())
	assertNoSecrets(t, "log", logs.String())

	// A request signed for one project, sent with another.
	creds := &akskCredentials{accessKey: accessKey, secretKey: sk, now: time.Now}
	req, err := http.NewRequest(http.MethodGet, g.srv.URL+"/workspace/v2/"+projectID+"/users/"+wsUserID+"/otp-devices", nil)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, (&signingAuth{creds: creds, header: "X-Project-Id", value: projectID}).Authenticate(req))
	req.Header.Set("X-Project-Id", "another-project")
	resp, err := g.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// The same request untouched is accepted.
	req.Header.Set("X-Project-Id", projectID)
	resp, err = g.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// Each attempt is signed afresh: a retry carries a new X-Sdk-Date and a
// signature that verifies for it.
func TestSigningRetriesAreResigned(t *testing.T) {
	g := newSigningGateway(t, secretKeySentinel)
	g.throttle.Store(2)
	c := g.client(t, nil)
	var ticks atomic.Int64
	start := time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC)
	c.signer.now = func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * time.Second) }

	devs, err := c.WorkspaceOTP().OTPDevices(context.Background(), wsUserID)
	require.NoError(t, err)
	assert.Len(t, devs, 1)
	require.Len(t, g.seen, 3)
	var dates, sigs []string
	for i, r := range g.seen {
		assert.True(t, g.verified[i], "attempt %d verifies", i+1)
		dates = append(dates, r.Header.Get("X-Sdk-Date"))
		sigs = append(sigs, r.Header.Get("Authorization"))
	}
	assert.Equal(t, []string{"20200410T064515Z", "20200410T064516Z", "20200410T064517Z"}, dates)
	assert.NotEqual(t, sigs[0], sigs[1])
	assert.NotEqual(t, sigs[1], sigs[2])
}

func TestPayloadHashReadsBodyOnce(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "https://h/x", nil)
	require.NoError(t, err)
	req.Body = io.NopCloser(bytes.NewReader([]byte("abc"))) // no GetBody
	h, err := payloadHash(req)
	require.NoError(t, err)
	assert.Equal(t, hexSHA256("abc"), h)
	b, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))
	require.NotNil(t, req.GetBody)

	req.GetBody = func() (io.ReadCloser, error) { return nil, fmt.Errorf("gone") }
	err = sign(req, accessKey, secretKeySentinel, time.Now())
	require.Error(t, err)
	assertNoSecrets(t, "error", err.Error())
}
