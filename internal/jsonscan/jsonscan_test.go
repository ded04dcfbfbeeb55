package jsonscan

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shape is what the tests read, with encoding/json and with a Decoder.
type shape struct {
	Name  string  `json:"name"`
	On    bool    `json:"on"`
	Items []item  `json:"items"`
	Inner *inner2 `json:"inner"`
}

type item struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

type inner2 struct {
	Code string `json:"code"`
}

// scan reads a shape with a Decoder.
func scan(data string) (shape, error) {
	var s shape
	d := NewDecoder(data)
	for key := range d.Members() {
		switch {
		case Match(key, "name"):
			if v, ok := d.String(); ok {
				s.Name = v
			}
		case Match(key, "on"):
			if v, ok := d.Bool(); ok {
				s.On = v
			}
		case Match(key, "items"):
			if d.Peek() == Null {
				d.Skip()
				s.Items = nil
				continue
			}
			s.Items = []item{}
			for range d.Elements() {
				var it item
				for key := range d.Members() {
					switch {
					case Match(key, "id"):
						if v, ok := d.String(); ok {
							it.ID = v
						}
					case Match(key, "label"):
						if v, ok := d.String(); ok {
							it.Label = v
						}
					}
				}
				s.Items = append(s.Items, it)
			}
		case Match(key, "inner"):
			if d.Peek() == Null {
				s.Inner = nil
				continue // the range skips the null: Peek must not have moved past the value's start
			}
			if s.Inner == nil {
				s.Inner = &inner2{}
			}
			for key := range d.Members() {
				if Match(key, "code") {
					if v, ok := d.String(); ok {
						s.Inner.Code = v
					}
				}
			}
		}
	}
	return s, d.End()
}

// same checks that scan and encoding/json agree on data.
func same(t *testing.T, data string) {
	t.Helper()
	var want shape
	wantErr := json.Unmarshal([]byte(data), &want)
	got, err := scan(data)
	if (wantErr == nil) != (err == nil) {
		t.Fatalf("%q: encoding/json says %v, jsonscan says %v", data, wantErr, err)
	}
	if err == nil && !HasDuplicateKeys(data) {
		assert.Equal(t, want, got, "%q", data)
	}
}

