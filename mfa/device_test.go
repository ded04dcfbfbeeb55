package mfa_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

// device is a minimal mfa.Device.
type device struct {
	id      string
	created time.Time
}

func (d *device) Provider() string     { return "p" }
func (d *device) ID() string           { return d.id }
func (d *device) UserID() string       { return "u1" }
func (d *device) UserName() string     { return "" }
func (d *device) Name() string         { return "" }
func (d *device) Kind() mfa.Kind       { return mfa.KindTOTP }
func (d *device) Status() mfa.Status   { return mfa.StatusPending }
func (d *device) VendorStatus() string { return "NEW" }
func (d *device) CreatedAt() time.Time { return d.created }

func TestDeviceJSON(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	b, err := json.Marshal(mfa.NewDeviceJSON(&device{id: "d1", created: time.Date(2020, 4, 10, 14, 45, 14, 0, shanghai)}))
	require.NoError(t, err)
	assert.JSONEq(t, `{"provider":"p","id":"d1","user_id":"u1","kind":"totp","status":"pending","vendor_status":"NEW","created_at":"2020-04-10T06:45:14Z"}`, string(b),
		"empty optional members are left out; the time is UTC")

	b, err = json.Marshal(mfa.NewDeviceJSON(&device{id: "d2"}))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "created_at", "an unknown time is left out, not the zero time")
}

func TestAsDevices(t *testing.T) {
	typed := []*device{{id: "a"}, {id: "b"}}
	devices := mfa.AsDevices(typed)
	require.Len(t, devices, 2)
	assert.Same(t, typed[1], devices[1])
	assert.Empty(t, mfa.AsDevices([]*device{}))
	assert.NotNil(t, mfa.AsDevices([]*device(nil)), "a Provider returns an empty list, not nil, for a user with none")
}
