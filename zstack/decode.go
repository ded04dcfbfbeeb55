package zstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/openmfa/mfa-go/internal/jsonscan"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// Query replies are read with jsonscan rather than encoding/json: a page of
// a thousand secrets is the hot path of AllDevices, and jsonscan reads it
// in one pass, without reflection, the secrets' strings sharing the body's
// memory. The reader takes what encoding/json took into this package's
// wire structs, reads the same values, and refuses the same bodies with
// the same words: decode_reference_test.go keeps those structs, and a
// differential fuzz test holds this reader to them. One difference is
// deliberate (see jsonscan): where a key is repeated, the later value
// replaces the earlier one whole, where encoding/json decoded it into what
// the earlier one left (the fields of an earlier list's rows survived).

// reply is a query reply as read.
type reply struct {
	// errorJSON, success and id are the JSON text of the envelope's
	// members, "" when absent.
	errorJSON, success, id string
	present                bool  // inventories was there (null included)
	rows                   []row // the inventories
	total                  int64
	hasTotal               bool
	location               string
}

// row is one secret of the inventories: the Secret, holding what the wire
// says (the rest is filled in by finish), and what the wire says that a
// Secret keeps elsewhere.
type row struct {
	s       Secret
	seed    string // the TOTP seed: s's TOTPSecret points here
	account string // accountUuid, the owner when userUuid is empty
}

// The members of a row that the reader reads.
type rowKey uint8

const (
	keyOther rowKey = iota
	keyUUID
	keySecret
	keyUserUUID
	keyUserType
	keyAccountUUID
	keyResourceUUID
	keyResourceType
	keyStatus
	keyCreateDate
	keyLastOpDate
)

var rowKeyNames = [...]string{
	keyUUID:         "uuid",
	keySecret:       "secret",
	keyUserUUID:     fieldUserUUID,
	keyUserType:     "userType",
	keyAccountUUID:  fieldAccountUUID,
	keyResourceUUID: "resourceUuid",
	keyResourceType: "resourceType",
	keyStatus:       "status",
	keyCreateDate:   "createDate",
	keyLastOpDate:   "lastOpDate",
}

// rowKeyOf matches a key as encoding/json matches field names: exactly,
// else under case folding.
func rowKeyOf(key string) rowKey {
	switch key {
	case "uuid":
		return keyUUID
	case "secret":
		return keySecret
	case fieldUserUUID:
		return keyUserUUID
	case "userType":
		return keyUserType
	case fieldAccountUUID:
		return keyAccountUUID
	case "resourceUuid":
		return keyResourceUUID
	case "resourceType":
		return keyResourceType
	case "status":
		return keyStatus
	case "createDate":
		return keyCreateDate
	case "lastOpDate":
		return keyLastOpDate
	}
	for k, name := range rowKeyNames {
		if name != "" && jsonscan.Match(key, name) {
			return rowKey(k)
		}
	}
	return keyOther
}

// The members of a reply that the reader reads.
type replyKey uint8

const (
	replyOther replyKey = iota
	replyInventories
	replyTotal
	replyLocation
	replyError
	replySuccess
	replyID
)

var replyKeyNames = [...]string{
	replyInventories: "inventories",
	replyTotal:       "total",
	replyLocation:    "location",
	replyError:       "error",
	replySuccess:     "success",
	replyID:          "id",
}

// replyKeyOf matches a key as encoding/json matches field names. (No two
// names differ only in case, so the first match is the only one.)
func replyKeyOf(key string) replyKey {
	for k, name := range replyKeyNames {
		if name != "" && jsonscan.Match(key, name) {
			return replyKey(k)
		}
	}
	return replyOther
}

// replyReader reads a reply. It keeps the errors as encoding/json ranks
// them: a body that is not JSON first; then the first error a wire type
// of its own raised (encoding/json stops there); then the first value of
// the wrong kind (encoding/json goes on, and reports the first at the
// end). A wire type's own decoding of the inventories reports its first
// wrong kind as its own error, when the list ends.
type replyReader struct {
	d        *jsonscan.Decoder
	abort    string // the first error of a wire type's own
	saved    string // the first value of the wrong kind, at the top
	rowSaved string // the first value of the wrong kind, in the inventories
	inRows   bool
}

// fail records an error that ends the decoding for encoding/json.
func (r *replyReader) fail(msg string) {
	if r.abort == "" {
		r.abort = msg
	}
}

// typeError records a value of the wrong kind for field, in the words of
// jsonErrorText.
func (r *replyReader) typeError(field, got, want string) {
	slot := &r.saved
	if r.inRows {
		slot = &r.rowSaved
	}
	if *slot == "" {
		*slot = field + " is a JSON " + got + ", not the " + want + " the API promises"
	}
}

