package jsonscan

import (
	"encoding/binary"
	"fmt"
	"iter"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// Kind is the kind of a JSON value.
type Kind byte

// The kinds of JSON values; Invalid is what Peek returns at the end of the
// input, on a byte that begins no value, or after an error.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"invalid", "null", "bool", "number", "string", "array", "object"}

func (k Kind) String() string { return kindNames[k] }

// Decoder reads one JSON document. It is not safe for concurrent use.
type Decoder struct {
	data  string
	pos   int
	depth int
	err   error
}

// NewDecoder returns a Decoder for data.
func NewDecoder(data string) *Decoder { return &Decoder{data: data} }

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Offset returns how many bytes have been read.
func (d *Decoder) Offset() int { return d.pos }

// SyntaxError is a document that is not JSON.
type SyntaxError struct {
	Offset int // where the fault was found
	msg    string
}

func (e *SyntaxError) Error() string { return e.msg + " at offset " + strconv.Itoa(e.Offset) }

// TypeError is a JSON value of another kind than the one asked for.
type TypeError struct {
	Offset int
	Want   Kind
	Got    Kind
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("a JSON %s where %s %s belongs, at offset %d", e.Got, article(e.Want), e.Want, e.Offset)
}

func article(k Kind) string {
	if k == Array || k == Object {
		return "an"
	}
	return "a"
}

func (d *Decoder) fail(msg string) {
	if d.err == nil {
		d.err = &SyntaxError{Offset: d.pos, msg: msg}
	}
}

func (d *Decoder) skipSpace() {
	s, i := d.data, d.pos
	for i < len(s) && s[i] <= ' ' && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	d.pos = i
}

// load64 reads eight bytes of s at i as a little-endian word, in one load.
func load64(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

// Bit tricks on eight bytes at once: each is nonzero when some byte of w
// is below 0x20, is a quote, is a backslash, or is not ASCII.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

func hasZero(w uint64) uint64 { return (w - ones) & ^w & highs }

// special marks the high bit of each byte of w that ends a plain run of
// string bytes. Bits above the lowest may be false alarms (a borrow runs
// on), so only the lowest is to be trusted: its byte is the first one.
func special(w uint64) uint64 {
	return ((w-0x20*ones)&^w | hasZero(w^'"'*ones) | hasZero(w^'\\'*ones) | w) & highs
}

// Peek returns the kind of the next value without reading it.
func (d *Decoder) Peek() Kind {
	if d.err != nil {
		return Invalid
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return Invalid
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return Object
	case c == '[':
		return Array
	case c == '"':
		return String
	case c == 't' || c == 'f':
		return Bool
	case c == 'n':
		return Null
	case c == '-' || '0' <= c && c <= '9':
		return Number
	}
	return Invalid
}

// typeError records a value of the wrong kind, and skips it so that the
// document is still read to its end (encoding/json reports a type error
// only once the whole document has proved to be JSON).
func (d *Decoder) typeError(want, got Kind) {
	at := d.pos
	d.Skip()
	if d.err == nil {
		d.err = &TypeError{Offset: at, Want: want, Got: got}
	}
}

// expectValue fails when no value begins here.
func (d *Decoder) expectValue() Kind {
	k := d.Peek()
	if k == Invalid && d.err == nil {
		if d.pos >= len(d.data) {
			d.fail("unexpected end of JSON input")
		} else {
			d.fail("invalid character " + quoteByte(d.data[d.pos]) + " looking for beginning of value")
		}
	}
	return k
}

func quoteByte(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// String reads a string. A null reads as ("", false) with no error, as
// encoding/json leaves a string field unset; any other kind is a
// *TypeError.
func (d *Decoder) String() (string, bool) {
	if d.err == nil && d.pos < len(d.data) && d.data[d.pos] == '"' {
		return d.readString(), d.err == nil // the common case, without Peek
	}
	switch k := d.expectValue(); k {
	case String:
		return d.readString(), d.err == nil
	case Null:
		d.pos += 4
		d.literal("null")
		return "", false
	case Invalid:
		return "", false
	default:
		d.typeError(String, k)
		return "", false
	}
}

// Bool reads a boolean, with null and other kinds as String treats them.
func (d *Decoder) Bool() (v, ok bool) {
	switch k := d.expectValue(); k {
	case Bool:
		if d.data[d.pos] == 't' {
			d.pos += 4
			d.literal("true")
			return true, d.err == nil
		}
		d.pos += 5
		d.literal("false")
		return false, d.err == nil
	case Null:
		d.pos += 4
		d.literal("null")
		return false, false
	case Invalid:
		return false, false
	default:
		d.typeError(Bool, k)
		return false, false
	}
}

// literal checks the word just stepped over.
func (d *Decoder) literal(word string) {
	start := d.pos - len(word)
	if d.pos > len(d.data) || d.data[start:d.pos] != word {
		// Find the first byte that differs, for encoding/json's message.
		i := start
		for i < len(d.data) && i-start < len(word) && d.data[i] == word[i-start] {
			i++
		}
		d.pos = i
		if i >= len(d.data) {
			d.fail("unexpected end of JSON input")
		} else {
			d.fail("invalid character " + quoteByte(d.data[i]) + " in literal " + word + " (expecting " + quoteByte(word[i-start]) + ")")
		}
	}
}

// readString reads the string at d.pos, which is '"'.
func (d *Decoder) readString() string {
	start := d.pos + 1
	i := start
	plain := true
	for i+8 <= len(d.data) {
		if m := special(load64(d.data, i)); m != 0 {
			i += bits.TrailingZeros64(m) / 8 // the first byte that is not plain
			break
		}
		i += 8
	}
	for ; i < len(d.data); i++ {
		c := d.data[i]
		if c == '"' {
			break
		}
		if c == '\\' {
			plain = false
			i++ // the escaped byte is checked by unquote
			continue
		}
		if c < 0x20 {
			d.pos = i
			d.fail("invalid character " + quoteByte(c) + " in string literal")
			return ""
		}
		if c >= utf8.RuneSelf {
			plain = false
		}
	}
	if i >= len(d.data) {
		d.pos = len(d.data)
		d.fail("unexpected end of JSON input")
		return ""
	}
	raw := d.data[start:i]
	d.pos = i + 1
	if plain {
		return raw
	}
	s, ok := unquote(raw)
	if !ok {
		d.pos = start - 1
		d.fail("invalid escape in string literal")
		return ""
	}
	return s
}

// unquote decodes the escapes of raw and replaces invalid UTF-8, as
// encoding/json does.
func unquote(raw string) (string, bool) {
	if !strings.Contains(raw, `\`) && utf8.ValidString(raw) {
		return raw, true
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			if i+1 >= len(raw) {
				return "", false
			}
			switch e := raw[i+1]; e {
			case '"', '\\', '/', '\'':
				if e == '\'' {
					return "", false
				}
				b.WriteByte(e)
				i += 2
			case 'b':
				b.WriteByte('\b')
				i += 2
			case 'f':
				b.WriteByte('\f')
				i += 2
			case 'n':
				b.WriteByte('\n')
				i += 2
			case 'r':
				b.WriteByte('\r')
				i += 2
			case 't':
				b.WriteByte('\t')
				i += 2
			case 'u':
				r, ok := hex4(raw[i+2:])
				if !ok {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := pairedSurrogate(raw[i:]); ok {
						if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
							i += 6
							b.WriteRune(dec)
							break
						}
					}
					r = unicode.ReplacementChar
				}
				b.WriteRune(r)
			default:
				return "", false
			}
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(raw[i:])
			i += size
			b.WriteRune(r) // RuneError for an invalid byte, as encoding/json
		}
	}
	return b.String(), true
}

func pairedSurrogate(s string) (rune, bool) {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return 0, false
	}
	return hex4(s[2:])
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Skip reads over the next value, whatever it is, checking its syntax.
func (d *Decoder) Skip() {
	switch d.expectValue() {
	case Object:
		for range d.Members() {
		}
	case Array:
		for range d.Elements() {
		}
	case String:
		d.readString()
	case Number:
		d.readNumber()
	case Bool:
		d.Bool()
	case Null:
		d.pos += 4
		d.literal("null")
	}
}

// Raw reads the next value, whatever it is, and returns its JSON text as
// it stands in the document (what a json.RawMessage holds).
func (d *Decoder) Raw() string {
	d.skipSpace()
	start := d.pos
	d.Skip()
	if d.err != nil {
		return ""
	}
	return d.data[start:d.pos]
}

// readNumber steps over a number, checking its grammar.
func (d *Decoder) readNumber() {
	s, i := d.data, d.pos
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		d.pos = i
		d.badNumber("in numeric literal")
		return
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			d.pos = i
			d.badNumber("after decimal point in numeric literal")
			return
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			d.pos = i
			d.badNumber("in exponent of numeric literal")
			return
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	}
	d.pos = i
}

func (d *Decoder) badNumber(where string) {
	if d.pos >= len(d.data) {
		d.fail("unexpected end of JSON input")
		return
	}
	d.fail("invalid character " + quoteByte(d.data[d.pos]) + " " + where)
}

// enter steps into an object or array, counting the depth.
func (d *Decoder) enter() bool {
	d.depth++
	if d.depth > maxDepth {
		d.fail("exceeded max depth")
		return false
	}
	d.pos++
	return true
}

// Members yields the key of each member of the object that comes next.
// The loop body reads the member's value (with String, Skip, Members...);
// a value it leaves unread is skipped. Any other kind than an object is a
// *TypeError, and null yields nothing, as encoding/json treats a struct.
func (d *Decoder) Members() iter.Seq[string] {
	return func(yield func(string) bool) {
		if !d.open(Object, '}') {
			return
		}
		defer func() { d.depth-- }()
		for d.err == nil {
			d.skipSpace()
			if d.pos >= len(d.data) {
				d.fail("unexpected end of JSON input")
				return
			}
			if d.data[d.pos] != '"' {
				d.fail("invalid character " + quoteByte(d.data[d.pos]) + " looking for beginning of object key string")
				return
			}
			key := d.readString()
			d.skipSpace()
			if d.err != nil {
				return
			}
			if d.pos >= len(d.data) {
				d.fail("unexpected end of JSON input")
				return
			}
			if d.data[d.pos] != ':' {
				d.fail("invalid character " + quoteByte(d.data[d.pos]) + " after object key")
				return
			}
			d.pos++
			d.skipSpace()
			before := d.pos
			if !yield(key) {
				d.fail("jsonscan: the range over Members stopped early")
				return
			}
			if !d.next(before, '}', "object key:value pair") {
				return
			}
		}
	}
}

// Elements yields the index of each element of the array that comes next,
// as Members does for objects. Null yields nothing; any other kind is a
// *TypeError.
func (d *Decoder) Elements() iter.Seq[int] {
	return func(yield func(int) bool) {
		if !d.open(Array, ']') {
			return
		}
		defer func() { d.depth-- }()
		for i := 0; d.err == nil; i++ {
			d.skipSpace()
			before := d.pos
			if d.expectValue() == Invalid {
				return
			}
			if !yield(i) {
				d.fail("jsonscan: the range over Elements stopped early")
				return
			}
			if !d.next(before, ']', "array element") {
				return
			}
		}
	}
}

// open steps into the object or array (want) that comes next, and reports
// whether it holds anything to range over. When it does, the caller owns
// one level of depth and gives it back when the range ends; null, an empty
// container and an error leave nothing to give back.
func (d *Decoder) open(want Kind, closer byte) bool {
	switch k := d.expectValue(); k {
	case want:
	case Null:
		d.pos += 4
		d.literal("null")
		return false
	case Invalid:
		return false
	default:
		d.typeError(want, k)
		return false
	}
	if !d.enter() {
		return false
	}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == closer {
		d.pos++
		d.depth--
		return false
	}
	return true
}

// next ends a member or an element: it skips the value when the loop body
// left it unread (the position has not moved since before), then steps
// over the comma, or over the closer, and reports whether another follows.
func (d *Decoder) next(before int, closer byte, what string) bool {
	if d.err != nil {
		return false
	}
	if d.pos == before {
		d.Skip()
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		d.fail("unexpected end of JSON input")
		return false
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		return true
	case closer:
		d.pos++
		return false
	}
	d.fail("invalid character " + quoteByte(d.data[d.pos]) + " after " + what)
	return false
}

// End checks that nothing but white space follows the value read, and
// returns the first error met.
func (d *Decoder) End() error {
	if d.err == nil {
		d.skipSpace()
		if d.pos < len(d.data) {
			d.fail("invalid character " + quoteByte(d.data[d.pos]) + " after top-level value")
		}
	}
	return d.err
}

// Match reports whether a key names the field name as encoding/json
// matches them: exactly, or else under Unicode case folding.
func Match(key, name string) bool {
	return key == name || strings.EqualFold(key, name)
}

// HasDuplicateKeys reports whether some object of data names a key twice
// (under case folding). encoding/json then decodes the later value into
// what the earlier one left, merging into the elements of an earlier
// array; a Decoder's reader keeps the later value alone, so differential
// tests compare values only for documents without duplicates.
func HasDuplicateKeys(data string) bool {
	d := NewDecoder(data)
	return d.duplicates() && d.err == nil
}

func (d *Decoder) duplicates() bool {
	found := false
	switch d.Peek() {
	case Object:
		var keys []string
		for key := range d.Members() {
			for _, k := range keys {
				if Match(k, key) {
					found = true
				}
			}
			keys = append(keys, key)
			if d.duplicates() {
				found = true
			}
		}
	case Array:
		for range d.Elements() {
			if d.duplicates() {
				found = true
			}
		}
	default:
		d.Skip()
	}
	return found
}
