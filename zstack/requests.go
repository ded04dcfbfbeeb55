package zstack

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"

	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// The owner fields of a secret: userUuid, and accountUuid in older
// releases.
const (
	fieldUserUUID    = "userUuid"
	fieldAccountUUID = "accountUuid"
)

// get sends a GET; decode reads its reply when the status is a success.
// An error object in that reply is decode's error too: one that refuses
// the session (ID.1001) makes the transport log in again and resend once,
// as a 401 or a 503 with that code does.
func (c *Client) get(ctx context.Context, path string, q url.Values, decode func(*transport.Response) error) error {
	if c.state.closed.Load() {
		return ErrClosed
	}
	_, err := c.tc.Do(ctx, &transport.Request{Method: http.MethodGet, Path: path, Query: q, Accept: "application/json", Decode: decode})
	return err
}

// QuerySecrets returns one page of secrets: GET
// /zstack/v1/twofactorauthentication/secrets with opts. A zero opts.Limit
// asks for the Client's page size.
func (c *Client) QuerySecrets(ctx context.Context, opts QueryOptions) (*SecretPage, error) {
	if opts.Limit == 0 {
		opts.Limit = c.pageSize
	}
	q, err := opts.values()
	if err != nil {
		return nil, err // names the package and the option
	}
	needUUID := len(opts.Fields) == 0 || slices.Contains(opts.Fields, "uuid")
	var page *SecretPage
	err = c.get(ctx, secretsPath, q, func(resp *transport.Response) (err error) {
		page, err = c.decodePage(ctx, resp, opts.Limit, needUUID)
		return err
	})
	return page, err
}

// Secrets yields every secret matching opts, page by page, holding one
// page at a time. opts.Limit is the page size (0: the Client's), opts.Start
// the first row; unless opts.Sort is set, rows are sorted by uuid, so that
// pages neither overlap nor skip rows while the table is unchanged. The
// first request asks for the total (ReplyWithCount): the walk goes on
// until that many rows are read, or a page comes back empty, so that a
// server that sends fewer rows than asked does not end it early; without
// a total, it ends at the first page shorter than asked.
//
// A secret read twice (the table changed under the walk) is yielded once.
// A page of secrets all read before (a server that ignores start, or
// sends its pages in a loop), or more than Config.MaxListing rows, ends
// the walk with an error matching mfa.ErrInvalidResponse. An error is
// yielded once, as the last pair. Stopping the range early sends no
// further request.
func (c *Client) Secrets(ctx context.Context, opts QueryOptions) iter.Seq2[*Secret, error] {
	return walk(ctx, c, "secrets", opts, func(ctx context.Context, o QueryOptions) ([]*Secret, int64, error) {
		page, err := c.QuerySecrets(ctx, o)
		if err != nil {
			return nil, 0, err
		}
		if !page.HasTotal {
			return page.Secrets, -1, nil
		}
		return page.Secrets, int64(page.Total), nil
	}, (*Secret).ID)
}

// Accounts yields every account matching opts (GET /zstack/v1/accounts),
// page by page as Secrets does, with the same options, the same defaults
// and the same protections against a listing that never ends.
func (c *Client) Accounts(ctx context.Context, opts QueryOptions) iter.Seq2[Account, error] {
	return walk(ctx, c, "accounts", opts, func(ctx context.Context, o QueryOptions) ([]Account, int64, error) {
		return queryUsers[Account](ctx, c, accountsPath, o)
	}, func(a Account) string { return a.UUID })
}

// VirtualIDs yields every IAM2 user matching opts (GET
// /zstack/v1/iam2/virtual-ids), page by page as Secrets does. A server
// without the IAM2 module answers an error matching mfa.ErrNotFound (HTTP
// 404) or mfa.ErrUnsupported (SYS.1014 and the like).
func (c *Client) VirtualIDs(ctx context.Context, opts QueryOptions) iter.Seq2[VirtualID, error] {
	return walk(ctx, c, "IAM2 virtual ids", opts, func(ctx context.Context, o QueryOptions) ([]VirtualID, int64, error) {
		return queryUsers[VirtualID](ctx, c, virtualIDsPath, o)
	}, func(v VirtualID) string { return v.UUID })
}

// queryUsers reads one page of accounts or virtual ids.
func queryUsers[T userRow](ctx context.Context, c *Client, path string, o QueryOptions) ([]T, int64, error) {
	q, err := o.values()
	if err != nil {
		return nil, 0, err
	}
	var rows []T
	var total int64
	err = c.get(ctx, path, q, func(resp *transport.Response) (err error) {
		rows, total, err = decodeUsers[T](ctx, c, resp, o.Limit)
		return err
	})
	return rows, total, err
}

// Users yields every account, then every IAM2 user, as mfa.Users: ID is
// the uuid (what UserDevices takes for either), Name the name, Enabled
// whether the state is Enabled or absent (older releases), and LoginMFA
// mfa.EnforcementUnknown, since ZStack does not say whether login asks
// for the second factor. A server without the IAM2 module (the first page
// of virtual ids answers HTTP 404 or an unsupported code) has accounts
// only, and that is no error. It implements mfa.UserLister; both listings
// page and end as Secrets does.
func (c *Client) Users(ctx context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		for a, err := range c.Accounts(ctx, QueryOptions{}) {
			if err != nil {
				yield(mfa.User{}, err)
				return
			}
			if !yield(c.user(a.UUID, a.Name, a.State), nil) {
				return
			}
		}
		first := true
		for v, err := range c.VirtualIDs(ctx, QueryOptions{}) {
			if err != nil {
				if first && (errors.Is(err, mfa.ErrNotFound) || errors.Is(err, mfa.ErrUnsupported)) {
					c.tc.Logger().DebugContext(ctx, "no IAM2 module: the users are the accounts", "provider", c.name, "error", err)
					return
				}
				yield(mfa.User{}, err)
				return
			}
			first = false
			if !yield(c.user(v.UUID, v.Name, v.State), nil) {
				return
			}
		}
	}
}

