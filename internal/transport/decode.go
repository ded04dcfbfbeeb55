package transport

import (
	"errors"

	// goccy/go-json reads the same JSON into the same structs as
	// encoding/json (case-insensitive member names, the last of duplicate
	// members wins, UnmarshalJSON methods called), two to seven times
	// faster on the vendors' device lists: BENCHMARKS.md has the figures.
	json "github.com/goccy/go-json"
)

// DecodeJSON decodes the body of r into v, a wire struct of the vendor's
// shape. A body that does not decode (empty, not JSON, a value of the
// wrong type) is an error made by r.Invalid.
func (r *Response) DecodeJSON(v any) error {
	if len(r.Body) == 0 {
		return r.Invalid(errors.New("expected JSON"))
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return r.Invalid(err)
	}
	return nil
}

// UnmarshalJSON decodes data into v with the library DecodeJSON uses: the
// UnmarshalJSON method of a wire type calls it, so that one library reads
// a whole body.
func UnmarshalJSON(data []byte, v any) error { return json.Unmarshal(data, v) }
