package zstack

// The query reply decoders of this package, written with encoding/json:
// the reference that the jsonscan decoders of decode.go are held to
// (FuzzDecodePageAgreesWithEncodingJSON), and the date parser that
// parseDate is held to (FuzzParseDateAgreesWithLayouts).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/internal/timeparse"
	"github.com/openmfa/mfa-go/internal/transport"
)

type queryReply struct {
	envelope
	Inventories inventories `json:"inventories"`
	Total       *int64      `json:"total"`
	Location    string      `json:"location"`
}

// inventories records whether the key was present, so that a reply
// without it is not taken for an empty list.
type inventories struct {
	items   []wireSecret
	present bool
}

func (l *inventories) UnmarshalJSON(b []byte) error {
	l.present = true
	if isNull(b) {
		l.items = nil
		return nil
	}
	if len(b) == 0 || b[0] != '[' {
		return errors.New("inventories is not a list")
	}
	return json.Unmarshal(b, &l.items)
}

type wireSecret struct {
	UUID         *string    `json:"uuid"`
	Secret       *string    `json:"secret"`
	UserUUID     string     `json:"userUuid"`
	UserType     string     `json:"userType"`
	AccountUUID  string     `json:"accountUuid"`
	ResourceUUID string     `json:"resourceUuid"`
	ResourceType string     `json:"resourceType"`
	Status       wireStatus `json:"status"`
	CreateDate   wireDate   `json:"createDate"`
	LastOpDate   wireDate   `json:"lastOpDate"`
}

// wireStatus is status as a string ("NewCreated") or, as the API reference
// describes it, an enum object ({"name": "NewCreated", "ordinal": 0}).
type wireStatus struct {
	name string
}

func (s *wireStatus) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case isNull(b):
		s.name = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &s.name)
	case len(b) > 0 && b[0] == '{':
		var obj struct {
			Name    *string          `json:"name"`
			Ordinal *json.RawMessage `json:"ordinal"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			return errors.New("status is an object whose name is not a string")
		}
		if obj.Name != nil {
			s.name = *obj.Name
		}
		return nil
	default:
		return errors.New("status is neither a string nor an object")
	}
}

// wireDate is a date as the server sent it: a string, kept as is; a
// number is kept as its text (it is in no known layout).
type wireDate struct {
	text string
}

func (d *wireDate) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case isNull(b):
		d.text = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &d.text)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		d.text = string(b)
		return nil
	default:
		return errors.New("a date is neither a string nor a number")
	}
}

// referencePage decodes a query reply into a page. limit is the number of
// rows asked for (0: not known); needUUID refuses a row without uuid.
func (c *Client) referencePage(ctx context.Context, resp *transport.Response, limit int, needUUID bool) (*SecretPage, error) {
	var reply queryReply
	if err := json.Unmarshal(resp.Body, &reply); err != nil {
		return nil, c.invalid(resp, errors.New(jsonErrorText(err)))
	}
	if e := c.envelopeError(resp, reply.envelope); e != nil {
		return nil, e
	}
	if !reply.Inventories.present {
		if reply.Location != "" {
			return nil, c.invalid(resp, errors.New("the server answered with an asynchronous job, which this client does not follow"))
		}
		return nil, c.invalid(resp, errors.New("the reply has no inventories"))
	}
	items := reply.Inventories.items
	if limit > 0 && len(items) > limit {
		return nil, c.invalid(resp, fmt.Errorf("the server sent %d rows for a limit of %d", len(items), limit))
	}
	page := &SecretPage{Secrets: make([]*Secret, 0, len(items))}
	if reply.Total != nil {
		page.Total, page.HasTotal = int(*reply.Total), true
	}
	for i := range items {
		w := &items[i]
		if needUUID && (w.UUID == nil || *w.UUID == "") {
			return nil, c.invalid(resp, fmt.Errorf("row %d has no uuid", i))
		}
		page.Secrets = append(page.Secrets, c.referenceSecretFrom(ctx, w))
	}
	return page, nil
}

// referenceCount decodes the reply of a count query.
func (c *Client) referenceCount(resp *transport.Response) (int, error) {
	var reply queryReply
	if err := json.Unmarshal(resp.Body, &reply); err != nil {
		return 0, c.invalid(resp, errors.New(jsonErrorText(err)))
	}
	if e := c.envelopeError(resp, reply.envelope); e != nil {
		return 0, e
	}
	if reply.Total == nil || *reply.Total < 0 {
		return 0, c.invalid(resp, errors.New("the count reply has no total"))
	}
	return int(*reply.Total), nil
}

// referenceSecretFrom turns a wire row into a Secret. A date in no known
// layout is kept as text and logged (its field and value; never the seed).
func (c *Client) referenceSecretFrom(ctx context.Context, w *wireSecret) *Secret {
	s := &Secret{
		provider:     c.name,
		owner:        w.UserUUID,
		userType:     w.UserType,
		resourceUUID: w.ResourceUUID,
		resourceType: w.ResourceType,
		vendorStatus: w.Status.name,
		status:       statusFor(w.Status.name),
		createText:   w.CreateDate.text,
		lastOpText:   w.LastOpDate.text,
	}
	if w.UUID != nil {
		s.uuid = *w.UUID
	}
	if s.owner == "" {
		s.owner = w.AccountUUID
	}
	if w.Secret != nil {
		s.seed = NewTOTPSecret(*w.Secret)
	}
	s.createdAt = c.dateWith(ctx, referenceParseDate, s.uuid, "createDate", s.createText)
	s.lastOpAt = c.dateWith(ctx, referenceParseDate, s.uuid, "lastOpDate", s.lastOpText)
	return s
}

// referenceParseDate reads a ZStack date with time.Parse, trying every
// layout in turn. Newer JDKs print a narrow no-break space (U+202F) before
// AM/PM; it and the no-break space count as spaces.
func referenceParseDate(s string, loc *time.Location) (time.Time, bool) {
	if strings.ContainsAny(s, "\u202f\u00a0") {
		s = strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(s)
	}
	return timeparse.Parse(s, loc, dateLayouts...)
}
