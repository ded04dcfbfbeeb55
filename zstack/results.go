package zstack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/internal/timeparse"
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

// TOTPSecret is a TOTP seed.
//
// Deprecated: use mfa.Secret.
type TOTPSecret = mfa.Secret

// NewTOTPSecret returns a TOTPSecret holding seed.
//
// Deprecated: use mfa.NewSecret.
func NewTOTPSecret(seed string) TOTPSecret { return mfa.NewSecret(seed) }

// Secret is a ZStack two-factor authentication secret: one TOTP device of
// one user, an account or an IAM2 user. It implements mfa.Device (as a
// value and as a pointer); ID is the secret's uuid. It is immutable, and
// none of its printed or JSON forms holds the TOTP seed: read that with
// TOTPSecret().Reveal().
type Secret struct {
	provider     string
	uuid         string
	seed         mfa.Secret
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

// UserID returns the owner's uuid, an account's or an IAM2 user's (see
// UserType): userUuid, or accountUuid in the replies of older releases.
func (s Secret) UserID() string { return s.owner }

// UserName returns "": the API does not say.
func (s Secret) UserName() string { return "" }

// Name returns "": ZStack secrets have no name.
func (s Secret) Name() string { return "" }

// Kind returns mfa.KindTOTP: a secret is the seed of an authenticator.
func (s Secret) Kind() mfa.Kind { return mfa.KindTOTP }

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

// UserType returns the kind of owner: "AccountVO" for an account,
// "IAM2VirtualIDVO" for an IAM2 user ("" in the replies of older
// releases, whose owner is always an account).
func (s Secret) UserType() string { return s.userType }

// ResourceUUID returns the resourceUuid field ("" when absent).
func (s Secret) ResourceUUID() string { return s.resourceUUID }

// ResourceType returns the resourceType field ("" when absent).
func (s Secret) ResourceType() string { return s.resourceType }

// TOTPSecret returns the TOTP seed, redacted in every printed form; call
// Reveal on it to read it. It holds nothing when the reply had none (a
// query with Fields that leaves it out).
func (s Secret) TOTPSecret() mfa.Secret { return s.seed }

// String returns the secret's fields, the seed shown as "[REDACTED]".
func (s Secret) String() string { return "{" + s.fields(false) + "}" }

// Format prints the secret under every verb without its seed: %#v in Go
// syntax, %q quoted, any other verb as String. (Printed by reflection, the
// seed would show as an address, and the times as their internals.)
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, "zstack.Secret{"+s.fields(true)+"}")
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(s.String()))
	default:
		_, _ = io.WriteString(f, s.String())
	}
}

