package transport

import (
	"encoding/json"
	"encoding/xml"
	"errors"
)

// DecodeJSON decodes the body of r into v. A body that does not decode is
// an error made by r.Invalid.
func (r *Response) DecodeJSON(v any) error {
	if len(r.Body) == 0 {
		return r.Invalid(errors.New("expected JSON"))
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return r.Invalid(err)
	}
	return nil
}

// DecodeXML decodes the body of r into v. A body that does not decode is an
// error made by r.Invalid.
func (r *Response) DecodeXML(v any) error {
	if len(r.Body) == 0 {
		return r.Invalid(errors.New("expected XML"))
	}
	if err := xml.Unmarshal(r.Body, v); err != nil {
		return r.Invalid(err)
	}
	return nil
}
