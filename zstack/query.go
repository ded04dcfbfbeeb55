package zstack

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-querystring/query"

	"github.com/openmfa/mfa-go/internal/listing"
	"github.com/openmfa/mfa-go/mfa"
)

// Operator is a comparison of the ZStack query API, as it appears between
// a field and a value in a q condition.
type Operator string

// The operators of the ZStack query API.
const (
	OpEq      Operator = "="        // equal
	OpNotEq   Operator = "!="       // not equal
	OpGt      Operator = ">"        // greater than
	OpLt      Operator = "<"        // less than
	OpGte     Operator = ">="       // greater than or equal
	OpLte     Operator = "<="       // less than or equal
	OpIn      Operator = "?="       // in a comma-separated list
	OpNotIn   Operator = "!?="      // not in a comma-separated list
	OpLike    Operator = "~="       // SQL LIKE, with % and _ wildcards
	OpNotLike Operator = "!~="      // SQL NOT LIKE
	OpIsNull  Operator = "is null"  // the field is null (no value)
	OpNotNull Operator = "not null" // the field is not null (no value)
)

// serverOps lists the operators in the order the ZStack REST server looks
// for them: it takes the first one that occurs anywhere in a condition,
// and splits the condition at its first occurrence.
var serverOps = []Operator{OpNotEq, OpGte, OpLte, OpNotIn, OpNotLike, OpLike, OpIn, OpEq, OpGt, OpLt, OpIsNull, OpNotNull}

// maxValueBytes bounds a condition value.
const maxValueBytes = 4096

// Condition is one q condition of a query, such as userUuid=<id>. Make one
// with Eq, In, IsNull, ... or Where. A condition the server would read
// otherwise than meant (a value holding an operator that the server finds
// first, such as Gt("n", "=5"), which it reads as n >= 5), or one with a
// control character, is refused with an error matching mfa.ErrBadRequest
// when the query is made, before any request.
type Condition struct {
	field string
	op    Operator
	value string
	err   string // why the constructor refused its arguments
}

// Where returns the condition field op value. For OpIsNull and OpNotNull
// the value must be "".
func Where(field string, op Operator, value string) Condition {
	return Condition{field: field, op: op, value: value}
}

// Eq is field = value.
func Eq(field, value string) Condition { return Where(field, OpEq, value) }

// NotEq is field != value.
func NotEq(field, value string) Condition { return Where(field, OpNotEq, value) }

// Gt is field > value.
func Gt(field, value string) Condition { return Where(field, OpGt, value) }

// Lt is field < value.
func Lt(field, value string) Condition { return Where(field, OpLt, value) }

// Gte is field >= value.
func Gte(field, value string) Condition { return Where(field, OpGte, value) }

// Lte is field <= value.
func Lte(field, value string) Condition { return Where(field, OpLte, value) }

// In is field ?= v1,v2,...: the field is one of values. The server splits
// the list at commas, so a value holding a comma is refused.
func In(field string, values ...string) Condition {
	return list(field, OpIn, values)
}

// NotIn is field !?= v1,v2,...: the field is none of values.
func NotIn(field string, values ...string) Condition {
	return list(field, OpNotIn, values)
}

func list(field string, op Operator, values []string) Condition {
	c := Where(field, op, strings.Join(values, ","))
	if len(values) == 0 {
		c.err = "it lists no value"
	}
	for _, v := range values {
		if strings.Contains(v, ",") {
			c.err = "a value holds a comma, which the server reads as a separator"
		}
	}
	return c
}

// Like is field ~= pattern, an SQL LIKE: % matches any run of characters,
// _ any one character.
func Like(field, pattern string) Condition { return Where(field, OpLike, pattern) }

// NotLike is field !~= pattern, an SQL NOT LIKE.
func NotLike(field, pattern string) Condition { return Where(field, OpNotLike, pattern) }

// IsNull is "field is null".
func IsNull(field string) Condition { return Where(field, OpIsNull, "") }

// NotNull is "field not null".
func NotNull(field string) Condition { return Where(field, OpNotNull, "") }

// Field returns the condition's field.
func (c Condition) Field() string { return c.field }

// Op returns the condition's operator.
func (c Condition) Op() Operator { return c.op }

// Value returns the condition's value ("" for OpIsNull and OpNotNull; a
// comma-separated list for OpIn and OpNotIn).
func (c Condition) Value() string { return c.value }

