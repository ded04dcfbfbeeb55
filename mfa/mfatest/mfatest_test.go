package mfatest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

var (
	_ mfa.Provider     = (*mfatest.Provider)(nil)
	_ mfa.DeviceGetter = (*mfatest.Provider)(nil)
	_ mfa.DeviceLister = (*mfatest.Provider)(nil)
	_ mfa.UserLister   = (*mfatest.Provider)(nil)
)

func TestProviderServesItsDevices(t *testing.T) {
	created := time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC)
	p := mfatest.NewProvider("fake").
		AddDevices("u1", mfatest.Device{ID: "d1", Name: "phone", UserName: "Ann", Status: mfa.StatusActive, VendorStatus: "REGISTERED", CreatedAt: created}).
		AddDevices("u2").
		AddDevices("u1", mfatest.Device{ID: "d2", Provider: "other", UserID: "someone"})
	ctx := context.Background()

	got, err := p.UserDevices(ctx, "u1")
	require.NoError(t, err)
	require.Len(t, got, 2)
	d := got[0]
	assert.Equal(t, []any{"fake", "d1", "u1", "Ann", "phone", mfa.StatusActive, "REGISTERED", created},
		[]any{d.Provider(), d.ID(), d.UserID(), d.UserName(), d.Name(), d.Status(), d.VendorStatus(), d.CreatedAt()})
	assert.Equal(t, "other", got[1].Provider(), "a field set by the caller is kept")
	assert.Equal(t, "someone", got[1].UserID())

	got, err = p.UserDevices(ctx, "u2")
	require.NoError(t, err)
	assert.Empty(t, got)

	dev, err := p.Device(ctx, "u1", "d1")
	require.NoError(t, err)
	assert.Equal(t, "phone", dev.Name())
	_, err = p.Device(ctx, "u1", "nope")
	assert.ErrorIs(t, err, mfa.ErrNotFound)

	var ids []string
	for d, err := range p.AllDevices(ctx) {
		require.NoError(t, err)
		ids = append(ids, d.ID())
	}
	assert.Equal(t, []string{"d1", "d2"}, ids)
	assert.Equal(t, 5, p.Calls())
}

func TestProviderInjectedFailures(t *testing.T) {
	p := mfatest.NewProvider("fake").AddDevices("u1", mfatest.Device{ID: "d1"}).
		FailUser("u2", mfatest.APIError("fake", 403))
	ctx := context.Background()

	_, err := p.UserDevices(ctx, "u2")
	assert.ErrorIs(t, err, mfa.ErrForbidden)
	_, err = p.UserDevices(ctx, "u1")
	assert.NoError(t, err)

	p.Fail(mfatest.APIError("fake", 429))
	_, err = p.UserDevices(ctx, "u1")
	assert.ErrorIs(t, err, mfa.ErrRateLimited)
	for _, err := range p.AllDevices(ctx) {
		assert.ErrorIs(t, err, mfa.ErrRateLimited)
	}

	p.Fail(nil).FailUser("u2", nil)
	_, err = p.UserDevices(ctx, "u2")
	assert.NoError(t, err)
}

func TestProviderLatencyHonoursTheContext(t *testing.T) {
	p := mfatest.NewProvider("slow").SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err := p.UserDevices(ctx, "u1")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestBasicHidesCapabilities(t *testing.T) {
	b := mfatest.NewProvider("fake").Basic()
	_, isGetter := b.(mfa.DeviceGetter)
	_, isLister := b.(mfa.DeviceLister)
	assert.False(t, isGetter)
	assert.False(t, isLister)
	assert.Equal(t, "fake", b.Name())
}

func TestDevicesMarshalAndPrintAsVendorDevices(t *testing.T) {
	created := time.Date(2020, 4, 10, 6, 45, 14, 0, time.UTC)
	p := mfatest.NewProvider("fake").AddDevices("u1", mfatest.Device{ID: "d1", Status: mfa.StatusActive, VendorStatus: "BOUND", CreatedAt: created})
	devs, err := p.UserDevices(context.Background(), "u1")
	require.NoError(t, err)
	require.Len(t, devs, 1)

	b, err := json.Marshal(devs[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"provider":"fake","id":"d1","user_id":"u1","kind":"totp","status":"active","vendor_status":"BOUND","created_at":"2020-04-10T06:45:14Z"}`, string(b))
	assert.Equal(t, `fake device "d1" of user "u1" (active)`, fmt.Sprint(devs[0]))
}
