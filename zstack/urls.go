package zstack

import "github.com/openmfa/mfa-go/internal/transport"

// The API paths, below the endpoint. Every id that goes into a path is
// checked and escaped as one segment by transport.EscapePath.
const (
	loginPath      = "/zstack/v1/accounts/login"
	secretsPath    = "/zstack/v1/twofactorauthentication/secrets"
	accountsPath   = "/zstack/v1/accounts"
	virtualIDsPath = "/zstack/v1/iam2/virtual-ids"
)

// secretPath is GET /zstack/v1/twofactorauthentication/secrets/{uuid}.
func secretPath(uuid string) (string, error) {
	return transport.EscapePath(secretsPath+"/%s", uuid)
}

// sessionPath is DELETE /zstack/v1/accounts/sessions/{uuid}, the logout.
func sessionPath(session string) (string, error) {
	return transport.EscapePath("/zstack/v1/accounts/sessions/%s", session)
}
