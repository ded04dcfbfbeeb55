package transport

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"unsafe"
)

// Text returns the body as a string that shares Body's memory, without a
// copy. The transport never modifies Body once Do has returned it, and
// callers must not either.
func (r *Response) Text() string {
	if len(r.Body) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(r.Body), len(r.Body))
}

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
