package audit

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Requests of one call that wait at once take one slot again, not one
// each; a Resume after the call is over takes none.
func TestRequestsOfOneCallTakeOneSlot(t *testing.T) {
	r := &runner{ctx: context.Background(), slots: make(chan struct{}, 1)}
	s, ok := r.take()
	require.True(t, ok)
	s.Pause()
	r.slots <- struct{}{} // another call takes the slot given back

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	resumed := make(chan error, 2)
	go func() { resumed <- s.Resume(ctx) }() // waits for a slot
	for taking := false; !taking; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		taking = s.taking
		s.mu.Unlock()
	}
	s.Pause() // a second request of the call waits and is done waiting meanwhile
	go func() { resumed <- s.Resume(ctx) }()
	<-r.slots // the other call is over
	require.NoError(t, <-resumed)
	require.NoError(t, <-resumed)
	assert.Len(t, r.slots, 1, "the call holds one slot")

	s.done()
	assert.Empty(t, r.slots)
	s.Pause()
	require.NoError(t, s.Resume(ctx))
	assert.Empty(t, r.slots, "a call over takes no slot")
}
