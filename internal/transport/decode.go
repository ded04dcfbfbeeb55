package transport

import (
	"encoding/json"
	"errors"
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
