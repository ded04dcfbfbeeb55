package mfa_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func active(id string) mfatest.Device  { return mfatest.Device{ID: id, Status: mfa.StatusActive} }
func pending(id string) mfatest.Device { return mfatest.Device{ID: id, Status: mfa.StatusPending} }

// ids returns "provider/user/device" for every device, sorted, and the
// errors in the order they came.
func drain(t *testing.T, seq func(func(mfa.Device, error) bool)) (devices []string, errs []error) {
	t.Helper()
	for d, err := range seq {
		if err != nil {
			require.Nil(t, d, "an error comes with no device")
			errs = append(errs, err)
			continue
		}
		devices = append(devices, d.Provider()+"/"+d.UserID()+"/"+d.ID())
	}
	sort.Strings(devices)
	return devices, errs
}

func TestNewDirectoryRefusesBadProviders(t *testing.T) {
	_, err := mfa.NewDirectory(mfatest.NewProvider("a"), mfatest.NewProvider("a"))
	assert.ErrorContains(t, err, `two providers are named "a"`)

	_, err = mfa.NewDirectory(mfatest.NewProvider(""))
	assert.ErrorContains(t, err, "empty name")

	_, err = mfa.NewDirectory(mfatest.NewProvider("a"), nil)
	assert.ErrorContains(t, err, "provider 1 is nil")

	d, err := mfa.NewDirectory()
	require.NoError(t, err, "an empty directory is valid")
	assert.Empty(t, d.Providers())
}

func TestDirectoryUserDevices(t *testing.T) {
	a := mfatest.NewProvider("a").AddDevices("u1", active("d1"), pending("d2"))
	d, err := mfa.NewDirectory(a)
	require.NoError(t, err)

	got, err := d.UserDevices(context.Background(), "a", "u1")
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "d1", got[0].ID(), "the provider's order is kept")
	assert.Equal(t, "a", got[0].Provider())
	assert.Equal(t, "u1", got[0].UserID())

	got, err = d.UserDevices(context.Background(), "a", "nobody")
	require.NoError(t, err, "a user with no device is not an error")
	assert.Empty(t, got)

	_, err = d.UserDevices(context.Background(), "b", "u1")
	assert.ErrorIs(t, err, mfa.ErrUnknownProvider)
	assert.ErrorContains(t, err, `"b"`)
	var le *mfa.LookupError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, mfa.LookupError{Provider: "b", UserID: "u1", Err: le.Err}, *le)

	a.FailUser("u1", mfatest.APIError("a", 503))
	_, err = d.UserDevices(context.Background(), "a", "u1")
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "u1", le.UserID)
}

func TestDirectoryDevice(t *testing.T) {
	getter := mfatest.NewProvider("getter").AddDevices("u1", active("d1"), pending("d2"))
	plain := mfatest.NewProvider("plain").AddDevices("u1", active("d1"), pending("d2"))
	d, err := mfa.NewDirectory(getter, plain.Basic())
	require.NoError(t, err)
	ctx := context.Background()

	for _, name := range []string{"getter", "plain"} {
		dev, err := d.Device(ctx, mfa.DeviceRef{Provider: name, UserID: "u1", DeviceID: "d2"})
		require.NoError(t, err, name)
		assert.Equal(t, "d2", dev.ID())
		assert.Equal(t, mfa.StatusPending, dev.Status())

		_, err = d.Device(ctx, mfa.DeviceRef{Provider: name, UserID: "u1", DeviceID: "nope"})
		assert.ErrorIs(t, err, mfa.ErrNotFound, name)
		var le *mfa.LookupError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "nope", le.DeviceID)
	}
	assert.Equal(t, 2, getter.Calls())
	assert.Equal(t, 2, plain.Calls(), "without DeviceGetter, the user's list is read")

	_, err = d.Device(ctx, mfa.DeviceRef{Provider: "zzz", UserID: "u1", DeviceID: "d1"})
	assert.ErrorIs(t, err, mfa.ErrUnknownProvider)
}

func TestDevicesPartialFailureKeepsTheRest(t *testing.T) {
	a := mfatest.NewProvider("a").
		AddDevices("u1", active("d1"), pending("d2")).
		AddDevices("u2", active("d3"))
	b := mfatest.NewProvider("b").AddDevices("u1", active("d4")).Fail(mfatest.APIError("b", 502))
	c := mfatest.NewProvider("c").AddDevices("u9", active("d5")).FailUser("u8", mfatest.APIError("c", 403))
	d, err := mfa.NewDirectory(a, b, c)
	require.NoError(t, err)

	users := []mfa.UserRef{
		{"a", "u1"}, {"a", "u2"}, {"a", "nobody"},
		{"b", "u1"},
		{"c", "u9"}, {"c", "u8"},
		{"nope", "x"},
	}
	devices, errs := drain(t, d.Devices(context.Background(), users))
	assert.Equal(t, []string{"a/u1/d1", "a/u1/d2", "a/u2/d3", "c/u9/d5"}, devices)
	require.Len(t, errs, 3)

	byUser := map[string]error{}
	for _, err := range errs {
		var le *mfa.LookupError
		require.ErrorAs(t, err, &le)
		byUser[le.Provider+"/"+le.UserID] = err
	}
	assert.ErrorIs(t, byUser["b/u1"], mfa.ErrUnavailable)
	assert.ErrorIs(t, byUser["c/u8"], mfa.ErrForbidden)
	assert.ErrorIs(t, byUser["nope/x"], mfa.ErrUnknownProvider)
	assert.Contains(t, byUser["c/u8"].Error(), `provider "c" user "u8"`)
}

