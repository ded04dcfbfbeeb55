package huaweiiam

import (
	"errors"
	"net/url"
	"strings"

	"github.com/openmfa/mfa-go/internal/transport"
)

// Every path this package calls. Ids go through transport.EscapePath,
// which refuses an empty, dot or control-character id before any request
// and escapes each id as one path segment.

// tokensPath is IAM's password login.
const tokensPath = "/v3/auth/tokens"

// virtualMFADevicesPath lists every virtual MFA device of the account.
const virtualMFADevicesPath = "/v3.0/OS-MFA/virtual-mfa-devices"

// loginProtectsPath lists the login protection of every IAM user.
const loginProtectsPath = "/v3.0/OS-USER/login-protects"

// iamUsersPath lists the IAM users of the account (Keystone).
const iamUsersPath = "/v3/users"

// iamNextPage returns the query of the next page of the IAM user listing
// from the page's links.next. Only the query is taken: the page is asked
// of IAMEndpoint, with the path this package knows, whatever scheme and
// host the link names, so that a link can never send the credentials to
// another host (and a gateway that writes its own inner host name or
// plain http into links still pages). A link to another path is refused.
func iamNextPage(next string) (url.Values, error) {
	u, err := url.Parse(next)
	if err != nil {
		return nil, errors.New(`"links.next" is not a URL`)
	}
	if !strings.HasSuffix(u.EscapedPath(), iamUsersPath) {
		return nil, errors.New(`"links.next" is not a page of ` + iamUsersPath)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, errors.New(`"links.next" has a query that does not parse`)
	}
	return q, nil
}

// workspaceUsersPath lists the Workspace users of a project.
func workspaceUsersPath(projectID string) (string, error) {
	return transport.EscapePath("/v2/%s/users", projectID)
}

// virtualMFADevicePath is the virtual MFA device of one IAM user.
func virtualMFADevicePath(userID string) (string, error) {
	return transport.EscapePath("/v3.0/OS-MFA/users/%s/virtual-mfa-device", userID)
}

// loginProtectPath is the login protection of one IAM user.
func loginProtectPath(userID string) (string, error) {
	return transport.EscapePath("/v3.0/OS-USER/users/%s/login-protect", userID)
}

// otpDevicesPath is the OTP devices of one Workspace user of a project.
func otpDevicesPath(projectID, userID string) (string, error) {
	return transport.EscapePath("/v2/%s/users/%s/otp-devices", projectID, userID)
}
