package huaweiiam

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// AK/SK signing, SDK-HMAC-SHA256: the algorithm alone, checked step by
// step against known answers. auth.go decides when to sign, and with which
// keys.
const (
	signAlgorithm = "SDK-HMAC-SHA256"
	sdkDateHeader = "X-Sdk-Date"
	sdkDateLayout = "20060102T150405Z"
)

// signableHeaders are the headers signed when the request carries them,
// sorted: the body's type, the host, the signing time, and the headers
// that say whose resources the call addresses (a gateway that checks the
// signature then knows they were not changed on the way). Host is always
// signed. User-Agent and Accept are not: proxies rewrite them.
var signableHeaders = []string{
	"content-type",
	"host",
	"x-domain-id",
	"x-project-id",
	"x-sdk-date",
	"x-security-token",
}

// sign sets X-Sdk-Date to t and Authorization to the request's signature
// with the access key and its secret key:
//
//	canonical request = METHOD \n canonical URI \n canonical query \n
//	                    canonical headers \n signed headers \n hex(sha256(body))
//	string to sign    = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(sha256(canonical request))
//	signature         = hex(hmac-sha256(secret key, string to sign))
func sign(req *http.Request, accessKey, secretKey string, t time.Time) error {
	date := t.UTC().Format(sdkDateLayout)
	req.Header.Set(sdkDateHeader, date)
	req.Header.Del("Authorization")
	payload, err := payloadHash(req)
	if err != nil {
		return fmt.Errorf("huaweiiam: signing the request: reading its body: %w", err)
	}
	signed := signedHeaders(req)
	sts := stringToSign(date, canonicalRequest(req, signed, payload))
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(sts))
	req.Header.Set("Authorization", signAlgorithm+" Access="+accessKey+
		", SignedHeaders="+strings.Join(signed, ";")+
		", Signature="+hex.EncodeToString(mac.Sum(nil)))
	return nil
}

// stringToSign returns the string to sign of a canonical request.
func stringToSign(date, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return signAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])
}

// canonicalRequest returns the canonical form of req.
func canonicalRequest(req *http.Request, signed []string, payload string) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(req.URL))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(req.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range signed {
		values := headerValues(req, name)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

// signedHeaders returns the lower-case names of the signable headers req
// carries, sorted.
func signedHeaders(req *http.Request) []string {
	var names []string
	for _, name := range signableHeaders {
		if len(headerValues(req, name)) > 0 {
			names = append(names, name)
		}
	}
	return names
}

// headerValues returns the values of a header, sorted; host is the
// request's host.
func headerValues(req *http.Request, name string) []string {
	if name == "host" {
		host := req.Host
		if host == "" {
			host = req.URL.Host
		}
		return []string{host}
	}
	values := req.Header.Values(name)
	if len(values) > 1 {
		values = slices.Clone(values)
		slices.Sort(values)
	}
	return values
}

// canonicalURI returns the path with each segment escaped (unreserved
// characters kept, every other byte as %XX) and a final "/".
func canonicalURI(u *url.URL) string {
	segments := strings.Split(u.EscapedPath(), "/")
	for i, s := range segments {
		if raw, err := url.PathUnescape(s); err == nil {
			s = raw
		}
		segments[i] = escapeSigned(s)
	}
	p := strings.Join(segments, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalQuery returns the query with keys sorted, then values sorted,
// each escaped, as k=v pairs joined by "&".
func canonicalQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	q, _ := url.ParseQuery(rawQuery)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var pairs []string
	for _, k := range keys {
		values := slices.Clone(q[k])
		slices.Sort(values)
		for _, v := range values {
			pairs = append(pairs, escapeSigned(k)+"="+escapeSigned(v))
		}
	}
	return strings.Join(pairs, "&")
}

// escapeSigned escapes every byte but A-Z a-z 0-9 - _ . ~ as %XX with
// upper-case hex digits.
func escapeSigned(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// payloadHash returns hex(sha256(body)) of req, reading the body through
// GetBody so the request can still be sent.
func payloadHash(req *http.Request) (string, error) {
	h := sha256.New()
	switch {
	case req.GetBody != nil:
		body, err := req.GetBody()
		if err != nil {
			return "", err
		}
		defer body.Close()
		if _, err := io.Copy(h, body); err != nil {
			return "", err
		}
	case req.Body != nil && req.Body != http.NoBody:
		data, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return "", err
		}
		req.Body = io.NopCloser(strings.NewReader(string(data)))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(data))), nil }
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
