package mfatest

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"sync"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// Device describes one fake device. Its zero fields read as the zero value,
// but for Provider, which defaults to the name of the Provider holding it,
// and UserID, which defaults to the user it was added under.
type Device struct {
	Provider     string
	ID           string
	UserID       string
	UserName     string
	Name         string
	Kind         mfa.Kind // "" reads as mfa.KindTOTP
	Status       mfa.Status
	VendorStatus string
	CreatedAt    time.Time
}

// device is the mfa.Device view of a Device. It marshals to JSON and
// prints as the vendors' devices do.
type device struct{ d Device }

func (v device) Provider() string   { return v.d.Provider }
func (v device) ID() string         { return v.d.ID }
func (v device) UserID() string     { return v.d.UserID }
func (v device) UserName() string   { return v.d.UserName }
func (v device) Name() string       { return v.d.Name }
func (v device) Status() mfa.Status { return v.d.Status }

// Kind returns the Device's Kind, mfa.KindTOTP when it has none.
func (v device) Kind() mfa.Kind {
	if v.d.Kind == "" {
		return mfa.KindTOTP
	}
	return v.d.Kind
}
func (v device) VendorStatus() string { return v.d.VendorStatus }
func (v device) CreatedAt() time.Time { return v.d.CreatedAt }

// MarshalJSON returns the device in the JSON form of mfa.DeviceJSON.
func (v device) MarshalJSON() ([]byte, error) { return json.Marshal(mfa.NewDeviceJSON(v)) }

// String returns a short description of the device.
func (v device) String() string {
	return fmt.Sprintf("%s device %q of user %q (%s)", v.d.Provider, v.d.ID, v.d.UserID, v.d.Status)
}

// APIError returns the *mfa.APIError a real client returns for an HTTP
// status: for example APIError("fake", 503) matches mfa.ErrUnavailable.
func APIError(provider string, status int) *mfa.APIError {
	return &mfa.APIError{Provider: provider, StatusCode: status, Message: http.StatusText(status)}
}

// Provider is a fake mfa.Provider, mfa.DeviceGetter, mfa.DeviceLister and
// mfa.UserLister.
// Its methods are safe for concurrent use; configure it before handing it
// out, or at any time.
type Provider struct {
	name string

	mu      sync.Mutex
	users   []string            // in the order first added, for AllDevices and Users
	devices map[string][]Device // by user id
	about   map[string]mfa.User // what AddUser said, by user id
	userErr map[string]error
	err     error
	latency time.Duration
	calls   int
	active  int // calls in progress
	peak    int // most calls ever in progress at once
}

// NewProvider returns an empty fake provider called name.
func NewProvider(name string) *Provider {
	return &Provider{name: name, devices: map[string][]Device{}, about: map[string]mfa.User{}, userErr: map[string]error{}}
}

// AddUser records what Users says of a user, filling in Provider, and
// returns p. A user known only from AddDevices is listed as enabled, with
// mfa.EnforcementUnknown.
func (p *Provider) AddUser(u mfa.User) *Provider {
	p.mu.Lock()
	defer p.mu.Unlock()
	u.Provider = p.name
	p.addUser(u.ID)
	p.about[u.ID] = u
	return p
}

// addUser records a user's first appearance; p.mu is held.
func (p *Provider) addUser(userID string) {
	if _, ok := p.devices[userID]; !ok {
		p.users = append(p.users, userID)
		p.devices[userID] = []Device{}
	}
}

// AddDevices adds devices to a user, filling in Provider and UserID where
// they are empty, and returns p. Adding no device records a user who has
// none.
func (p *Provider) AddDevices(userID string, devices ...Device) *Provider {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addUser(userID)
	for _, d := range devices {
		if d.Provider == "" {
			d.Provider = p.name
		}
		if d.UserID == "" {
			d.UserID = userID
		}
		p.devices[userID] = append(p.devices[userID], d)
	}
	return p
}

// FailUser makes every call about userID fail with err (nil clears it).
func (p *Provider) FailUser(userID string, err error) *Provider {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		delete(p.userErr, userID)
	} else {
		p.userErr[userID] = err
	}
	return p
}