// String returns the condition as it is sent in q: "userUuid=abc",
// "createDate>=...", "resourceUuid is null".
func (c Condition) String() string {
	if c.op == OpIsNull || c.op == OpNotNull {
		return c.field + " " + string(c.op)
	}
	return c.field + string(c.op) + c.value
}

// Validate returns nil when the server will read the condition as meant,
// else an error matching mfa.ErrBadRequest that says why.
func (c Condition) Validate() error {
	fail := func(reason string) error {
		return fmt.Errorf("zstack: query condition %s: %w: %s", quoteShort(c.String()), mfa.ErrBadRequest, reason)
	}
	if c.err != "" {
		return fail(c.err)
	}
	if !knownOp(c.op) {
		return fail("unknown operator " + strconv.Quote(string(c.op)))
	}
	if err := checkField(c.field); err != "" {
		return fail(err)
	}
	if c.op == OpIsNull || c.op == OpNotNull {
		if c.value != "" {
			return fail("operator " + string(c.op) + " takes no value")
		}
		return nil
	}
	switch {
	case len(c.value) > maxValueBytes:
		return fail("the value is longer than " + strconv.Itoa(maxValueBytes) + " bytes")
	case !utf8.ValidString(c.value):
		return fail("the value is not valid UTF-8")
	case strings.IndexFunc(c.value, unicode.IsControl) >= 0:
		return fail("the value holds a control character")
	}
	field, op, value := parseCondition(c.String())
	if field != c.field || op != c.op || value != c.value {
		return fail("the server would read it as " + quoteShort(field) + " " + string(op) + " " + quoteShort(value) +
			": the value holds an operator the server looks for first")
	}
	return nil
}

func knownOp(op Operator) bool {
	for _, o := range serverOps {
		if o == op {
			return true
		}
	}
	return false
}

// parseCondition reads a condition the way the ZStack REST server does
// (RestServer.handleQueryApi).
func parseCondition(s string) (field string, op Operator, value string) {
	for _, o := range serverOps {
		i := strings.Index(s, string(o))
		if i < 0 {
			continue
		}
		field = strings.TrimSpace(s[:i])
		if o == OpIsNull || o == OpNotNull {
			return field, o, ""
		}
		// The server splits with StringUtils.splitByWholeSeparator(s, op, 2),
		// which skips a run of separators: "f==x" gives the value "x".
		value = s[i+len(o):]
		for strings.HasPrefix(value, string(o)) {
			value = value[len(o):]
		}
		return field, o, value
	}
	return "", "", ""
}

// checkField accepts the field names of ZStack inventories, nested ones
// included ("vmNics.ip"): letters, digits, "_" and ".".
func checkField(f string) string {
	if f == "" {
		return "the field name is empty"
	}
	if len(f) > 256 {
		return "the field name is longer than 256 bytes"
	}
	for _, r := range f {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return "the field name holds " + strconv.QuoteRune(r) + ": use letters, digits, _ and ."
		}
	}
	return ""
}

func quoteShort(s string) string {
	if len(s) > 80 {
		s = strings.ToValidUTF8(s[:80], "") + "..."
	}
	return strconv.Quote(s)
}

// Conditions are the q conditions of a query; all of them must hold.
type Conditions []Condition

// EncodeValues adds each condition as one q parameter. It implements
// query.Encoder, and fails on the first condition Validate refuses.
func (cs Conditions) EncodeValues(key string, v *url.Values) error {
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			return err
		}
		v.Add(key, c.String())
	}
	return nil
}

// Sort orders the results of a query by one field. Make one with Asc or
// Desc; the zero Sort leaves the order to the server.
type Sort struct {
	field string
	desc  bool
}

// Asc sorts by field, ascending.
func Asc(field string) Sort { return Sort{field: field} }

// Desc sorts by field, descending.
func Desc(field string) Sort { return Sort{field: field, desc: true} }

// IsZero reports whether s is the zero Sort.
func (s Sort) IsZero() bool { return s.field == "" && !s.desc }

// Field returns the field sorted by.
func (s Sort) Field() string { return s.field }

// Descending reports whether the order is descending.
func (s Sort) Descending() bool { return s.desc }

// String returns the sort as sent: "+field" or "-field".
func (s Sort) String() string {
	if s.desc {
		return "-" + s.field
	}
	return "+" + s.field
}

// EncodeValues adds the sort parameter. It implements query.Encoder.
func (s Sort) EncodeValues(key string, v *url.Values) error {
	if s.IsZero() {
		return nil
	}
	if err := checkField(s.field); err != "" {
		return fmt.Errorf("zstack: sort %s: %w: %s", quoteShort(s.field), mfa.ErrBadRequest, err)
	}
	v.Set(key, s.String())
	return nil
}

