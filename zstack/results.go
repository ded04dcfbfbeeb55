package zstack

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/internal/redact"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// The two values of ZStack's TwoFactorAuthenticationSecretStatus.
const (
	// NewCreated is a secret made but never used to log in: mfa.StatusPending.
	NewCreated = "NewCreated"
	// Logined is a secret the user has logged in with: mfa.StatusActive.
	Logined = "Logined"
)

// TOTPSecret is a TOTP seed, such as the secret of a ZStack two-factor
// authentication secret. Its String, GoString, Format (every verb),
// MarshalJSON, MarshalText and LogValue show "[REDACTED]" (or "" when
// there is no seed); only Reveal returns the seed. The seed sits behind a
// pointer, so that even printing a struct field by reflection shows none
// of it. The zero TOTPSecret holds no seed.
type TOTPSecret struct {
	v *string
}

// NewTOTPSecret returns a TOTPSecret holding seed ("" gives the zero
// TOTPSecret).
func NewTOTPSecret(seed string) TOTPSecret {
	if seed == "" {
		return TOTPSecret{}
	}
	return TOTPSecret{v: &seed}
}

// Reveal returns the seed itself. Handle it as a password.
func (t TOTPSecret) Reveal() string {
	if t.v == nil {
		return ""
	}
	return *t.v
}

// IsZero reports whether t holds no seed.
func (t TOTPSecret) IsZero() bool { return t.v == nil }

// String returns "[REDACTED]", or "" when t holds no seed.
func (t TOTPSecret) String() string {
	if t.v == nil {
		return ""
	}
	return redact.Mark
}

// GoString returns "[REDACTED]" quoted, or "" quoted when t holds no seed.
func (t TOTPSecret) GoString() string { return strconv.Quote(t.String()) }

// Format prints String for every verb (quoted for %q, GoString for %#v).
func (t TOTPSecret) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, t.String(), t.GoString())
}

// MarshalJSON returns "[REDACTED]" as a JSON string ("" when no seed).
func (t TOTPSecret) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(t.String())), nil
}

// MarshalText returns "[REDACTED]" ("" when no seed).
func (t TOTPSecret) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// LogValue returns "[REDACTED]" for log/slog ("" when no seed).
func (t TOTPSecret) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Secret is a ZStack two-factor authentication secret: one TOTP device of
// one user. It implements mfa.Device (as a value and as a pointer); ID is
// the secret's uuid. It is immutable, and none of its printed, logged or
// JSON forms holds the TOTP seed: read that with TOTPSecret().Reveal().
type Secret struct {
	provider     string
	uuid         string
	seed         TOTPSecret
	owner        string
	userType     string
	resourceUUID string
	resourceType string
	status       mfa.Status
	vendorStatus string
	createdAt    time.Time
	lastOpAt     time.Time
	createText   string
	lastOpText   string
}

var (
	_ mfa.Device = Secret{}
	_ mfa.Device = (*Secret)(nil)
)

// Provider returns the Name of the Client that read the secret.
func (s Secret) Provider() string { return s.provider }

// ID returns the secret's uuid.
func (s Secret) ID() string { return s.uuid }

// UserID returns the owner's uuid: userUuid, or accountUuid in the replies
// of older releases.
func (s Secret) UserID() string { return s.owner }

// UserName returns "": the API does not say.
func (s Secret) UserName() string { return "" }

// Name returns "": ZStack secrets have no name.
func (s Secret) Name() string { return "" }

// Status returns the normalised status: NewCreated is mfa.StatusPending,
// Logined mfa.StatusActive, any other word (or none) mfa.StatusUnknown.
func (s Secret) Status() mfa.Status { return s.status }

// VendorStatus returns ZStack's word for the status, unchanged ("" when
// the reply had none).
func (s Secret) VendorStatus() string { return s.vendorStatus }

// CreatedAt returns createDate in UTC, or the zero time when the reply had
// none or it was in no known layout (CreateDateText has the text then).
func (s Secret) CreatedAt() time.Time { return s.createdAt }

// LastOpAt returns lastOpDate in UTC, or the zero time when the reply had
// none or it was in no known layout (LastOpDateText has the text then).
func (s Secret) LastOpAt() time.Time { return s.lastOpAt }

// CreateDateText returns createDate as the server sent it.
func (s Secret) CreateDateText() string { return s.createText }

// LastOpDateText returns lastOpDate as the server sent it.
func (s Secret) LastOpDateText() string { return s.lastOpText }