func TestDevicesKeepsEachUsersOrder(t *testing.T) {
	p := mfatest.NewProvider("p")
	var users []mfa.UserRef
	for i := range 40 {
		u := fmt.Sprintf("u%d", i)
		p.AddDevices(u, active(u+"-1"), active(u+"-2"), active(u+"-3"))
		users = append(users, mfa.UserRef{Provider: "p", UserID: u})
	}
	d, err := mfa.NewDirectory(p)
	require.NoError(t, err)

	last := map[string]string{}
	n := 0
	for dev, err := range d.Devices(context.Background(), users, mfa.WithConcurrency(8)) {
		require.NoError(t, err)
		assert.Less(t, last[dev.UserID()], dev.ID(), "devices of one user arrive in the provider's order")
		last[dev.UserID()] = dev.ID()
		n++
	}
	assert.Equal(t, 120, n)
}

func TestDevicesBoundsConcurrency(t *testing.T) {
	for _, tc := range []struct {
		opts []mfa.Option
		want int
	}{
		{nil, mfa.DefaultConcurrency},
		{[]mfa.Option{mfa.WithConcurrency(3)}, 3},
		{[]mfa.Option{mfa.WithConcurrency(0)}, mfa.DefaultConcurrency},
		// No more goroutines than there is work for, and no allocation
		// sized by the option: math.MaxInt once made a channel that size.
		{[]mfa.Option{mfa.WithConcurrency(math.MaxInt)}, 64},
		{[]mfa.Option{mfa.WithConcurrency(1_000_000_000)}, 64},
	} {
		p := mfatest.NewProvider("p").SetLatency(5 * time.Millisecond)
		users := make([]mfa.UserRef, 64)
		for i := range users {
			users[i] = mfa.UserRef{Provider: "p", UserID: fmt.Sprint(i)}
		}
		d, err := mfa.NewDirectory(p)
		require.NoError(t, err)
		_, errs := drain(t, d.Devices(context.Background(), users, tc.opts...))
		assert.Empty(t, errs)
		assert.Equal(t, 64, p.Calls())
		assert.LessOrEqual(t, p.MaxConcurrent(), tc.want)
		assert.Greater(t, p.MaxConcurrent(), 1, "calls do overlap")
	}
}

func TestDevicesStopsWhenTheRangeStops(t *testing.T) {
	p := mfatest.NewProvider("p").SetLatency(time.Millisecond)
	users := make([]mfa.UserRef, 1000)
	for i := range users {
		u := fmt.Sprint(i)
		p.AddDevices(u, active("d"+u))
		users[i] = mfa.UserRef{Provider: "p", UserID: u}
	}
	d, err := mfa.NewDirectory(p)
	require.NoError(t, err)

	seen := 0
	for _, err := range d.Devices(context.Background(), users, mfa.WithConcurrency(4)) {
		require.NoError(t, err)
		if seen++; seen == 5 {
			break
		}
	}
	calls := p.Calls()
	assert.Less(t, calls, 20, "no new call starts once the consumer stopped")
	time.Sleep(10 * time.Millisecond)
	assert.Equal(t, calls, p.Calls(), "nothing runs after the range returned")
	// goleak (TestMain) checks that no goroutine outlives the test.
}

func TestDevicesStopsWhenTheContextEnds(t *testing.T) {
	p := mfatest.NewProvider("p").SetLatency(time.Hour)
	users := make([]mfa.UserRef, 100)
	for i := range users {
		users[i] = mfa.UserRef{Provider: "p", UserID: fmt.Sprint(i)}
	}
	d, err := mfa.NewDirectory(p)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	devices, errs := drain(t, d.Devices(ctx, users, mfa.WithConcurrency(4)))

	assert.Empty(t, devices)
	require.NotEmpty(t, errs)
	last := errs[len(errs)-1]
	assert.ErrorIs(t, last, context.Canceled)
	assert.Contains(t, last.Error(), "of 100 lookups cut short")
	for _, err := range errs[:len(errs)-1] {
		assert.ErrorIs(t, err, context.Canceled, "a call in flight reports the cancellation")
	}
	assert.LessOrEqual(t, p.Calls(), 4+4, "no call starts after the cancellation")
}