// readReply reads a query reply. room bounds the rows made room for before
// the first is read (a larger list grows as it must). It returns the text
// of the error when the body does not decode.
func readReply(resp *transport.Response, room int) (reply, string) {
	var rp reply
	text := resp.Text()
	r := &replyReader{d: jsonscan.NewDecoder(text)}
	d := r.d
	switch k := d.Peek(); k {
	case jsonscan.Object:
		for key := range d.Members() {
			switch replyKeyOf(key) {
			case replyInventories:
				r.inventories(&rp, text, room)
			case replyTotal:
				r.total(&rp)
			case replyLocation:
				r.str(&rp.location, "location")
			case replyError:
				rp.errorJSON = d.Raw()
			case replySuccess:
				rp.success = d.Raw()
			case replyID:
				rp.id = d.Raw()
			}
		}
	case jsonscan.Null, jsonscan.Invalid:
		d.Skip()
	default:
		r.saved = "the reply is a JSON " + k.String() + ", not an object"
		d.Skip()
	}
	err := d.End()
	if err == nil && r.abort == "" && r.saved == "" {
		return rp, ""
	}
	// encoding/json checks the whole body before it decodes anything: a
	// body that is not JSON is refused as such, whatever else is wrong
	// with it, at the offset encoding/json gives (jsonscan names another
	// byte of a bad escape).
	var raw json.RawMessage
	if jerr := json.Unmarshal(resp.Body, &raw); jerr != nil {
		return reply{}, jsonErrorText(jerr)
	}
	switch {
	case r.abort != "":
		return reply{}, r.abort
	case r.saved != "":
		return reply{}, r.saved
	}
	return reply{}, err.Error()
}

// inventories reads the list of secrets. As encoding/json, a null list is
// present and empty, and a later list replaces an earlier one.
func (r *replyReader) inventories(rp *reply, text string, room int) {
	d := r.d
	rp.present = true
	if rp.rows != nil {
		clear(rp.rows[:cap(rp.rows)]) // a later list: room for rows without fields again
		rp.rows = rp.rows[:0]
	}
	switch d.Peek() {
	case jsonscan.Array:
	case jsonscan.Null, jsonscan.Invalid:
		d.Skip()
		return
	default:
		r.fail("inventories is not a list")
		d.Skip()
		return
	}
	if rp.rows == nil {
		// Every row is an object: the body has at least as many of them
		// as rows (counting one byte is fast).
		rp.rows = make([]row, 0, min(strings.Count(text, "{"), room))
	}
	r.inRows, r.rowSaved = true, ""
	for range d.Elements() {
		// The room made is zero already: using it writes nothing.
		if n := len(rp.rows); n < cap(rp.rows) {
			rp.rows = rp.rows[:n+1]
		} else {
			rp.rows = append(rp.rows, row{})
		}
		r.row(&rp.rows[len(rp.rows)-1])
	}
	r.inRows = false
	if r.rowSaved != "" {
		r.fail(r.rowSaved)
	}
}

// row reads one secret of the list. A null one is a row without fields.
func (r *replyReader) row(w *row) {
	d := r.d
	switch k := d.Peek(); k {
	case jsonscan.Object:
	case jsonscan.Null, jsonscan.Invalid:
		d.Skip()
		return
	default:
		r.typeError("inventories", k.String(), "struct")
		d.Skip()
		return
	}
	s := &w.s
	for key := range d.Members() {
		switch rowKeyOf(key) {
		case keyUUID:
			r.nullable(&s.uuid, "inventories.uuid")
		case keySecret:
			r.nullable(&w.seed, "inventories.secret")
		case keyUserUUID:
			r.str(&s.owner, "inventories.userUuid")
		case keyUserType:
			r.str(&s.userType, "inventories.userType")
		case keyAccountUUID:
			r.str(&w.account, "inventories.accountUuid")
		case keyResourceUUID:
			r.str(&s.resourceUUID, "inventories.resourceUuid")
		case keyResourceType:
			r.str(&s.resourceType, "inventories.resourceType")
		case keyStatus:
			r.status(&s.vendorStatus)
		case keyCreateDate:
			r.date(&s.createText)
		case keyLastOpDate:
			r.date(&s.lastOpText)
		}
	}
}

// str reads a string member: null leaves dst as it is; another kind of
// value is a type error.
func (r *replyReader) str(dst *string, field string) {
	d := r.d
	switch k := d.Peek(); k {
	case jsonscan.String:
		*dst, _ = d.String()
	case jsonscan.Null, jsonscan.Invalid:
		d.Skip()
	default:
		r.typeError(field, k.String(), "string")
		d.Skip()
	}
}

// nullable reads a string member that null empties (a *string field).
func (r *replyReader) nullable(dst *string, field string) {
	if r.d.Peek() == jsonscan.Null {
		*dst = ""
	}
	r.str(dst, field)
}

// total reads the total: an integer, as an int64 field reads it.
func (r *replyReader) total(rp *reply) {
	d := r.d
	switch k := d.Peek(); k {
	case jsonscan.Number:
		raw := d.Raw()
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			r.typeError("total", "number "+raw, "int64")
			return
		}
		rp.total, rp.hasTotal = n, true
	case jsonscan.Null:
		d.Skip()
		rp.hasTotal = false
	case jsonscan.Invalid:
		d.Skip()
	default:
		r.typeError("total", k.String(), "int64")
		d.Skip()
	}
}