// UserType returns the kind of owner, such as "AccountVO" ("" in the
// replies of older releases, whose owner is always an account).
func (s Secret) UserType() string { return s.userType }

// ResourceUUID returns the resourceUuid field ("" when absent).
func (s Secret) ResourceUUID() string { return s.resourceUUID }

// ResourceType returns the resourceType field ("" when absent).
func (s Secret) ResourceType() string { return s.resourceType }

// TOTPSecret returns the TOTP seed, redacted in every printed form; call
// Reveal on it to read it. It is the zero TOTPSecret when the reply had
// none (a query with Fields that leaves it out).
func (s Secret) TOTPSecret() TOTPSecret { return s.seed }

// String returns the secret's fields, the seed shown as "[REDACTED]".
func (s Secret) String() string {
	return "{" + s.fields(false) + "}"
}

// GoString returns the secret as %#v prints it, the seed shown as
// "[REDACTED]".
func (s Secret) GoString() string {
	return "zstack.Secret{" + s.fields(true) + "}"
}

func (s Secret) fields(goSyntax bool) string {
	q := func(v string) string {
		if goSyntax {
			return strconv.Quote(v)
		}
		return v
	}
	sep := " "
	if goSyntax {
		sep = ", "
	}
	parts := []string{
		"Provider:" + q(s.provider),
		"ID:" + q(s.uuid),
		"UserID:" + q(s.owner),
		"UserType:" + q(s.userType),
		"Status:" + q(string(s.status)),
		"VendorStatus:" + q(s.vendorStatus),
		"CreatedAt:" + q(timeText(s.createdAt, s.createText)),
		"LastOpAt:" + q(timeText(s.lastOpAt, s.lastOpText)),
	}
	if s.resourceUUID != "" || s.resourceType != "" {
		parts = append(parts, "ResourceUUID:"+q(s.resourceUUID), "ResourceType:"+q(s.resourceType))
	}
	parts = append(parts, "TOTPSecret:"+q(s.seed.String()))
	return strings.Join(parts, sep)
}

func timeText(t time.Time, raw string) string {
	if t.IsZero() {
		return raw
	}
	return t.Format(time.RFC3339)
}

// Format prints the secret for every verb without its seed: %#v as
// GoString, %q quoted, any other verb as String.
func (s Secret) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, s.String(), s.GoString())
}

// LogValue returns the secret for log/slog, without its seed.
func (s Secret) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("provider", s.provider),
		slog.String("id", s.uuid),
		slog.String("user_id", s.owner),
		slog.String("status", string(s.status)),
		slog.String("vendor_status", s.vendorStatus),
	}
	if !s.createdAt.IsZero() {
		attrs = append(attrs, slog.Time("created_at", s.createdAt))
	}
	if !s.seed.IsZero() {
		attrs = append(attrs, slog.String("totp_secret", redact.Mark))
	}
	return slog.GroupValue(attrs...)
}

// secretJSON is the stable JSON form of a Secret.
type secretJSON struct {
	Provider       string      `json:"provider"`
	ID             string      `json:"id"`
	UserID         string      `json:"user_id"`
	UserType       string      `json:"user_type,omitempty"`
	ResourceUUID   string      `json:"resource_uuid,omitempty"`
	ResourceType   string      `json:"resource_type,omitempty"`
	Status         mfa.Status  `json:"status"`
	VendorStatus   string      `json:"vendor_status"`
	CreatedAt      *time.Time  `json:"created_at,omitempty"`
	CreateDateText string      `json:"create_date_text,omitempty"`
	LastOpAt       *time.Time  `json:"last_op_at,omitempty"`
	LastOpDateText string      `json:"last_op_date_text,omitempty"`
	TOTPSecret     *TOTPSecret `json:"totp_secret,omitempty"`
}

// MarshalJSON returns the secret as a JSON object with snake_case keys:
// provider, id, user_id, user_type, resource_uuid, resource_type, status,
// vendor_status, created_at and last_op_at (RFC 3339, UTC; left out when
// unknown), create_date_text and last_op_date_text (only when the date
// was in no known layout), and totp_secret, "[REDACTED]" when the reply
// held a seed.
func (s Secret) MarshalJSON() ([]byte, error) {
	j := secretJSON{
		Provider:     s.provider,
		ID:           s.uuid,
		UserID:       s.owner,
		UserType:     s.userType,
		ResourceUUID: s.resourceUUID,
		ResourceType: s.resourceType,
		Status:       s.status,
		VendorStatus: s.vendorStatus,
	}
	if !s.createdAt.IsZero() {
		t := s.createdAt
		j.CreatedAt = &t
	} else {
		j.CreateDateText = s.createText
	}
	if !s.lastOpAt.IsZero() {
		t := s.lastOpAt
		j.LastOpAt = &t
	} else {
		j.LastOpDateText = s.lastOpText
	}
	if !s.seed.IsZero() {
		seed := s.seed
		j.TOTPSecret = &seed
	}
	return json.Marshal(j)
}