// CountSecrets returns the number of secrets matching opts.Conditions
// (count=true: the server sends the total alone). The other options are
// ignored.
func (c *Client) CountSecrets(ctx context.Context, opts QueryOptions) (int, error) {
	q, err := QueryOptions{Conditions: opts.Conditions}.values()
	if err != nil {
		return 0, err
	}
	q.Del("start") // sent even when 0; a zero Limit is left out already
	q.Set("count", "true")
	var total int
	err = c.get(ctx, secretsPath, q, func(resp *transport.Response) (err error) {
		total, err = c.decodeCount(resp)
		return err
	})
	return total, err
}

// Secret returns the secret with this uuid (GET
// /zstack/v1/twofactorauthentication/secrets/{uuid}), whoever owns it. An
// unknown uuid is an *mfa.APIError matching mfa.ErrNotFound.
func (c *Client) Secret(ctx context.Context, uuid string) (*Secret, error) {
	path, err := secretPath(uuid)
	if err != nil {
		return nil, fmt.Errorf("%s: secret: %w", c.name, err)
	}
	var found *Secret
	err = c.get(ctx, path, nil, func(resp *transport.Response) error {
		page, err := c.decodePage(ctx, resp, 0, true)
		if err != nil {
			return err
		}
		for _, s := range page.Secrets {
			if s.ID() == uuid {
				found = s
				return nil
			}
		}
		return &mfa.APIError{
			Provider:   c.name,
			StatusCode: resp.StatusCode,
			Message:    fmt.Sprintf("no secret has uuid %q", uuid),
			RequestID:  resp.RequestID(),
			Kind:       mfa.ErrNotFound,
		}
	})
	return found, err
}

// UserDevices returns the secrets of one user (q=userUuid=<userID>), as
// mfa.Devices of type *Secret. A user with no secret gets an empty slice.
//
// Older releases name the owner accountUuid and refuse a condition on
// userUuid: when the server refuses it as an invalid argument (SYS.1007 or
// HTTP 400), the query is made once more on accountUuid, and if that
// works, the Client uses accountUuid from then on.
func (c *Client) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	secrets, err := c.UserSecrets(ctx, userID)
	if err != nil {
		return nil, err
	}
	return mfa.AsDevices(secrets), nil
}

// UserSecrets is UserDevices with the secrets' own type.
func (c *Client) UserSecrets(ctx context.Context, userID string) ([]*Secret, error) {
	if err := transport.CheckID(userID); err != nil {
		return nil, fmt.Errorf("%s: user id: %w", c.name, err)
	}
	if c.state.accountOwner.Load() {
		return c.collect(ctx, Eq(fieldAccountUUID, userID))
	}
	secrets, err := c.collect(ctx, Eq(fieldUserUUID, userID))
	if err == nil || !refusedField(err) {
		return secrets, err
	}
	older, err2 := c.collect(ctx, Eq(fieldAccountUUID, userID))
	if err2 != nil {
		return nil, err
	}
	c.state.accountOwner.Store(true)
	c.tc.Logger().DebugContext(ctx, "the server names secret owners accountUuid: an older release", "provider", c.name)
	return older, nil
}

// refusedField reports whether the server refused a query condition as an
// invalid argument.
func refusedField(err error) bool {
	var ae *mfa.APIError
	return errors.As(err, &ae) && (ae.Code == "SYS.1007" || ae.StatusCode == http.StatusBadRequest)
}

func (c *Client) collect(ctx context.Context, cond Condition) ([]*Secret, error) {
	var out []*Secret
	for s, err := range c.Secrets(ctx, QueryOptions{Conditions: Conditions{cond}}) {
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if out == nil {
		out = []*Secret{}
	}
	return out, nil
}

// Device returns the secret deviceID of user userID. A secret that does
// not exist, or that belongs to another owner, is an *mfa.APIError
// matching mfa.ErrNotFound.
func (c *Client) Device(ctx context.Context, userID, deviceID string) (mfa.Device, error) {
	if err := transport.CheckID(userID); err != nil {
		return nil, fmt.Errorf("%s: user id: %w", c.name, err)
	}
	s, err := c.Secret(ctx, deviceID)
	if err != nil {
		return nil, err
	}
	if s.UserID() != userID {
		return nil, &mfa.APIError{
			Provider: c.name,
			Message:  fmt.Sprintf("secret %q does not belong to user %q", deviceID, userID),
			Kind:     mfa.ErrNotFound,
		}
	}
	return s, nil
}

// AllDevices yields every secret of the server, page by page (see
// Secrets), as mfa.Devices of type *Secret.
func (c *Client) AllDevices(ctx context.Context) iter.Seq2[mfa.Device, error] {
	return func(yield func(mfa.Device, error) bool) {
		for s, err := range c.Secrets(ctx, QueryOptions{}) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(s, nil) {
				return
			}
		}
	}
}