func (s Secret) fields(goSyntax bool) string {
	q, sep := func(v string) string { return v }, " "
	if goSyntax {
		q, sep = func(v string) string { return fmt.Sprintf("%q", v) }, ", "
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

// MarshalJSON returns the secret as mfa.DeviceJSON with ZStack's own
// members beside it: user_type, resource_uuid, resource_type, last_op_at
// (RFC 3339, UTC), create_date_text and last_op_date_text (only when the
// date was in no known layout), and totp_secret, "[REDACTED]" when the
// reply held a seed.
func (s Secret) MarshalJSON() ([]byte, error) {
	j := struct {
		mfa.DeviceJSON
		UserType       string     `json:"user_type,omitempty"`
		ResourceUUID   string     `json:"resource_uuid,omitempty"`
		ResourceType   string     `json:"resource_type,omitempty"`
		CreateDateText string     `json:"create_date_text,omitempty"`
		LastOpAt       *time.Time `json:"last_op_at,omitempty"`
		LastOpDateText string     `json:"last_op_date_text,omitempty"`
		TOTPSecret     mfa.Secret `json:"totp_secret,omitzero"`
	}{
		DeviceJSON:   mfa.NewDeviceJSON(s),
		UserType:     s.userType,
		ResourceUUID: s.resourceUUID,
		ResourceType: s.resourceType,
		TOTPSecret:   s.seed,
	}
	if s.createdAt.IsZero() {
		j.CreateDateText = s.createText
	}
	if t := s.lastOpAt; !t.IsZero() {
		j.LastOpAt = &t
	} else {
		j.LastOpDateText = s.lastOpText
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

// Account is a ZStack account, as GET /zstack/v1/accounts lists it.
type Account struct {
	// UUID is the account's uuid: the user id of UserDevices and of
	// mfa.User.
	UUID string
	// Name is the account name.
	Name string
	// Type is SystemAdmin or Normal.
	Type string
	// State is Enabled, Disabled or Staled, or "" in the replies of older
	// releases, which have none.
	State string
	// CreatedAt and LastOpAt are createDate and lastOpDate in UTC, or the
	// zero time when absent or in no known layout.
	CreatedAt, LastOpAt time.Time
}

// Enabled reports whether the account can log in: its state is Enabled,
// or it has none (an older release). Disabled and Staled accounts cannot.
func (a Account) Enabled() bool { return enabled(a.State) }

// VirtualID is an IAM2 user (a virtual id), as GET
// /zstack/v1/iam2/virtual-ids lists it.
type VirtualID struct {
	// UUID is the user's uuid: the user id of UserDevices and of mfa.User.
	UUID string
	// Name is the user name.
	Name string
	// Type is the virtual id's type, as the server sends it.
	Type string
	// State is Enabled or Disabled, or "" when the reply has none.
	State string
	// CreatedAt and LastOpAt are createDate and lastOpDate in UTC, or the
	// zero time when absent or in no known layout.
	CreatedAt, LastOpAt time.Time
}

// Enabled reports whether the user can log in: its state is Enabled, or
// it has none.
func (v VirtualID) Enabled() bool { return enabled(v.State) }

func enabled(state string) bool { return state == "" || strings.EqualFold(state, "Enabled") }

// user is the mfa.User of an account or an IAM2 user. ZStack says nothing
// of whether login asks for the second factor.
func (c *Client) user(uuid, name, state string) mfa.User {
	return mfa.User{Provider: c.name, ID: uuid, Name: name, Enabled: enabled(state), LoginMFA: mfa.EnforcementUnknown}
}

// queryReply is what the reply of every ZStack query holds besides its
// rows, the inventories, which each reply type adds. A reply without
// inventories is not a page, while "inventories": null is an empty one.
// rowsOf tells them apart when Inventories points at a nil list before
// decoding: a list fills it (an empty list with an empty, non-nil slice),
// null sets the pointer itself to nil, and a reply without the member
// leaves both.
type queryReply struct {
	envelope
	Total    *int64 `json:"total"`
	Location string `json:"location"` // an asynchronous job
}

type secretsReply struct {
	queryReply
	Inventories *[]wireSecret `json:"inventories"`
}

type usersReply struct {
	queryReply
	Inventories *[]wireUser `json:"inventories"`
}

// wireSecret is one row of the inventories.
type wireSecret struct {
	UUID         string     `json:"uuid"`
	Secret       mfa.Secret `json:"secret"`
	UserUUID     string     `json:"userUuid"`
	AccountUUID  string     `json:"accountUuid"` // the owner in older releases
	UserType     string     `json:"userType"`
	ResourceUUID string     `json:"resourceUuid"`
	ResourceType string     `json:"resourceType"`
	Status       wireStatus `json:"status"`
	CreateDate   wireDate   `json:"createDate"`
	LastOpDate   wireDate   `json:"lastOpDate"`
}

// wireUser is one row of the accounts or the IAM2 virtual ids.
type wireUser struct {
	UUID       string   `json:"uuid"`
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	State      string   `json:"state"`
	CreateDate wireDate `json:"createDate"`
	LastOpDate wireDate `json:"lastOpDate"`
}

// wireStatus is status as a string ("NewCreated") or, as the API reference
// describes it, an enum object ({"name": "NewCreated", "ordinal": 0}).
type wireStatus string

func (s *wireStatus) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case 'n':
		*s = ""
	case '"':
		return transport.UnmarshalJSON(b, (*string)(s))
	case '{':
		var enum struct {
			Name *string `json:"name"`
		}
		if transport.UnmarshalJSON(b, &enum) != nil {
			return errors.New("status is an object whose name is not a string")
		}
		if enum.Name != nil {
			*s = wireStatus(*enum.Name)
		}
	default:
		return errors.New("status is neither a string nor an object")
	}
	return nil
}

// wireDate is a date as the server sent it: a string, kept as it is, or a
// number, kept as its text (it is in no known layout).
type wireDate string

func (d *wireDate) UnmarshalJSON(b []byte) error {
	switch {
	case b[0] == 'n':
		*d = ""
	case b[0] == '"':
		return transport.UnmarshalJSON(b, (*string)(d))
	case b[0] == '-' || '0' <= b[0] && b[0] <= '9':
		*d = wireDate(b)
	default:
		return errors.New("a date is neither a string nor a number")
	}
	return nil
}

// invalid is the error for a reply that decodes but is not what the API
// promises: it matches mfa.ErrInvalidResponse and quotes the first bytes
// of the body, seeds removed (Config.RedactBody of the transport).
func (c *Client) invalid(resp *transport.Response, format string, args ...any) error {
	e := resp.Invalid(fmt.Errorf(format, args...))
	e.Provider = cmp.Or(e.Provider, c.name)
	return e
}

// rowsOf checks a decoded query reply, reply and its inventories: it
// returns the rows and the total (-1 when the reply has none). limit is
// the number of rows asked for (0: not known).
func rowsOf[W any](c *Client, resp *transport.Response, reply *queryReply, inventories *[]W, limit int) ([]W, int64, error) {
	if err := c.envelopeError(resp, &reply.envelope); err != nil {
		return nil, 0, err
	}
	var rows []W
	if inventories != nil {
		rows = *inventories
	}
	switch absent := inventories != nil && rows == nil; {
	case absent && reply.Location != "":
		return nil, 0, c.invalid(resp, "the server answered with an asynchronous job, which this client does not follow")
	case absent:
		return nil, 0, c.invalid(resp, "the reply has no inventories")
	case limit > 0 && len(rows) > limit:
		return nil, 0, c.invalid(resp, "the server sent %d rows for a limit of %d", len(rows), limit)
	}
	if rows == nil {
		rows = []W{}
	}
	total := int64(-1)
	if reply.Total != nil && *reply.Total >= 0 {
		total = *reply.Total
	}
	return rows, total, nil
}

// decodePage decodes a secrets query reply into a page. limit is the
// number of rows asked for (0: not known); needUUID refuses a row without
// uuid.
func (c *Client) decodePage(ctx context.Context, resp *transport.Response, limit int, needUUID bool) (*SecretPage, error) {
	reply := secretsReply{Inventories: new([]wireSecret)}
	if err := resp.DecodeJSON(&reply); err != nil {
		return nil, err
	}
	rows, total, err := rowsOf(c, resp, &reply.queryReply, reply.Inventories, limit)
	if err != nil {
		return nil, err
	}
	page := &SecretPage{Secrets: make([]*Secret, len(rows))}
	if total >= 0 {
		page.Total, page.HasTotal = int(total), true
	}
	for i, w := range rows {
		if needUUID && w.UUID == "" {
			return nil, c.invalid(resp, "row %d has no uuid", i)
		}
		page.Secrets[i] = &Secret{
			provider:     c.name,
			uuid:         w.UUID,
			seed:         w.Secret,
			owner:        cmp.Or(w.UserUUID, w.AccountUUID),
			userType:     w.UserType,
			resourceUUID: w.ResourceUUID,
			resourceType: w.ResourceType,
			status:       statusFor(string(w.Status)),
			vendorStatus: string(w.Status),
			createdAt:    c.date(ctx, "secret", w.UUID, "createDate", string(w.CreateDate)),
			lastOpAt:     c.date(ctx, "secret", w.UUID, "lastOpDate", string(w.LastOpDate)),
			createText:   string(w.CreateDate),
			lastOpText:   string(w.LastOpDate),
		}
	}
	return page, nil
}

// userRow is a row of the accounts or of the virtual ids: two types with
// the same fields, which one decoder makes directly, with no copy.
type userRow interface{ Account | VirtualID }

// decodeUsers decodes an accounts or virtual ids query reply: the rows,
// each with its uuid, and the total (-1 when the reply has none). limit is
// the number of rows asked for (0: not known).
func decodeUsers[T userRow](ctx context.Context, c *Client, resp *transport.Response, limit int) ([]T, int64, error) {
	reply := usersReply{Inventories: new([]wireUser)}
	if err := resp.DecodeJSON(&reply); err != nil {
		return nil, 0, err
	}
	rows, total, err := rowsOf(c, resp, &reply.queryReply, reply.Inventories, limit)
	if err != nil {
		return nil, 0, err
	}
	users := make([]T, len(rows))
	for i, w := range rows {
		if w.UUID == "" {
			return nil, 0, c.invalid(resp, "row %d has no uuid", i)
		}
		users[i] = T{
			UUID:      w.UUID,
			Name:      w.Name,
			Type:      w.Type,
			State:     w.State,
			CreatedAt: c.date(ctx, "user", w.UUID, "createDate", string(w.CreateDate)),
			LastOpAt:  c.date(ctx, "user", w.UUID, "lastOpDate", string(w.LastOpDate)),
		}
	}
	return users, total, nil
}

// decodeCount decodes the reply of a count query: its total.
func (c *Client) decodeCount(resp *transport.Response) (int, error) {
	var reply queryReply
	if err := resp.DecodeJSON(&reply); err != nil {
		return 0, err
	}
	if err := c.envelopeError(resp, &reply.envelope); err != nil {
		return 0, err
	}
	if reply.Total == nil || *reply.Total < 0 {
		return 0, c.invalid(resp, "the count reply has no total")
	}
	return int(*reply.Total), nil
}

// dateLayouts are the layouts of createDate and lastOpDate: Java's default
// text (with and without the comma newer JDKs put after the year), a
// 24-hour variant, RFC 3339, and the SQL form. The zone-less ones are read
// in Config.Location.
var dateLayouts = []string{
	"Jan 2, 2006 3:04:05 PM",
	"Jan 2, 2006, 3:04:05 PM",
	"Jan 2, 2006 15:04:05",
	"Jan 2, 2006, 15:04:05",
	time.RFC3339,
	"2006-01-02 15:04:05",
}

// parseDate reads a ZStack date in UTC; a zone-less date is read in loc.
// Newer JDKs print a narrow no-break space (U+202F) before AM/PM; it and
// the no-break space count as spaces.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\u202f", " "), "\u00a0", " ")
	return timeparse.Parse(s, loc, dateLayouts...)
}

// date reads a date member of the row id, a secret or a user (what). A
// date in no known layout is logged (its field and value; never a seed)
// and gives the zero time; the caller may keep its text.
func (c *Client) date(ctx context.Context, what, id, field, text string) time.Time {
	if strings.TrimSpace(text) == "" {
		return time.Time{}
	}
	t, ok := parseDate(text, c.loc)
	if !ok {
		c.tc.Logger().WarnContext(ctx, "unrecognised date: kept as text",
			"provider", c.name, what, id, "field", field, "value", text)
	}
	return t
}