func TestAllDevicesListsEveryLister(t *testing.T) {
	a := mfatest.NewProvider("a").AddDevices("u1", active("d1"), pending("d2")).AddDevices("u2", active("d3"))
	b := mfatest.NewProvider("b").Fail(mfatest.APIError("b", 401))
	c := mfatest.NewProvider("c").AddDevices("u1", active("d4"))
	notLister := mfatest.NewProvider("n").AddDevices("u1", active("d5"))
	d, err := mfa.NewDirectory(a, b, c, notLister.Basic())
	require.NoError(t, err)

	devices, errs := drain(t, d.AllDevices(context.Background()))
	assert.Equal(t, []string{"a/u1/d1", "a/u1/d2", "a/u2/d3", "c/u1/d4"}, devices)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], mfa.ErrUnauthorized)
	var le *mfa.LookupError
	require.ErrorAs(t, errs[0], &le)
	assert.Equal(t, "b", le.Provider)
	assert.Empty(t, le.UserID)
	assert.Zero(t, notLister.Calls(), "a provider that cannot list is skipped")
}

func TestUsersListsEveryLister(t *testing.T) {
	a := mfatest.NewProvider("a").
		AddUser(mfa.User{ID: "u1", Name: "alice", Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "vmfa"}).
		AddDevices("u2", active("d1"))
	b := mfatest.NewProvider("b").Fail(mfatest.APIError("b", 403))
	notLister := mfatest.NewProvider("n").AddDevices("u9")
	d, err := mfa.NewDirectory(a, b, notLister.Basic())
	require.NoError(t, err)

	var users []mfa.User
	var errs []error
	for u, err := range d.Users(context.Background(), mfa.WithConcurrency(1)) {
		if err != nil {
			assert.Zero(t, u, "an error comes with no user")
			errs = append(errs, err)
			continue
		}
		users = append(users, u)
	}
	assert.Equal(t, []mfa.User{
		{Provider: "a", ID: "u1", Name: "alice", Enabled: true, LoginMFA: mfa.EnforcementRequired, LoginMFAMethod: "vmfa"},
		{Provider: "a", ID: "u2", Enabled: true, LoginMFA: mfa.EnforcementUnknown},
	}, users, "a listing keeps its order")
	require.Len(t, errs, 1, "one provider's failure does not hide another's users")
	assert.ErrorIs(t, errs[0], mfa.ErrForbidden)
	var le *mfa.LookupError
	require.ErrorAs(t, errs[0], &le)
	assert.Equal(t, "b", le.Provider)
	assert.Zero(t, notLister.Calls(), "a provider that cannot list users is skipped")
}

func TestAllDevicesStopsEarly(t *testing.T) {
	a := mfatest.NewProvider("a")
	for i := range 500 {
		a.AddDevices(fmt.Sprint(i), active("d"))
	}
	b := mfatest.NewProvider("b").SetLatency(time.Hour)
	d, err := mfa.NewDirectory(a, b)
	require.NoError(t, err)

	n := 0
	for _, err := range d.AllDevices(context.Background()) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n, "the slow listing of b is abandoned, not awaited for an hour")
}

func TestAllDevicesContextEnded(t *testing.T) {
	b := mfatest.NewProvider("b").SetLatency(time.Hour)
	d, err := mfa.NewDirectory(b)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, errs := drain(t, d.AllDevices(ctx))
	require.NotEmpty(t, errs)
	for _, err := range errs {
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	}
}

func TestNilContextIsAnErrorNotAPanic(t *testing.T) {
	p := mfatest.NewProvider("p").AddDevices("u1", active("d1"))
	d, err := mfa.NewDirectory(p)
	require.NoError(t, err)
	var nilCtx context.Context

	_, err = d.UserDevices(nilCtx, "p", "u1")
	assert.ErrorIs(t, err, mfa.ErrBadRequest)
	assert.ErrorContains(t, err, "nil context")
	_, err = d.Device(nilCtx, mfa.DeviceRef{Provider: "p", UserID: "u1", DeviceID: "d1"})
	assert.ErrorIs(t, err, mfa.ErrBadRequest)
	for _, seq := range []func(func(mfa.Device, error) bool){
		d.Devices(nilCtx, []mfa.UserRef{{Provider: "p", UserID: "u1"}}),
		d.AllDevices(nilCtx),
	} {
		_, errs := drain(t, seq)
		require.Len(t, errs, 1)
		assert.ErrorContains(t, errs[0], "nil context")
	}
	for _, err := range d.Users(nilCtx) {
		assert.ErrorContains(t, err, "nil context")
	}
	assert.Zero(t, p.Calls())
	_, err = p.UserDevices(nilCtx, "u1")
	assert.ErrorContains(t, err, "nil context")
}
