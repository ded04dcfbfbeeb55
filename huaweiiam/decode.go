package huaweiiam

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/openmfa/mfa-go/internal/jsonscan"
	"github.com/openmfa/mfa-go/internal/transport"
)

// The device bodies are read with jsonscan rather than encoding/json: a
// list of a thousand devices is the hot path of an audit, and jsonscan
// reads it in one pass, without reflection, with the devices' strings
// sharing the body's memory. A differential fuzz test holds it to
// encoding/json's reading of the same bodies.

// vmfaFields are the members of one virtual MFA device.
type vmfaFields struct{ userID, serialNumber string }

// readVMFA reads a virtual MFA device object into f, over what f holds
// (as encoding/json decodes a repeated object into the same struct).
func readVMFA(d *jsonscan.Decoder, f *vmfaFields) {
	for key := range d.Members() {
		switch {
		case jsonscan.Match(key, "user_id"):
			if v, ok := d.String(); ok {
				f.userID = v
			}
		case jsonscan.Match(key, "serial_number"):
			if v, ok := d.String(); ok {
				f.serialNumber = v
			}
		}
	}
}

// decodeVirtualMFADevice decodes {"virtual_mfa_device":{...}}. userID fills
// in a user id the body left out.
func decodeVirtualMFADevice(resp *transport.Response, provider, userID string) (*VirtualMFADevice, error) {
	d := jsonscan.NewDecoder(resp.Text())
	var f vmfaFields
	set, null := false, false
	for key := range d.Members() {
		if !jsonscan.Match(key, "virtual_mfa_device") {
			continue
		}
		set = true
		if d.Peek() == jsonscan.Null {
			null = true
			continue
		}
		readVMFA(d, &f)
	}
	if err := end(resp, d); err != nil {
		return nil, err
	}
	if err := presence(resp, "virtual_mfa_device", set, null, false); err != nil {
		return nil, err
	}
	if f.serialNumber == "" {
		return nil, resp.Invalid(errors.New(`"virtual_mfa_device" has no serial_number`))
	}
	if f.userID == "" {
		f.userID = userID
	}
	return &VirtualMFADevice{provider: provider, serialNumber: f.serialNumber, userID: f.userID}, nil
}

// decodeVirtualMFADevices decodes {"virtual_mfa_devices":[...]}; a null
// list is an empty one.
func decodeVirtualMFADevices(resp *transport.Response, provider string) ([]*VirtualMFADevice, error) {
	text := resp.Text()
	d := jsonscan.NewDecoder(text)
	var devs []VirtualMFADevice
	set := false
	for key := range d.Members() {
		if !jsonscan.Match(key, "virtual_mfa_devices") {
			continue
		}
		set = true
		if d.Peek() == jsonscan.Null {
			continue // a null leaves what an earlier member held
		}
		devs = sized(devs, text)
		for range d.Elements() {
			var f vmfaFields
			readVMFA(d, &f)
			devs = append(devs, VirtualMFADevice{provider: provider, serialNumber: f.serialNumber, userID: f.userID})
		}
	}
	if err := end(resp, d); err != nil {
		return nil, err
	}
	if err := presence(resp, "virtual_mfa_devices", set, false, true); err != nil {
		return nil, err
	}
	out := make([]*VirtualMFADevice, len(devs))
	for i := range devs {
		if devs[i].serialNumber == "" {
			return nil, resp.Invalid(fmt.Errorf(`"virtual_mfa_devices"[%d] has no serial_number`, i))
		}
		out[i] = &devs[i]
	}
	return out, nil
}

// sized returns devs emptied, with room for as many items as the body has
// objects: a list of a thousand is filled without growing. (Counting one
// byte is fast; the top-level object makes it one too many.)
func sized[T any](devs []T, body string) []T {
	if devs != nil {
		return devs[:0] // the member again: the last one wins
	}
	return make([]T, 0, strings.Count(body, "{"))
}

// otpFields are the members of one Workspace OTP device; createTime is the
// raw text of create_time (a string's value, or the JSON text of another
// kind of value).
type otpFields struct{ id, userID, userName, status, createTime string }

// decodeOTPDevices decodes {"otp_devices":[...]}; a null list is an empty
// one. userID fills in a user id an item left out. A create_time in no
// known layout is kept raw and logged as a warning.
func decodeOTPDevices(resp *transport.Response, provider, userID string, log *slog.Logger) ([]*OTPDevice, error) {
	text := resp.Text()
	d := jsonscan.NewDecoder(text)
	var devs []OTPDevice
	set := false
	for key := range d.Members() {
		if !jsonscan.Match(key, "otp_devices") {
			continue
		}
		set = true
		if d.Peek() == jsonscan.Null {
			continue
		}
		devs = sized(devs, text)
		for range d.Elements() {
			var f otpFields
			for key := range d.Members() {
				switch {
				case jsonscan.Match(key, "id"):
					f.id, _ = d.String()
				case jsonscan.Match(key, "user_id"):
					f.userID, _ = d.String()
				case jsonscan.Match(key, "user_name"):
					f.userName, _ = d.String()
				case jsonscan.Match(key, "status"):
					f.status, _ = d.String()
				case jsonscan.Match(key, "create_time"):
					switch d.Peek() {
					case jsonscan.String:
						f.createTime, _ = d.String()
					case jsonscan.Null:
						d.Skip()
						f.createTime = ""
					default:
						f.createTime = d.Raw()
					}
				}
			}
			devs = append(devs, f.device(provider, userID))
		}
	}
	if err := end(resp, d); err != nil {
		return nil, err
	}
	if err := presence(resp, "otp_devices", set, false, true); err != nil {
		return nil, err
	}
	return finishOTPDevices(resp, devs, log)
}

// device makes the OTP device the fields describe; userID fills in a user
// id they leave out.
func (f otpFields) device(provider, userID string) OTPDevice {
	dev := OTPDevice{
		provider:      provider,
		id:            f.id,
		userID:        f.userID,
		userName:      f.userName,
		status:        otpStatus(f.status),
		vendorStatus:  f.status,
		rawCreateTime: f.createTime,
	}
	if dev.userID == "" {
		dev.userID = userID
	}
	return dev
}

// finishOTPDevices checks every device has an id and reads its creation
// time, warning of a time in no known layout.
func finishOTPDevices(resp *transport.Response, devs []OTPDevice, log *slog.Logger) ([]*OTPDevice, error) {
	out := make([]*OTPDevice, len(devs))
	for i := range devs {
		dev := &devs[i]
		if dev.id == "" {
			return nil, resp.Invalid(fmt.Errorf(`"otp_devices"[%d] has no id`, i))
		}
		if dev.rawCreateTime != "" {
			if t, ok := parseTime(dev.rawCreateTime); ok {
				dev.createdAt = t
			} else if log != nil {
				log.Warn("huaweiiam: create_time in no known layout; CreatedAt left zero",
					"provider", dev.provider, "field", "create_time", "value", logValue(dev.rawCreateTime), "device_id", dev.id)
			}
		}
		out[i] = dev
	}
	return out, nil
}

// end finishes a document: an error made by resp.Invalid when it is not
// JSON or not of the expected shape.
func end(resp *transport.Response, d *jsonscan.Decoder) error {
	if len(resp.Body) == 0 {
		return resp.Invalid(errors.New("expected JSON"))
	}
	if err := d.End(); err != nil {
		return resp.Invalid(err)
	}
	return nil
}