// Fail makes every call fail with err (nil clears it).
func (p *Provider) Fail(err error) *Provider {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
	return p
}

// SetLatency makes every call wait d first, or until its context ends.
func (p *Provider) SetLatency(d time.Duration) *Provider {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
	return p
}

// Calls returns how many calls p has served (a listing counts once).
func (p *Provider) Calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

// MaxConcurrent returns the most calls p has had in progress at once.
func (p *Provider) MaxConcurrent() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}

// Name returns the name p was made with.
func (p *Provider) Name() string { return p.name }

// UserDevices returns the user's devices; a user never added has none.
func (p *Provider) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	defer p.end()
	if err := p.begin(ctx, userID); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]mfa.Device, 0, len(p.devices[userID]))
	for _, d := range p.devices[userID] {
		out = append(out, device{d})
	}
	return out, nil
}

// Device returns one device of a user, or an *mfa.APIError with status 404.
func (p *Provider) Device(ctx context.Context, userID, deviceID string) (mfa.Device, error) {
	defer p.end()
	if err := p.begin(ctx, userID); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range p.devices[userID] {
		if d.ID == deviceID {
			return device{d}, nil
		}
	}
	return nil, APIError(p.name, http.StatusNotFound)
}

// AllDevices yields every device of every user, users in the order they
// were first added. A Fail error is yielded once; FailUser errors are not
// (a real listing has no per-user calls).
func (p *Provider) AllDevices(ctx context.Context) iter.Seq2[mfa.Device, error] {
	return func(yield func(mfa.Device, error) bool) {
		defer p.end()
		if err := p.begin(ctx, ""); err != nil {
			yield(nil, err)
			return
		}
		p.mu.Lock()
		var all []Device
		for _, u := range p.users {
			all = append(all, p.devices[u]...)
		}
		p.mu.Unlock()
		for _, d := range all {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(device{d}, nil) {
				return
			}
		}
	}
}

// Users yields every user added with AddUser or AddDevices, in the order
// first added. A Fail error is yielded once; FailUser errors are not.
func (p *Provider) Users(ctx context.Context) iter.Seq2[mfa.User, error] {
	return func(yield func(mfa.User, error) bool) {
		defer p.end()
		if err := p.begin(ctx, ""); err != nil {
			yield(mfa.User{}, err)
			return
		}
		p.mu.Lock()
		users := make([]mfa.User, len(p.users))
		for i, id := range p.users {
			u, ok := p.about[id]
			if !ok {
				u = mfa.User{Provider: p.name, ID: id, Enabled: true, LoginMFA: mfa.EnforcementUnknown}
			}
			users[i] = u
		}
		p.mu.Unlock()
		for _, u := range users {
			if err := ctx.Err(); err != nil {
				yield(mfa.User{}, err)
				return
			}
			if !yield(u, nil) {
				return
			}
		}
	}
}

// Basic returns p seen as a plain mfa.Provider, without the DeviceGetter,
// DeviceLister and UserLister capabilities, to test code paths for providers that lack
// them.
func (p *Provider) Basic() mfa.Provider { return basic{p} }

type basic struct{ p *Provider }

func (b basic) Name() string { return b.p.Name() }
func (b basic) UserDevices(ctx context.Context, userID string) ([]mfa.Device, error) {
	return b.p.UserDevices(ctx, userID)
}

// begin counts a call, waits the latency and returns the injected error.
// Every begin is paired with a deferred end.
func (p *Provider) begin(ctx context.Context, userID string) error {
	if ctx == nil {
		return fmt.Errorf("%s: %w: nil context", p.name, mfa.ErrBadRequest)
	}
	p.mu.Lock()
	p.calls++
	p.active++
	p.peak = max(p.peak, p.active)
	latency, err := p.latency, p.err
	if e, ok := p.userErr[userID]; ok && userID != "" {
		err = e
	}
	p.mu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return err
}

func (p *Provider) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active--
}
