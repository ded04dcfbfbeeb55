package audit_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/internal/pause"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
)

// pacedProvider's calls wait for their vendor's pace as the module's
// clients do (pause.During), until turn lets them go. Its calls, and
// those of every provider sharing wire, count the requests on the wire.
type pacedProvider struct {
	name    string
	rate    float64 // what Rate reports, as the module's clients do
	turn    func(ctx context.Context) error
	wire    *wire
	started atomic.Int32
	most    atomic.Int32 // the most calls started at once
}

func (p *pacedProvider) Name() string { return p.name }

func (p *pacedProvider) Rate() float64 { return p.rate }

func (p *pacedProvider) UserDevices(ctx context.Context, _ string) ([]mfa.Device, error) {
	raise(&p.most, p.started.Add(1))
	defer p.started.Add(-1)
	if err := pause.During(ctx, func() error { return p.turn(ctx) }); err != nil {
		return nil, err
	}
	p.wire.send()
	return nil, nil
}

// wire counts the requests sent at once.
type wire struct{ now, most atomic.Int32 }

func (w *wire) send() {
	raise(&w.most, w.now.Add(1))
	time.Sleep(time.Millisecond)
	w.now.Add(-1)
}

func users(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint("u", i)
	}
	return ids
}

// A call waiting for its vendor's pace sends nothing: the slot it held
// serves another provider, whose calls would otherwise wait behind it.
func TestACallWaitingForItsPaceHoldsNoSlot(t *testing.T) {
	var w wire
	others := make(chan struct{})
	paced := &pacedProvider{name: "paced", wire: &w, turn: func(ctx context.Context) error {
		select { // its turn comes once the other provider is done
		case <-others:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	var done atomic.Int32
	fast := &pacedProvider{name: "fast", wire: &w, turn: func(context.Context) error {
		if done.Add(1) == 3 {
			close(others)
		}
		return nil
	}}
	dir, err := mfa.NewDirectory(paced, fast)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := audit.Run(ctx, dir, []audit.Scope{{Provider: "paced", Users: users(1)}, {Provider: "fast", Users: users(3)}},
		audit.Options{Concurrency: 1})
	require.NoError(t, err)
	assert.True(t, r.Complete(), "not audited: %v", r.NotAudited)
	assert.Equal(t, int32(1), w.most.Load(), "one request on the wire at a time")
}

// Calls waiting for their pace hold no slot, but they are still bounded:
// a provider starts no more calls than there are slots.
func TestCallsWaitingForTheirPaceAreBounded(t *testing.T) {
	var w wire
	paced := &pacedProvider{name: "paced", wire: &w, turn: func(context.Context) error {
		time.Sleep(2 * time.Millisecond)
		return nil
	}}
	dir, err := mfa.NewDirectory(paced)
	require.NoError(t, err)
	r, err := audit.Run(context.Background(), dir, []audit.Scope{{Provider: "paced", Users: users(40)}}, audit.Options{Concurrency: 4})
	require.NoError(t, err)
	assert.True(t, r.Complete())
	assert.Equal(t, 40, r.Summary.UsersAudited)
	assert.LessOrEqual(t, paced.most.Load(), int32(4), "calls started at once")
	assert.Greater(t, paced.most.Load(), int32(1), "calls waiting at once")
	assert.LessOrEqual(t, w.most.Load(), int32(4))
}

// While a provider paces its calls, it starts no more of them than its
// share of the slots among the providers at work: more waiting would not
// go faster. A provider that does not pace them may use every slot, and
// so may a paced one left alone at work.
func TestAPacedProviderStartsItsShareOfCalls(t *testing.T) {
	var w wire
	wait := func(context.Context) error {
		time.Sleep(2 * time.Millisecond)
		return nil
	}
	paced := &pacedProvider{name: "paced", rate: 10, wire: &w, turn: wait}
	unpaced := &pacedProvider{name: "unpaced", wire: &w, turn: func(ctx context.Context) error { return wait(ctx) }}
	dir, err := mfa.NewDirectory(paced, unpaced)
	require.NoError(t, err)
	// The unpaced provider has more work: it is at work as long as the
	// paced one.
	r, err := audit.Run(context.Background(), dir, []audit.Scope{{Provider: "paced", Users: users(40)}, {Provider: "unpaced", Users: users(400)}},
		audit.Options{Concurrency: 8})
	require.NoError(t, err)
	assert.True(t, r.Complete())
	assert.LessOrEqual(t, paced.most.Load(), int32(4), "half the slots for each of two providers")
	assert.Greater(t, unpaced.most.Load(), int32(4), "calls that do not wait for a pace: every slot")
	assert.LessOrEqual(t, unpaced.most.Load(), int32(8))

	// Now the paced provider has more work: once the other is done, it
	// has every slot.
	paced.most.Store(0)
	r, err = audit.Run(context.Background(), dir, []audit.Scope{{Provider: "paced", Users: users(400)}, {Provider: "unpaced", Users: users(1)}},
		audit.Options{Concurrency: 8})
	require.NoError(t, err)
	assert.True(t, r.Complete())
	assert.Greater(t, paced.most.Load(), int32(4), "the share of the one provider at work")
	assert.LessOrEqual(t, paced.most.Load(), int32(8))
}

// A login the other calls wait for keeps its slot while it waits for its
// turn: they hold every other one. A real client, whose tokens expire in
// the middle of the audit.
func TestATokenRenewedMidAuditKeepsItsSlot(t *testing.T) {
	s, err := huaweiiamtest.NewServer(huaweiiamtest.Options{UserCount: 60, MaxPageSize: 5, Latency: 2 * time.Millisecond})
	require.NoError(t, err)
	defer s.Close()
	c, err := huaweiiam.NewClient(huaweiiam.Config{IAMEndpoint: s.IAMURL, DomainName: s.DomainName, Username: s.Username,
		Password: s.Password, Pacing: mfa.Pacing{Rate: 50, Fixed: true}})
	require.NoError(t, err)
	defer c.Close()
	var ids []string
	for _, u := range s.IAMUsers() {
		ids = append(ids, u.ID)
	}
	dir, err := mfa.NewDirectory(c.VirtualMFA())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	expired := time.AfterFunc(100*time.Millisecond, s.ExpireTokens)
	defer expired.Stop()
	r, err := audit.Run(ctx, dir, []audit.Scope{{Provider: c.VirtualMFA().Name(), Users: ids}}, audit.Options{})
	require.NoError(t, err)
	assert.True(t, r.Complete(), "not audited: %d", len(r.NotAudited))
	assert.Len(t, s.IssuedTokens(), 2, "one login, and one when the token expired")
}
