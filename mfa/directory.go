package mfa

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
)

// DefaultConcurrency is how many calls a Directory keeps in flight when no
// WithConcurrency option is given.
const DefaultConcurrency = 16

// MaxConcurrency bounds WithConcurrency: more calls in flight than this
// gain nothing against an HTTP API, and each costs a goroutine.
const MaxConcurrency = 1024

// errNilContext is the error of a call given a nil context, a programmer
// error that is reported rather than left to panic.
var errNilContext = fmt.Errorf("mfa: %w: nil context", ErrBadRequest)

// UserRef names one user of one provider.
type UserRef struct {
	Provider string // a provider's Name
	UserID   string
}

// DeviceRef names one device of one user of one provider.
type DeviceRef struct {
	Provider string // a provider's Name
	UserID   string
	DeviceID string
}

// Option tunes one Directory call.
type Option func(*options)

type options struct {
	concurrency int
}

// WithConcurrency sets how many calls are in flight at once, across all
// providers. Values below 1 mean DefaultConcurrency, values above
// MaxConcurrency mean MaxConcurrency, and no call starts more goroutines
// than it has work for.
func WithConcurrency(n int) Option {
	return func(o *options) { o.concurrency = n }
}

func collect(opts []Option) options {
	o := options{concurrency: DefaultConcurrency}
	for _, opt := range opts {
		opt(&o)
	}
	if o.concurrency < 1 {
		o.concurrency = DefaultConcurrency
	}
	o.concurrency = min(o.concurrency, MaxConcurrency)
	return o
}

// Directory looks devices up across providers by their names. It is safe
// for concurrent use.
type Directory struct {
	providers []Provider
	byName    map[string]Provider
}

// NewDirectory returns a Directory over providers. A nil provider, an empty
// name or two providers with the same name is an error.
func NewDirectory(providers ...Provider) (*Directory, error) {
	d := &Directory{
		providers: slices.Clone(providers),
		byName:    make(map[string]Provider, len(providers)),
	}
	for i, p := range providers {
		if p == nil {
			return nil, fmt.Errorf("mfa: provider %d is nil", i)
		}
		name := p.Name()
		if name == "" {
			return nil, fmt.Errorf("mfa: provider %d (%T) has an empty name", i, p)
		}
		if _, dup := d.byName[name]; dup {
			return nil, fmt.Errorf("mfa: two providers are named %q; give each a distinct name", name)
		}
		d.byName[name] = p
	}
	return d, nil
}

// Providers returns the providers in the order NewDirectory got them.
func (d *Directory) Providers() []Provider { return slices.Clone(d.providers) }

// Provider returns the provider with the given name.
func (d *Directory) Provider(name string) (Provider, bool) {
	p, ok := d.byName[name]
	return p, ok
}