// statusFor maps ZStack's status word to the normalised status.
func statusFor(word string) mfa.Status {
	switch {
	case strings.EqualFold(word, NewCreated):
		return mfa.StatusPending
	case strings.EqualFold(word, Logined):
		return mfa.StatusActive
	default:
		return mfa.StatusUnknown
	}
}

// SecretPage is one page of a secrets query.
type SecretPage struct {
	// Secrets are the page's rows, in the server's order.
	Secrets []*Secret
	// Total is the number of rows matching the conditions, when HasTotal
	// (the query asked ReplyWithCount and the server answered it).
	Total    int
	HasTotal bool
}

// The wire forms.

// envelope is what every ZStack reply may carry besides its payload: an
// error (non-null means failure, whatever the status), a success flag
// (a string "false" in newer releases), and the API message id.
type envelope struct {
	Error   json.RawMessage `json:"error"`
	Success json.RawMessage `json:"success"`
	ID      json.RawMessage `json:"id"`
}

func isNull(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) == 0 || string(b) == "null"
}

// invalid is the error for a reply that does not decode: it matches
// mfa.ErrInvalidResponse and quotes the first bytes of the body, with the
// value of every "secret" member removed first.
func (c *Client) invalid(resp *transport.Response, cause error) *mfa.APIError {
	r := *resp
	r.Body, _ = redactSecretValues(resp.Body)
	e := r.Invalid(cause)
	if e.Provider == "" {
		e.Provider = c.name
	}
	return e
}

// jsonErrorText describes a decoding error without quoting the body.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("malformed JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%s is a JSON %s, not the %s the API promises", te.Field, te.Value, te.Type.Kind())
		}
		return fmt.Sprintf("the reply is a JSON %s, not an object", te.Value)
	default:
		return err.Error()
	}
}

// redactSecretValues returns body with the value of every member that
// could be read as a secret replaced by "[REDACTED]", and whether it
// replaced any. Such a member is a key that reads "secret" as
// encoding/json and this package's decoders match keys (under Unicode case
// folding, escaped or not: "SECRET", "s\u0065cret"). The body need not be
// valid JSON: every quoted string followed by a colon is looked at, even
// inside what a parser would take for another string, since a body that
// does not decode is exactly the one to be careful with.
func redactSecretValues(body []byte) ([]byte, bool) {
	var out []byte
	copied := 0
	for i := 0; i < len(body); i++ {
		if body[i] != '"' {
			continue
		}
		end, ok := secretKeyAt(body, i)
		if !ok {
			continue
		}
		k := skipSpace(body, end)
		if k >= len(body) || body[k] != ':' {
			continue
		}
		k = skipSpace(body, k+1)
		v := skipValue(body, k)
		if v == k {
			continue // cut short after the colon: no value to hide
		}
		out = append(out, body[copied:k]...)
		out = append(out, `"[REDACTED]"`...)
		copied = v
		i = v - 1
	}
	if out == nil {
		return body, false
	}
	return append(out, body[copied:]...), true
}

// secretKeyAt reports whether the JSON string that starts at b[i] (a
// quote) reads "secret" under case folding, and where it ends.
func secretKeyAt(b []byte, i int) (end int, ok bool) {
	const longest = len(`"\u0073\u0065\u0063\u0072\u0065\u0074"`) // every letter escaped
	j := i + 1
	for j < len(b) && j-i < longest && b[j] != '"' {
		if b[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(b) || b[j] != '"' {
		return 0, false
	}
	raw := b[i : j+1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return j + 1, bytes.EqualFold(raw[1:len(raw)-1], []byte("secret"))
	}
	var key string
	if json.Unmarshal(raw, &key) != nil {
		return 0, false
	}
	return j + 1, strings.EqualFold(key, "secret")
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at b[i], or len(b)
// when it is cut short.
func skipValue(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i+1, len(b))
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return len(b)
}
