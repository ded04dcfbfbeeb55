package mfa

import (
	"context"
	"iter"
	"time"
)

// Version is the version of this module, sent in the User-Agent header of
// every request as "mfa-go/<Version>".
const Version = "0.3.0"

// Status is the normalised lifecycle state of a device.
type Status string

// The four statuses. Vendor words map onto them; a word this module does not
// know is StatusUnknown and stays readable through Device.VendorStatus.
const (
	// StatusActive is a bound, registered or verified device: usable at login.
	StatusActive Status = "active"
	// StatusPending is a device created but not yet bound or verified.
	StatusPending Status = "pending"
	// StatusDisabled is a device that exists but cannot be used.
	StatusDisabled Status = "disabled"
	// StatusUnknown is a vendor status this module does not know.
	StatusUnknown Status = "unknown"
)

// Device is one MFA or OTP device as a provider reports it.
//
// Implementations are immutable values, safe to share between goroutines.
// None of their methods, nor their fmt or JSON forms, reveal a secret.
type Device interface {
	// Provider is the Name of the Provider that returned the device.
	Provider() string
	// ID is the device's id at its vendor (Huawei IAM: the serial number;
	// ZStack: the secret's uuid).
	ID() string
	// UserID is the id of the user who owns the device.
	UserID() string
	// UserName is the owner's name, or "" where the API does not say.
	UserName() string
	// Name is the device's name, or "" where the API does not say. A
	// phone's number shows masked to its last two digits.
	Name() string
	// Kind is what kind of factor the device is.
	Kind() Kind
	// Status is the normalised status.
	Status() Status
	// VendorStatus is the vendor's own word for the status, unchanged
	// ("" where the API has none).
	VendorStatus() string
	// CreatedAt is when the device was created, in UTC, or the zero time
	// where the API does not say.
	CreatedAt() time.Time
}

// Provider is one vendor API instance that can list the devices of a user.
type Provider interface {
	// Name is the instance name, unique within a Directory.
	Name() string
	// UserDevices returns the devices of one user. A user with no device
	// gets an empty slice and a nil error.
	UserDevices(ctx context.Context, userID string) ([]Device, error)
}

// DeviceGetter is a Provider that can fetch one device by id.
type DeviceGetter interface {
	// Device returns one device of a user. An unknown device is an error
	// matching ErrNotFound.
	Device(ctx context.Context, userID, deviceID string) (Device, error)
}

// DeviceLister is a Provider that can list every device it holds.
type DeviceLister interface {
	// AllDevices yields every device, reading page by page where the API
	// pages. An error is yielded once, as the last pair, and ends the
	// sequence; stopping the range early stops the listing.
	AllDevices(ctx context.Context) iter.Seq2[Device, error]
}

// DeviceJSON is the JSON form every device type of this module marshals
// to, a vendor's own members beside it: snake_case keys, the empty
// optional members left out, CreatedAt in RFC 3339 UTC and left out when
// unknown. A vendor device type embeds it in its MarshalJSON.
type DeviceJSON struct {
	Provider     string     `json:"provider"`
	ID           string     `json:"id"`
	UserID       string     `json:"user_id"`
	UserName     string     `json:"user_name,omitempty"`
	Name         string     `json:"name,omitempty"`
	Kind         Kind       `json:"kind"`
	Status       Status     `json:"status"`
	VendorStatus string     `json:"vendor_status,omitempty"`
	CreatedAt    *time.Time `json:"created_at,omitempty"`
}

// NewDeviceJSON returns the JSON form of d.
func NewDeviceJSON(d Device) DeviceJSON {
	j := DeviceJSON{
		Provider:     d.Provider(),
		ID:           d.ID(),
		UserID:       d.UserID(),
		UserName:     d.UserName(),
		Name:         d.Name(),
		Kind:         d.Kind(),
		Status:       d.Status(),
		VendorStatus: d.VendorStatus(),
	}
	if t := d.CreatedAt(); !t.IsZero() {
		t = t.UTC()
		j.CreatedAt = &t
	}
	return j
}

// AsDevices returns a vendor's typed devices as Devices, in order: the
// UserDevices of a Provider whose typed call returns []*T.
func AsDevices[D Device](devices []D) []Device {
	out := make([]Device, len(devices))
	for i, d := range devices {
		out[i] = d
	}
	return out
}
