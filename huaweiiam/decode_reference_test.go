package huaweiiam

// The device decoders of this package, written with encoding/json: the
// reference that the jsonscan decoders are held to.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/openmfa/mfa-go/internal/transport"
)

type virtualMFADeviceWire struct {
	UserID       string `json:"user_id"`
	SerialNumber string `json:"serial_number"`
}

type otpDeviceWire struct {
	ID         string          `json:"id"`
	UserID     string          `json:"user_id"`
	UserName   string          `json:"user_name"`
	Status     string          `json:"status"`
	CreateTime json.RawMessage `json:"create_time"`
}

// decodeVirtualMFADevice decodes {"virtual_mfa_device":{...}}. userID fills
// in a user id the body left out.
func referenceVirtualMFADevice(resp *transport.Response, provider, userID string) (*VirtualMFADevice, error) {
	var body struct {
		Device member[virtualMFADeviceWire] `json:"virtual_mfa_device"`
	}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	if err := body.Device.check(resp, "virtual_mfa_device", false); err != nil {
		return nil, err
	}
	w := body.Device.v
	if w.SerialNumber == "" {
		return nil, resp.Invalid(errors.New(`"virtual_mfa_device" has no serial_number`))
	}
	if w.UserID == "" {
		w.UserID = userID
	}
	return &VirtualMFADevice{provider: provider, serialNumber: w.SerialNumber, userID: w.UserID}, nil
}

// decodeVirtualMFADevices decodes {"virtual_mfa_devices":[...]}.
func referenceVirtualMFADevices(resp *transport.Response, provider string) ([]*VirtualMFADevice, error) {
	var body struct {
		Devices member[[]virtualMFADeviceWire] `json:"virtual_mfa_devices"`
	}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	if err := body.Devices.check(resp, "virtual_mfa_devices", true); err != nil {
		return nil, err
	}
	ws := body.Devices.v
	devs := make([]*VirtualMFADevice, 0, len(ws))
	for i, w := range ws {
		if w.SerialNumber == "" {
			return nil, resp.Invalid(fmt.Errorf(`"virtual_mfa_devices"[%d] has no serial_number`, i))
		}
		devs = append(devs, &VirtualMFADevice{provider: provider, serialNumber: w.SerialNumber, userID: w.UserID})
	}
	return devs, nil
}

// decodeOTPDevices decodes {"otp_devices":[...]}. userID fills in a user
// id an item left out. A create_time in no known layout is kept raw and
// logged as a warning.
func referenceOTPDevices(resp *transport.Response, provider, userID string, log *slog.Logger) ([]*OTPDevice, error) {
	var body struct {
		Devices member[[]otpDeviceWire] `json:"otp_devices"`
	}
	if err := resp.DecodeJSON(&body); err != nil {
		return nil, err
	}
	if err := body.Devices.check(resp, "otp_devices", true); err != nil {
		return nil, err
	}
	devs := make([]OTPDevice, len(body.Devices.v))
	for i, w := range body.Devices.v {
		f := otpFields{id: w.ID, userID: w.UserID, userName: w.UserName, status: w.Status, createTime: rawTime(w.CreateTime)}
		devs[i] = f.device(provider, userID)
	}
	return finishOTPDevices(resp, devs, log)
}

// rawTime returns the text of a JSON time value: the string itself, "" for
// null or nothing, or the JSON text of any other value (a number, say).
func rawTime(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
