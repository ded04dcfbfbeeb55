package transport

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ParseEndpoint checks an endpoint of a vendor Config: an http or https URL
// with a host and no user information, query or fragment. Its errors begin
// "<pkg>: Config.<field>", say what is wrong and quote no more of the
// endpoint than its scheme and host (user information, a path or a query
// may hold a password), nothing at all of one that does not parse or that
// carries user information. example is an endpoint to suggest.
func ParseEndpoint(pkg, field, raw, example string) (*url.URL, error) {
	prefix := fmt.Sprintf("%s: Config.%s", pkg, field)
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("%s is empty; give a URL such as %q", prefix, example)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s does not parse as a URL (not quoted: it may hold a credential); give a URL such as %q", prefix, example)
	}
	shown := strconv.Quote(u.Scheme + "://" + u.Host)
	switch {
	// A password holding "/", "?" or "#" ends the authority early: the rest
	// of it, and the "@", land in the path, query or fragment, and the user
	// name and the start of the password pass for a host and port
	// ("https://admin:123456/abc@host" has the host "admin:123456"). So an
	// "@" anywhere is user information, and this error quotes no host.
	case u.User != nil || strings.HasSuffix(u.Host, ":") || strings.Contains(u.Opaque, "@") ||
		strings.Contains(u.Path, "@") || strings.Contains(u.RawQuery, "@") || strings.Contains(u.Fragment, "@"):
		return nil, fmt.Errorf("%s carries user information; give credentials in their own fields", prefix)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%s has no http or https scheme; give a URL such as %q", prefix, example)
	case u.Opaque != "" || u.Host == "":
		return nil, fmt.Errorf("%s %s has no host; give a URL such as %q", prefix, shown, example)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("%s %s... has a query or a fragment; give a URL such as %q", prefix, shown, example)
	}
	return u, nil
}

// Cleartext reports whether requests to u would carry credentials
// unencrypted across a network: plain http to a host other than loopback.
func Cleartext(u *url.URL) bool {
	if u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