var corpus = []string{
	`{"name":"a","on":true,"items":[{"id":"1","label":"x"},{"id":"2"}],"inner":{"code":"c"}}`,
	`  {"name" : "a" , "items" : [ ] }  `,
	`{}`, `null`, ` null `, `[]`, `"x"`, `1`, `true`, ``, ` `, `{`, `{"name"`, `{"name":`, `{"name":"a"`, `{"name":"a",}`,
	`{"name":"a"}x`, `{"name":"a"} {}`, `{"name":1}`, `{"name":{}}`, `{"name":[]}`, `{"name":null}`, `{"name":true}`,
	`{"on":"true"}`, `{"on":null}`, `{"on":tru}`, `{"on":fals}`, `{"on":nul}`, `{"on":truex}`,
	`{"items":null}`, `{"items":{}}`, `{"items":[null]}`, `{"items":[1]}`, `{"items":[[]]}`, `{"items":[{"id":null}]}`,
	`{"items":[{"id":"1"},]}`, `{"items":[{"id":"1"}`, `{"items":[,]}`,
	`{"NAME":"upper","Name":"mixed"}`, `{"name":"first","name":"second"}`, `{"ſ":"long s","K":"kelvin"}`,
	`{"name":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud800 \udc00x \ud800\u0041"}`,
	`{"name":"bad \x"}`, `{"name":"bad \u12"}`, `{"name":"bad \u12g4"}`, "{\"name\":\"ctl \x01\"}", "{\"name\":\"tab \t\"}",
	"{\"name\":\"bad utf8 \xff\xfe é\"}", "{\"n\xffame\":\"x\"}",
	`{"skip":[1,-2.5e+10,0.1,-0,1E3,{"a":[true,false,null]}],"name":"after"}`,
	`{"skip":01}`, `{"skip":-}`, `{"skip":1.}`, `{"skip":1e}`, `{"skip":.5}`, `{"skip":+1}`, `{"skip":1.5e+}`,
	`{"inner":{"code":"c","deeper":{"a":{"b":[{}]}}}}`, `{"inner":null}`, `{"inner":"x"}`,
	`{ "inner" :  null , "name" : "a" , "items" : [ { "id" : "1" } , { } ] }`, "{\n  \"inner\":\n    null\n}\n",
	`{"name":"a"}` + "\u00a0", "\ufeff{}",
	"{}" + strings.Repeat(" ", 8), "{}" + strings.Repeat(" ", 16), "{}" + strings.Repeat(" ", 17) + "x",
	"{\"name\":" + strings.Repeat(" ", 8) + "\"" + strings.Repeat("abcdefgh", 3) + "\"" + strings.Repeat(" ", 9) + "}",
	`{"name":"` + strings.Repeat("a", 15) + `\"` + strings.Repeat("é", 9) + `"}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	`{"skip":` + strings.Repeat("[", 9998) + strings.Repeat("]", 9998) + `}`,
	`{"skip":` + strings.Repeat("[", 9999) + strings.Repeat("]", 9999) + `}`,
	`{"skip":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat("}", 10000) + `}`,
}

func TestAgreesWithEncodingJSON(t *testing.T) {
	for _, data := range corpus {
		same(t, data)
	}
}

// TestStringEnds puts the byte that ends a plain run (an escape, a byte
// past ASCII, a control byte, the closing quote) at every place of the
// eight-byte words a string is read by.
func TestStringEnds(t *testing.T) {
	for k := range 20 {
		for _, end := range []string{`\"`, `\u00e9`, "é", "\xff", "\x01", "\x1f", "\x7f", `"`, ``} {
			same(t, `{"name":"`+strings.Repeat("a", k)+end+`bcdefghij"}`)
		}
	}
}

func TestPlainStringsAreNotCopied(t *testing.T) {
	data := `{"name":"zhangsan","items":[{"id":"5311a768c22f4d30914fe50ffdfd1ba5"}]}`
	allocs := testing.AllocsPerRun(100, func() {
		d := NewDecoder(data)
		for key := range d.Members() {
			if key == "name" {
				d.String()
			}
		}
		_ = d.End()
	})
	assert.LessOrEqual(t, allocs, 4.0, "the decoder and its iterators, no string")
}

func TestErrors(t *testing.T) {
	_, err := scan(`{"name":1}`)
	var te *TypeError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, TypeError{Offset: 8, Want: String, Got: Number}, *te)
	assert.EqualError(t, err, "a JSON number where a string belongs, at offset 8")

	_, err = scan(`{"name":"a",}`)
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 12, se.Offset)
	assert.Contains(t, err.Error(), "looking for beginning of object key string")

	_, err = scan(`{"name":"a"`)
	assert.Contains(t, err.Error(), "unexpected end of JSON input")

	d := NewDecoder(`{"a":1,"b":2}`)
	for range d.Members() {
		break
	}
	assert.Error(t, d.End(), "a range stopped early leaves the document unread: an error, not a silent success")
	assert.False(t, errors.Is(d.End(), nil))
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		key, name string
		want      bool
	}{
		{"id", "id", true}, {"ID", "id", true}, {"Id", "id", true}, {"user_id", "USER_ID", true},
		{"\u212a", "k", true}, {"\u212aey", "KEY", true}, {"\u017ftatus", "status", true}, // Kelvin sign, long s
		{"ids", "id", false}, {"i", "id", false}, {"", "id", false}, {"id", "", false}, {"", "", true},
		{"user_id", "user_name", false}, {"create_time", "id", false},
		{"_a", "\x7fa", false}, {"@a", "`a", false}, {"[", "{", false}, // one bit apart, as the cases of a letter
		{"\xffid", "id", false}, {"é", "É", true},
	} {
		assert.Equal(t, tc.want, Match(tc.key, tc.name), "%q %q", tc.key, tc.name)
	}
}

func TestHasDuplicateKeys(t *testing.T) {
	assert.True(t, HasDuplicateKeys(`{"a":1,"A":2}`))
	assert.True(t, HasDuplicateKeys(`{"x":[{"a":1,"b":{"c":1,"c":2}}]}`))
	assert.False(t, HasDuplicateKeys(`{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}`))
	assert.False(t, HasDuplicateKeys(`not json`))
}

func TestPeek(t *testing.T) {
	for data, want := range map[string]Kind{`{}`: Object, `[]`: Array, `"s"`: String, `-1`: Number, `5`: Number,
		`true`: Bool, `false`: Bool, `null`: Null, ``: Invalid, `x`: Invalid, `  {`: Object} {
		assert.Equal(t, want, NewDecoder(data).Peek(), data)
	}
}

func FuzzAgreesWithEncodingJSON(f *testing.F) {
	for _, data := range corpus {
		if len(data) < 1000 { // deep nesting is in the unit test: as seeds it slows the fuzzer down
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data string) { same(t, data) })
}
