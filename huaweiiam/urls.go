package huaweiiam

import "github.com/openmfa/mfa-go/internal/transport"

// Every path this package calls. Ids go through transport.EscapePath,
// which refuses an empty, dot or control-character id before any request
// and escapes each id as one path segment.

// tokensPath is IAM's password login.
const tokensPath = "/v3/auth/tokens"

// virtualMFADevicesPath lists every virtual MFA device of the account.
const virtualMFADevicesPath = "/v3.0/OS-MFA/virtual-mfa-devices"

// loginProtectsPath lists the login protection of every IAM user.
const loginProtectsPath = "/v3.0/OS-USER/login-protects"

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