// QueryOptions are the parameters of a ZStack query.
type QueryOptions struct {
	// Conditions must all hold (sent as repeated q parameters).
	Conditions Conditions `url:"q,omitempty"`
	// Limit is the number of rows asked for. 0 means the Client's page
	// size; at most MaxPageSize. (The server's own default is 1000.)
	Limit int `url:"limit,omitempty"`
	// Start is the offset of the first row, from 0.
	Start int `url:"start"`
	// ReplyWithCount asks the server for the total number of rows that
	// match the conditions, besides the page (SecretPage.Total).
	ReplyWithCount bool `url:"replyWithCount,omitempty"`
	// Sort orders the rows. The zero Sort leaves the order to the server.
	Sort Sort `url:"sort,omitempty"`
	// Fields, when not empty, asks for these fields of each row only.
	Fields []string `url:"fields,omitempty,comma"`
}

// values checks o and encodes it. A zero Limit is left out: the callers
// that page set the Client's page size first, and a count sends none.
func (o QueryOptions) values() (url.Values, error) {
	if o.Limit < 0 || o.Limit > MaxPageSize {
		return nil, fmt.Errorf("zstack: query limit %d: %w: give 1 to %d, or 0 for the page size", o.Limit, mfa.ErrBadRequest, MaxPageSize)
	}
	if o.Start < 0 {
		return nil, fmt.Errorf("zstack: query start %d: %w: it is negative", o.Start, mfa.ErrBadRequest)
	}
	for _, f := range o.Fields {
		if err := checkField(f); err != "" {
			return nil, fmt.Errorf("zstack: query fields %s: %w: %s", quoteShort(f), mfa.ErrBadRequest, err)
		}
	}
	return query.Values(o)
}

// pageFunc reads one page of a listing: its rows, and the total number of
// rows matching the query (-1 when the reply has none).
type pageFunc[T any] func(ctx context.Context, o QueryOptions) ([]T, int64, error)

// walk yields every row of a ZStack query listing (what names it in
// errors), page by page with start and limit, holding one page at a time.
//
// opts.Limit is the page size (0: the Client's) and opts.Start the first
// row. Unless opts.Sort is set, rows are sorted by uuid, so that pages
// neither overlap nor skip rows while the table is unchanged; a Fields
// list gains uuid, by which rows are told apart. The first request asks
// for the total: the walk goes on until that many rows are read, or a page
// comes back empty, so that a server that caps its pages below the limit
// asked does not end it early; without a total it ends at the first page
// shorter than asked.
//
// A server is not trusted to end the listing. A row whose uuid was read
// before (a table that changed under the walk) is skipped. A page with
// rows but none new (a server that ignores start, or sends pages in a
// loop) ends the walk at once, and reading more than Client.maxListing
// rows ends it there, both with an error matching mfa.ErrInvalidResponse;
// what was read before is already yielded.
func walk[T any](ctx context.Context, c *Client, what string, opts QueryOptions, page pageFunc[T], id func(T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		o := opts
		if o.Limit == 0 {
			o.Limit = c.pageSize
		}
		guard := listing.New(c.maxListing)
		if o.Sort.IsZero() {
			// Sorted by uuid, a page's rows all follow those read before:
			// the guard keeps only the greatest, and the walk's memory
			// stays flat however long the listing.
			o.Sort = Asc("uuid")
			guard = listing.NewSorted(c.maxListing)
		}
		if len(o.Fields) > 0 && !slices.Contains(o.Fields, "uuid") {
			o.Fields = append(slices.Clip(o.Fields), "uuid")
		}
		total := int64(-1)
		for first := true; ; first = false {
			o.ReplyWithCount = first
			rows, t, err := page(ctx, o)
			if err != nil {
				yield(zero, err)
				return
			}
			if first {
				total = t
			}
			fresh, pageErr := listing.Fresh(guard, rows, id)
			for _, row := range fresh {
				if !yield(row, nil) {
					return
				}
			}
			if pageErr != nil {
				yield(zero, &mfa.APIError{
					Provider: c.name,
					Message:  fmt.Sprintf("listing %s, the page at start %d: %v", what, o.Start, pageErr),
					Kind:     mfa.ErrInvalidResponse,
				})
				return
			}
			n := len(rows)
			if n == 0 {
				return
			}
			o.Start += n
			if (total >= 0 && int64(o.Start) >= total) || (total < 0 && n < o.Limit) {
				return
			}
		}
	}
}
