package transport

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/openmfa/mfa-go/internal/redact"
)

// ParseEndpoint checks an endpoint of a vendor Config: an http or https URL
// with a host and no user information, query or fragment. Its errors begin
// "<pkg>: Config.<field>", name what is wrong and show the endpoint with
// any user information hidden (it may hold a password). example is an
// endpoint to suggest.
func ParseEndpoint(pkg, field, raw, example string) (*url.URL, error) {
	fail := func(what string) error {
		return fmt.Errorf("%s: Config.%s %s %s; give a URL such as %q", pkg, field, strconv.Quote(redact.Endpoint(raw)), what, example)
	}
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("%s: Config.%s is empty; give a URL such as %q", pkg, field, example)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fail("does not parse as a URL")
	case u.User != nil || redact.Endpoint(raw) != raw:
		return nil, fmt.Errorf("%s: Config.%s %s carries user information; give credentials in their own fields", pkg, field, strconv.Quote(redact.Endpoint(raw)))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fail("has no http or https scheme")
	case u.Opaque != "" || u.Host == "":
		return nil, fail("has no host")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fail("has a query or a fragment")
	}
	return u, nil
}