// status reads a status: a string ("NewCreated"), or, as the API
// reference describes it, an enum object ({"name": "NewCreated",
// "ordinal": 0}); an object without a name leaves dst as it is.
func (r *replyReader) status(dst *string) {
	d := r.d
	switch k := d.Peek(); k {
	case jsonscan.String:
		*dst, _ = d.String()
	case jsonscan.Null:
		d.Skip()
		*dst = ""
	case jsonscan.Object:
		name, named, bad := "", false, false
		for key := range d.Members() {
			if !jsonscan.Match(key, "name") {
				continue
			}
			switch d.Peek() {
			case jsonscan.String:
				name, _ = d.String()
				named = true
			case jsonscan.Null:
				d.Skip()
				named = false
			case jsonscan.Invalid:
				d.Skip()
			default:
				bad = true
				d.Skip()
			}
		}
		switch {
		case bad:
			r.fail("status is an object whose name is not a string")
		case named:
			*dst = name
		}
	case jsonscan.Invalid:
		d.Skip()
	default:
		r.fail("status is neither a string nor an object")
		d.Skip()
	}
}

// date reads a date as the server sent it: a string, kept as it is; a
// number is kept as its text (it is in no known layout).
func (r *replyReader) date(dst *string) {
	d := r.d
	switch d.Peek() {
	case jsonscan.String:
		*dst, _ = d.String()
	case jsonscan.Null:
		d.Skip()
		*dst = ""
	case jsonscan.Number:
		*dst = d.Raw()
	case jsonscan.Invalid:
		d.Skip()
	default:
		r.fail("a date is neither a string nor a number")
		d.Skip()
	}
}

// replyError returns the failure the reply reports, as envelopeError, or
// nil.
func (c *Client) replyError(resp *transport.Response, rp *reply) *mfa.APIError {
	if (rp.errorJSON == "" || rp.errorJSON == "null") && rp.success == "" {
		return nil // the common case: nothing to decode
	}
	return c.envelopeError(resp, envelope{
		Error:   json.RawMessage(rp.errorJSON),
		Success: json.RawMessage(rp.success),
		ID:      json.RawMessage(rp.id),
	})
}

// pageRoom is how many rows a page of limit rows is made room for: one
// more than the limit, so that a longer page is refused without growing
// the list, and a few when the limit is not known.
func pageRoom(limit int) int {
	if limit > 0 {
		return limit + 1
	}
	return 16
}

// decodePage decodes a query reply into a page. limit is the number of
// rows asked for (0: not known); needUUID refuses a row without uuid. The
// page's secrets are made in one allocation.
func (c *Client) decodePage(ctx context.Context, resp *transport.Response, limit int, needUUID bool) (*SecretPage, error) {
	rp, failure := readReply(resp, pageRoom(limit))
	if failure != "" {
		return nil, c.invalid(resp, errors.New(failure))
	}
	if e := c.replyError(resp, &rp); e != nil {
		return nil, e
	}
	if !rp.present {
		if rp.location != "" {
			return nil, c.invalid(resp, errors.New("the server answered with an asynchronous job, which this client does not follow"))
		}
		return nil, c.invalid(resp, errors.New("the reply has no inventories"))
	}
	rows := rp.rows
	if limit > 0 && len(rows) > limit {
		return nil, c.invalid(resp, fmt.Errorf("the server sent %d rows for a limit of %d", len(rows), limit))
	}
	page := &SecretPage{Secrets: make([]*Secret, len(rows))}
	if rp.hasTotal {
		page.Total, page.HasTotal = int(rp.total), true
	}
	for i := range rows {
		w := &rows[i]
		if needUUID && w.s.uuid == "" {
			return nil, c.invalid(resp, fmt.Errorf("row %d has no uuid", i))
		}
		c.finish(ctx, w)
		page.Secrets[i] = &w.s
	}
	return page, nil
}

// finish completes the Secret of a row: provider, owner, status, seed and
// dates. A date in no known layout is kept as text and logged.
func (c *Client) finish(ctx context.Context, w *row) {
	s := &w.s
	s.provider = c.name
	if s.owner == "" {
		s.owner = w.account
	}
	s.status = statusFor(s.vendorStatus)
	if w.seed != "" {
		s.seed = TOTPSecret{v: &w.seed}
	}
	s.createdAt = c.date(ctx, s.uuid, "createDate", s.createText)
	s.lastOpAt = c.date(ctx, s.uuid, "lastOpDate", s.lastOpText)
}

// decodeCount decodes the reply of a count query: its total.
func (c *Client) decodeCount(resp *transport.Response) (int, error) {
	rp, failure := readReply(resp, pageRoom(0))
	if failure != "" {
		return 0, c.invalid(resp, errors.New(failure))
	}
	if e := c.replyError(resp, &rp); e != nil {
		return 0, e
	}
	if !rp.hasTotal || rp.total < 0 {
		return 0, c.invalid(resp, errors.New("the count reply has no total"))
	}
	return int(rp.total), nil
}
