package pause

import "context"

// Holder is what a caller holds for a call, as the context of the call
// carries it.
type Holder interface {
	// Pause gives back what the call holds: it is about to wait.
	Pause()
	// Resume takes it again before the call goes on, or fails when ctx
	// ends.
	Resume(ctx context.Context) error
}

type key struct{}

// With returns a context that carries h to the calls made under it.
func With(ctx context.Context, h Holder) context.Context { return context.WithValue(ctx, key{}, h) }

// Without returns a context under which calls give nothing back while
// they wait. A call that others wait on (a login they need, under a lock)
// must keep its slot: they hold theirs while they wait for it, and it
// could not take one again.
func Without(ctx context.Context) context.Context { return context.WithValue(ctx, key{}, nil) }

// During runs wait, a wait of a call made under ctx, with what ctx's
// Holder holds given back; with no Holder, it just runs wait. Its error is
// wait's, or else Resume's.
func During(ctx context.Context, wait func() error) error {
	h, ok := ctx.Value(key{}).(Holder)
	if !ok {
		return wait()
	}
	h.Pause()
	err := wait()
	if resumeErr := h.Resume(ctx); err == nil {
		err = resumeErr
	}
	return err
}