func (d *Directory) lookup(name string) (Provider, error) {
	if p, ok := d.byName[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("%w %q (have %v)", ErrUnknownProvider, name, d.names())
}

func (d *Directory) names() []string {
	names := make([]string, len(d.providers))
	for i, p := range d.providers {
		names[i] = p.Name()
	}
	return names
}

// UserDevices returns the devices of one user of the named provider. An
// error is a *LookupError wrapping the provider's error.
func (d *Directory) UserDevices(ctx context.Context, provider, userID string) ([]Device, error) {
	if ctx == nil {
		return nil, &LookupError{Provider: provider, UserID: userID, Err: errNilContext}
	}
	p, err := d.lookup(provider)
	if err == nil {
		var devices []Device
		if devices, err = p.UserDevices(ctx, userID); err == nil {
			return devices, nil
		}
	}
	return nil, &LookupError{Provider: provider, UserID: userID, Err: err}
}

// Device returns one device. It asks the provider directly where it is a
// DeviceGetter, and otherwise looks through the user's devices; a device
// that is not there is an error matching ErrNotFound. An error is a
// *LookupError wrapping the provider's error.
func (d *Directory) Device(ctx context.Context, ref DeviceRef) (Device, error) {
	dev, err := d.device(ctx, ref)
	if err != nil {
		return nil, &LookupError{Provider: ref.Provider, UserID: ref.UserID, DeviceID: ref.DeviceID, Err: err}
	}
	return dev, nil
}

func (d *Directory) device(ctx context.Context, ref DeviceRef) (Device, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	p, err := d.lookup(ref.Provider)
	if err != nil {
		return nil, err
	}
	if g, ok := p.(DeviceGetter); ok {
		return g.Device(ctx, ref.UserID, ref.DeviceID)
	}
	devices, err := p.UserDevices(ctx, ref.UserID)
	if err != nil {
		return nil, err
	}
	for _, dev := range devices {
		if dev.ID() == ref.DeviceID {
			return dev, nil
		}
	}
	return nil, fmt.Errorf("the user has no such device: %w", ErrNotFound)
}

// Devices looks up the devices of every user in users, with at most
// WithConcurrency calls in flight (DefaultConcurrency by default).
//
// Devices arrive as calls complete, so their order across users is not
// fixed; the devices of one user keep the provider's order. A failed call
// yields one *LookupError naming the provider and user, and the other
// users' devices still arrive. Stopping the range early, or cancelling ctx,
// stops the calls in flight and starts no more; the sequence returns only
// after every call it started has returned. When ctx ends before every user
// was looked up, the last pair is an error matching ctx.Err() that counts
// the users not looked up.
func (d *Directory) Devices(ctx context.Context, users []UserRef, opts ...Option) iter.Seq2[Device, error] {
	o := collect(opts)
	users = slices.Clone(users)
	return func(yield func(Device, error) bool) {
		if ctx == nil {
			yield(nil, errNilContext)
			return
		}
		workers := make([]worker[Device], len(users))
		for i, u := range users {
			workers[i] = func(ctx context.Context, emit func(batch[Device]) bool) bool {
				devices, err := d.UserDevices(ctx, u.Provider, u.UserID)
				return emit(batch[Device]{items: devices, err: err})
			}
		}
		stream(ctx, o.concurrency, workers, yield)
	}
}

// AllDevices lists every device of every provider that is a DeviceLister,
// the providers concurrently (at most WithConcurrency at once). Devices
// arrive as the listings produce them: the order within one provider is
// the provider's, the interleaving across providers is not fixed. A
// provider's error is yielded as a *LookupError with no user, and the other
// providers' devices still arrive. Stopping early or cancelling ctx stops
// every listing before the sequence returns.
func (d *Directory) AllDevices(ctx context.Context, opts ...Option) iter.Seq2[Device, error] {
	return listEvery(d, ctx, opts, func(p Provider) func(context.Context) iter.Seq2[Device, error] {
		if l, ok := p.(DeviceLister); ok {
			return l.AllDevices
		}
		return nil
	})
}

// Users lists every user of every provider that is a UserLister, the
// providers concurrently (at most WithConcurrency at once), with the same
// order, failure and stopping rules as AllDevices.
func (d *Directory) Users(ctx context.Context, opts ...Option) iter.Seq2[User, error] {
	return listEvery(d, ctx, opts, func(p Provider) func(context.Context) iter.Seq2[User, error] {
		if l, ok := p.(UserLister); ok {
			return l.Users
		}
		return nil
	})
}

// listEvery runs the listing of each provider that has the one listingOf
// gives (nil: it has none), and yields what the listings yield.
func listEvery[T any](d *Directory, ctx context.Context, opts []Option, listingOf func(Provider) func(context.Context) iter.Seq2[T, error]) iter.Seq2[T, error] {
	o := collect(opts)
	return func(yield func(T, error) bool) {
		if ctx == nil {
			var zero T
			yield(zero, errNilContext)
			return
		}
		var workers []worker[T]
		for _, p := range d.providers {
			listing := listingOf(p)
			if listing == nil {
				continue
			}
			name := p.Name()
			workers = append(workers, func(ctx context.Context, emit func(batch[T]) bool) bool {
				for v, err := range listing(ctx) {
					if err != nil {
						return emit(batch[T]{err: &LookupError{Provider: name, Err: err}})
					}
					if !emit(batch[T]{item: v, single: true}) {
						return false
					}
				}
				return true
			})
		}
		stream(ctx, o.concurrency, workers, yield)
	}
}

// batch is what a worker hands to the consumer: one item (a listing's,
// which need not allocate a slice for each) or items, then an error.
type batch[T any] struct {
	item   T
	single bool
	items  []T
	err    error
}

// worker hands batches to emit, which returns false once the consumer has
// stopped, and returns whether it delivered all it had.
type worker[T any] func(ctx context.Context, emit func(batch[T]) bool) bool

// stream runs workers with at most limit in flight, and yields every item
// and error of each batch in order as the batches arrive.
func stream[T any](parent context.Context, limit int, workers []worker[T], yield func(T, error) bool) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()

	limit = max(1, min(limit, len(workers)))
	results := make(chan batch[T], limit)
	emit := func(b batch[T]) bool {
		select {
		case results <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}

	var completed atomic.Int64
	go func() {
		var wg sync.WaitGroup
		defer close(results)
		defer wg.Wait()
		sem := make(chan struct{}, limit)
		for _, w := range workers {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			if ctx.Err() != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				if w(ctx, emit) {
					completed.Add(1)
				}
			}()
		}
	}()

	stopped := false
	for b := range results {
		if stopped {
			continue // drain, so that every worker can return
		}
		stopped = !yieldBatch(b, yield)
		if stopped {
			cancel()
		}
	}
	// results is closed, so every worker has returned.
	if missed := len(workers) - int(completed.Load()); !stopped && missed > 0 && parent.Err() != nil {
		var zero T
		yield(zero, fmt.Errorf("mfa: %d of %d lookups cut short: %w", missed, len(workers), context.Cause(parent)))
	}
}

// yieldBatch yields the items of b and then its error, and reports whether
// the consumer wants more.
func yieldBatch[T any](b batch[T], yield func(T, error) bool) bool {
	if b.single && !yield(b.item, nil) {
		return false
	}
	for _, v := range b.items {
		if !yield(v, nil) {
			return false
		}
	}
	var zero T
	return b.err == nil || yield(zero, b.err)
}
