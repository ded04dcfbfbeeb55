package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/openmfa/mfa-go/internal/pause"
	"github.com/openmfa/mfa-go/mfa"
)

// Scope says which users of one provider to audit.
type Scope struct {
	// Provider is a provider's Name in the Directory.
	Provider string
	// Users are the ids of the users to audit. nil means every user the
	// provider lists: it must then be an mfa.UserLister.
	Users []string
}

// DisabledUsers says what an audit does with a user its vendor reports as
// disabled, locked or expired.
type DisabledUsers int

// What an audit can do with disabled users.
const (
	// ListDisabled counts and lists disabled users and reads their
	// devices, but flags nothing about them: they cannot log in.
	ListDisabled DisabledUsers = iota
	// AuditDisabled flags disabled users as it does enabled ones (a
	// disabled account may be enabled again as it is).
	AuditDisabled
	// SkipDisabled leaves disabled users out: no call about them, no line
	// in the report.
	SkipDisabled
)

// Options tune Run. The zero value audits with every rule, at
// mfa.DefaultConcurrency.
type Options struct {
	// Concurrency bounds the calls in flight across every provider,
	// listings included; a call of this module's clients that waits for
	// its vendor's pace (mfa.Pacing) is not in flight meanwhile, and each
	// provider starts at most Concurrency lookups, a paced one at most
	// its share among the providers still at work. 0 means
	// mfa.DefaultConcurrency; values above mfa.MaxConcurrency mean
	// mfa.MaxConcurrency.
	Concurrency int
	// Rules are the ids of the rules to apply (see ParseRules); nil means
	// every rule.
	Rules []string
	// Disabled says what to do with disabled users.
	Disabled DisabledUsers
	// Progress, when set, hears how many users of a provider are done out
	// of how many are known so far, as users are done. Calls come one at
	// a time.
	Progress func(Progress)
}

// Progress is how far the audit of one provider has come.
type Progress struct {
	Provider string
	// Done counts the users whose factors are read or whose calls failed.
	Done int
	// Total counts the users known so far; it grows while a listing runs.
	Total int
}

// Run audits the users that scopes name, with the providers of dir, and
// returns the report. Every scope's provider must be in dir, and a scope
// without users must name a provider that can list them; Run checks this,
// and the rules, before any call.
//
// Where a provider can list users (mfa.UserLister), Run lists them to know
// who is enabled and what login asks for, even for a scope that names its
// users. Where a scope takes every user and its provider can list every
// device (mfa.DeviceLister), one listing reads them all; otherwise each
// user's devices are asked for, the providers' calls interleaved.
//
// A failed call never stops the audit: it is an error in the report, and
// the users it concerns are reported as not audited. When ctx ends, Run
// returns what was read so far, every user not read reported as not
// audited with the reason; the error is nil unless the arguments are
// wrong.
func Run(ctx context.Context, dir *mfa.Directory, scopes []Scope, opts Options) (*Report, error) {
	if ctx == nil {
		return nil, errors.New("audit: nil context")
	}
	if dir == nil {
		return nil, errors.New("audit: nil Directory")
	}
	rules := map[string]bool{}
	for _, id := range opts.Rules {
		id, err := ruleID(id)
		if err != nil {
			return nil, err
		}
		rules[id] = true
	}
	if len(opts.Rules) == 0 {
		for _, r := range Rules {
			rules[r.ID] = true
		}
	}
	concurrency := opts.Concurrency
	if concurrency < 1 {
		concurrency = mfa.DefaultConcurrency
	}
	r := &runner{ctx: ctx, opts: opts, slots: make(chan struct{}, min(concurrency, mfa.MaxConcurrency))}
	seen := map[string]bool{}
	for _, s := range scopes {
		p, ok := dir.Provider(s.Provider)
		switch {
		case !ok:
			return nil, fmt.Errorf("audit: %w %q", mfa.ErrUnknownProvider, s.Provider)
		case seen[s.Provider]:
			return nil, fmt.Errorf("audit: provider %q is in two scopes", s.Provider)
		}
		if _, lists := p.(mfa.UserLister); s.Users == nil && !lists {
			return nil, fmt.Errorf("audit: provider %q can neither list its users nor was given any", s.Provider)
		}
		seen[s.Provider] = true
		r.providers = append(r.providers, &providerRun{runner: r, scope: s, p: p, index: map[string]int32{}})
	}

	var wg sync.WaitGroup
	r.working.Store(int32(len(r.providers)))
	for _, pr := range r.providers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.working.Add(-1)
			pr.audit()
		}()
	}
	wg.Wait()
	return r.report(rules), nil
}

// runner is one Run: the calls of every provider share its slots.
type runner struct {
	ctx       context.Context
	opts      Options
	slots     chan struct{}
	providers []*providerRun
	working   atomic.Int32 // providers whose audit is not over

	progressMu sync.Mutex

	shapesMu     sync.Mutex // the tables are every provider's
	userShapes   table[userShape]
	deviceShapes table[deviceShape]
}

func (r *runner) userShape(sh userShape) uint32 {
	r.shapesMu.Lock()
	defer r.shapesMu.Unlock()
	return r.userShapes.of(sh)
}

func (r *runner) deviceShape(sh deviceShape) uint32 {
	r.shapesMu.Lock()
	defer r.shapesMu.Unlock()
	return r.deviceShapes.of(sh)
}

// acquire takes a slot for one call, or reports false when ctx has ended.
func (r *runner) acquire(ctx context.Context) bool {
	select {
	case r.slots <- struct{}{}:
		if ctx.Err() != nil {
			<-r.slots
			return false
		}
		return true
	case <-ctx.Done():
		return false
	}
}

func (r *runner) release() { <-r.slots }

// take takes a slot for one call, or reports false when ctx has ended.
func (r *runner) take() (*callSlot, bool) {
	if !r.acquire(r.ctx) {
		return nil, false
	}
	s := &callSlot{r: r, held: true}
	s.taken = sync.NewCond(&s.mu)
	return s, true
}

// callSlot is the place of one call among the calls on the wire. The call
// gives it back while it waits for its vendor's pace (see package pause),
// and takes one again before it goes on. Requests of one call that wait
// at once give it back when the first begins to wait, and take it again
// when the last is done waiting, one taking for all.
type callSlot struct {
	r      *runner
	mu     sync.Mutex
	taken  *sync.Cond // a taking is over
	held   bool
	taking bool // a Resume waits for a slot
	paused int  // requests of the call waiting
	over   bool // the call is done: a late Resume takes nothing
}

// Pause implements pause.Holder.
func (s *callSlot) Pause() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paused++
	if s.paused == 1 && s.held {
		s.held = false
		s.r.release()
	}
}

// Resume implements pause.Holder.
func (s *callSlot) Resume(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paused--
	for s.taking {
		s.taken.Wait()
	}
	if s.held || s.paused > 0 || s.over {
		return nil
	}
	s.taking = true
	s.mu.Unlock()
	ok := s.r.acquire(ctx)
	s.mu.Lock()
	s.taking = false
	s.taken.Broadcast()
	switch {
	case !ok:
		return ctx.Err()
	case s.over:
		s.r.release()
	default:
		s.held = true
	}
	return nil
}

// done gives the slot back once the call is over.
func (s *callSlot) done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.over = true
	if s.held {
		s.held = false
		s.r.release()
	}
}

// stopped is why users not read were not: the context's end.
func (r *runner) stopped() string {
	if errors.Is(r.ctx.Err(), context.DeadlineExceeded) {
		return "not read: the time ran out"
	}
	return "not read: the audit was interrupted"
}

// providerRun is the audit of one scope.
type providerRun struct {
	*runner
	scope Scope
	p     mfa.Provider

	mu sync.Mutex
	// users are the users in scope, in the order first seen, as the
	// report keeps them; flags says what the audit knows of each, and
	// index finds them by id (-1 for a disabled user left out).
	users       []user
	flags       []userFlags
	index       map[string]int32
	errs        []ErrorRow
	listFailure string // why not every user could be listed, if not
	done        int
	// devices are the devices read, in the order read, each owned by its
	// index in users.
	devices []device
}

// userFlags is what the audit knows of one user besides its row.
type userFlags struct {
	placeholder bool // a named user, of whom no listing has said anything yet
	read        bool // the devices are all known
	failed      bool // the call for the devices failed
}

func (pr *providerRun) name() string { return pr.scope.Provider }

// audit reads the users in scope and their devices.
func (pr *providerRun) audit() {
	work := &queue{ready: make(chan struct{}, 1)}
	looked := make(chan struct{})
	go func() {
		defer close(looked)
		pr.lookUp(work)
	}()
	defer func() {
		work.close()
		<-looked
	}()
	if l, ok := pr.p.(mfa.DeviceLister); ok && pr.scope.Users == nil {
		// One listing reads every device, once the users are known.
		if !pr.listUsers(nil) || pr.listDevices(l) {
			return
		}
		// The device listing failed: each user is asked instead. Every
		// user in order is in users (a skipped one is not in order), and
		// none is read yet: only a listing that did not fail marks them.
		pr.mu.Lock()
		defer pr.mu.Unlock()
		for i, u := range pr.users {
			work.push(lookup{i, u.id})
		}
		return
	}
	// Each user's devices are asked for as soon as the user is known,
	// while the listing pages on: the first lookups need not wait for the
	// last page.
	pr.listUsers(work)
}

// listUsers fills users: the listing where there is one, and the named
// users. Each user in scope goes to work, when not nil, as soon as it is
// known. It reports false when the users in scope cannot be known.
func (pr *providerRun) listUsers(work *queue) bool {
	named := map[string]bool{}
	for _, id := range pr.scope.Users {
		named[id] = true
	}
	l, lists := pr.p.(mfa.UserLister)
	// A named user can be asked for at once, but for a disabled one left
	// out, which only the listing tells.
	early := pr.scope.Users != nil && (!lists || pr.opts.Disabled != SkipDisabled)
	if early {
		pr.addNamed(work)
	}
	if lists {
		slot, ok := pr.take()
		if !ok {
			// Named users added already are reported one by one; an entry
			// for the listing would count them twice.
			if !early {
				pr.listFailure = pr.stopped()
			}
			return false
		}
		err := func() error {
			defer slot.done()
			for u, err := range l.Users(pause.With(pr.ctx, slot)) {
				if err != nil {
					return err
				}
				if pr.scope.Users == nil || named[u.ID] {
					pr.add(u, work, false)
				}
			}
			return nil
		}()
		if err != nil {
			pr.fail("", "listing users: ", err)
			if pr.scope.Users == nil {
				// The users read are audited; the others are not known.
				pr.mu.Lock()
				defer pr.mu.Unlock()
				pr.listFailure = "not listed: the user listing failed"
				if pr.ctx.Err() != nil {
					pr.listFailure = pr.stopped()
				}
				if n := len(pr.users); n > 0 {
					pr.listFailure += fmt.Sprintf(" after %d users; the rest are not known", n)
				}
				return len(pr.users) > 0
			}
		}
	}
	if !early {
		pr.addNamed(work)
	}
	return true
}

// addNamed adds the named users: what the vendor says of them is unknown
// until a listing says more.
func (pr *providerRun) addNamed(work *queue) {
	for _, id := range pr.scope.Users {
		pr.add(mfa.User{ID: id, Enabled: true}, work, true)
	}
}

// add records what the vendor says of a user (a named user's placeholder
// says nothing) and returns its index in users, or -1 for a disabled user
// left out. A user seen for the first time goes to work, when not nil; a
// placeholder learns what a listing says later.
func (pr *providerRun) add(u mfa.User, work *queue, placeholder bool) int {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if u.LoginMFA == "" {
		u.LoginMFA = mfa.EnforcementUnknown
	}
	row := func() user {
		return user{id: u.ID, name: u.Name, enabled: u.Enabled, shape: pr.userShape(userShape{pr.name(), u.LoginMFA, u.LoginMFAMethod})}
	}
	if i, ok := pr.index[u.ID]; ok {
		if i >= 0 && pr.flags[i].placeholder && !placeholder {
			named := row()
			named.name = cmp.Or(named.name, pr.users[i].name) // a device's, read first
			pr.users[i], pr.flags[i].placeholder = named, false
		}
		return int(i)
	}
	if !u.Enabled && pr.opts.Disabled == SkipDisabled {
		pr.index[u.ID] = -1 // a device listing must not bring it back
		return -1
	}
	i := len(pr.users)
	pr.index[u.ID] = int32(i)
	pr.users = append(pr.users, row())
	pr.flags = append(pr.flags, userFlags{placeholder: placeholder})
	if work != nil {
		work.push(lookup{i, u.ID})
	}
	pr.progressLocked()
	return i
}

// listDevices reads every device with one listing; a device whose owner
// the user listing did not name makes a user of its own, of whom the
// vendor said nothing else. It reports false when the listing failed, so
// that the devices are asked for user by user.
func (pr *providerRun) listDevices(l mfa.DeviceLister) bool {
	slot, ok := pr.take()
	if !ok {
		return false
	}
	defer slot.done()
	// Most users hold a device: room for one each saves the largest
	// copies of a growing list.
	pr.devices = make([]device, 0, len(pr.users))
	for d, err := range l.AllDevices(pause.With(pr.ctx, slot)) {
		if err != nil {
			if pr.ctx.Err() == nil {
				pr.fail("", "listing devices (each user is asked instead): ", err)
			}
			pr.mu.Lock()
			pr.devices = pr.devices[:0]
			pr.mu.Unlock()
			return false
		}
		i := pr.add(mfa.User{ID: d.UserID(), Name: d.UserName(), Enabled: true}, nil, false)
		if i < 0 {
			continue // a disabled user, left out
		}
		pr.mu.Lock()
		pr.keep(i, d)
		pr.mu.Unlock()
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for i := range pr.flags {
		pr.flags[i].read = true
	}
	pr.done = len(pr.users)
	pr.progressLocked()
	return true
}

// lookUp asks for the devices of each user work holds, as slots free up,
// until work is closed and empty. When the run is cut short, the users not
// read keep no reason here: the report gives them the run's.
func (pr *providerRun) lookUp(work *queue) {
	var wg sync.WaitGroup
	defer wg.Wait()
	// A call waiting for its vendor's pace holds no slot, so the calls
	// started are bounded apart: by as many as there are slots, and while
	// the provider paces its calls, by its share of the slots among the
	// providers still at work. More calls waiting would not go faster, and
	// each holds a turn taken at a rate the vendor may yet refuse.
	started := make(chan struct{}, cap(pr.slots))
	var pacedCalls atomic.Int32
	pacedDone := make(chan struct{}, 1)
	for {
		next, ok := work.pop()
		if !ok {
			return
		}
		select {
		case started <- struct{}{}:
		case <-pr.ctx.Done():
			return
		}
		paced := pr.paced()
		if paced {
			// A paced call is in flight while the share is reached: its end
			// wakes this loop, which sees the share then.
			for int(pacedCalls.Load()) >= pr.share() {
				select {
				case <-pacedDone:
				case <-pr.ctx.Done():
					return
				}
			}
			pacedCalls.Add(1)
		}
		slot, ok := pr.take()
		if !ok {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			devices, err := pr.p.UserDevices(pause.With(pr.ctx, slot), next.userID)
			slot.done()
			if paced {
				pacedCalls.Add(-1)
				select {
				case pacedDone <- struct{}{}:
				default:
				}
			}
			<-started
			pr.mu.Lock()
			defer pr.mu.Unlock()
			switch {
			case err == nil:
				for _, d := range devices {
					pr.keep(next.user, d)
				}
				pr.flags[next.user].read = true
			case pr.ctx.Err() != nil:
			default:
				pr.flags[next.user].failed = true
				pr.errs = append(pr.errs, ErrorRow{Provider: pr.name(), UserID: next.userID, Message: err.Error()})
			}
			pr.done++
			pr.progressLocked()
		}()
	}
}

// share is a provider's share of the slots, among the providers still at
// work.
func (r *runner) share() int { return max(1, cap(r.slots)/max(1, int(r.working.Load()))) }

// paced reports whether the provider paces its calls now (this module's
// clients, once a rate is set or learnt).
func (pr *providerRun) paced() bool {
	r, ok := pr.p.(interface{ Rate() float64 })
	return ok && r.Rate() > 0
}

// keep records what the report needs of d, a device of users[user]: a
// user with no name takes its device's. pr.mu is held.
func (pr *providerRun) keep(user int, d mfa.Device) {
	if pr.users[user].name == "" {
		pr.users[user].name = d.UserName()
	}
	pr.devices = append(pr.devices, newDevice(d.ID(), d.Name(), d.CreatedAt(), user, pr.deviceShape(deviceShape{d.Kind(), d.Status(), d.VendorStatus()})))
}

// lookup is a user whose devices are to be asked for: its index in users,
// and its id, which a lookup reads without pr.mu.
type lookup struct {
	user   int
	userID string
}

// queue is the users whose devices are to be asked for, in the order they
// became known: a listing adds to it while lookups take from it. It is
// unbounded, so that a listing never waits on lookups, which may wait on
// the slot it holds.
type queue struct {
	mu     sync.Mutex
	users  []lookup
	closed bool
	ready  chan struct{} // signalled when users or closed change
}

func (q *queue) push(l lookup) {
	q.mu.Lock()
	q.users = append(q.users, l)
	q.mu.Unlock()
	q.signal()
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop returns the next user, waiting for one; false once the queue is
// closed and empty.
func (q *queue) pop() (lookup, bool) {
	for {
		q.mu.Lock()
		if len(q.users) > 0 {
			l := q.users[0]
			q.users[0] = lookup{}
			q.users = q.users[1:]
			q.mu.Unlock()
			return l, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return lookup{}, false
		}
		<-q.ready
	}
}

// fail records a failed call about the provider as a whole.
func (pr *providerRun) fail(userID, what string, err error) {
	if pr.ctx.Err() != nil {
		return // the run was cut short: not a failure of the vendor's
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	pr.errs = append(pr.errs, ErrorRow{Provider: pr.name(), UserID: userID, Message: what + err.Error()})
}

// progressLocked tells Options.Progress; pr.mu is held.
func (pr *providerRun) progressLocked() {
	if pr.opts.Progress == nil {
		return
	}
	pr.progressMu.Lock()
	defer pr.progressMu.Unlock()
	pr.opts.Progress(Progress{Provider: pr.name(), Done: pr.done, Total: len(pr.users)})
}

// sortByUser puts users in the order of their ids, their flags along and
// their devices' owners renumbered, and each user's devices together in
// the order of their ids.
func (pr *providerRun) sortByUser() {
	users := pr.users
	order := make([]int32, len(users)) // order[new] = old
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(users[a].id, users[b].id) })
	renumber := make([]int32, len(users)) // renumber[old] = new
	flags := make([]userFlags, len(users))
	for i, old := range order {
		renumber[old] = int32(i)
		flags[i] = pr.flags[old]
	}
	pr.flags = flags
	for i := range pr.devices {
		pr.devices[i].owner = renumber[pr.devices[i].owner]
	}
	slices.SortFunc(pr.devices, func(a, b device) int { return cmp.Or(cmp.Compare(a.owner, b.owner), cmp.Compare(a.id, b.id)) })
	// The ids are unique: sorted in place, the users take the order
	// computed above, where a sorted copy would cost as much as the list.
	slices.SortFunc(users, func(a, b user) int { return cmp.Compare(a.id, b.id) })
}

// report applies the rules to what was read.
func (r *runner) report(rules map[string]bool) *Report {
	rep := &Report{
		SchemaVersion: SchemaVersion,
		// Empty lists are [] in JSON, never null.
		Findings: []Finding{}, Errors: []ErrorRow{}, NotAudited: []NotAudited{}, Providers: []ProviderSummary{},
	}
	details := map[string]string{} // the texts of findings, each kept once
	var rows []DeviceRow           // one user's devices, as the rules read them
	for _, pr := range r.providers {
		pr.index = nil // no more users come
		pr.sortByUser()
		sum := ProviderSummary{Provider: pr.name()}
		if pr.listFailure != "" {
			rep.NotAudited = append(rep.NotAudited, NotAudited{Provider: pr.name(), Reason: pr.listFailure})
		}
		devices := pr.devices
		for i := range pr.users {
			kept := &pr.users[i]
			shape := &r.userShapes.list[kept.shape]
			rows = rows[:0]
			for len(devices) > 0 && int(devices[0].owner) == i {
				rows = append(rows, devices[0].row(kept, shape, &r.deviceShapes.list[devices[0].shape]))
				devices = devices[1:]
			}
			u := kept.row(shape)
			u.Devices = len(rows)
			flag := u.Enabled || r.opts.Disabled == AuditDisabled
			read := pr.flags[i].read
			// Only a user flagged and read has findings; the others' device
			// findings would be thrown away.
			audited := flag && read
			var found []Finding
			for k := range rows {
				d := &rows[k]
				sum.Devices++
				switch d.Status {
				case mfa.StatusActive:
					sum.Active++
				case mfa.StatusPending:
					sum.Pending++
				case mfa.StatusDisabled:
					sum.Disabled++
				default:
					sum.Unknown++
				}
				if audited {
					found = append(found, deviceFindings(&u, d)...)
				}
			}
			// userFindings runs for every user: it counts ActiveFactors.
			userLevel := userFindings(&u, rows)
			switch {
			case !flag:
				sum.UsersDisabled++
			case !read:
				sum.UsersNotAudited++
				reason := r.stopped()
				if pr.flags[i].failed {
					reason = "not read: the call failed"
				}
				// What is not known is no finding: found is empty.
				rep.NotAudited = append(rep.NotAudited, NotAudited{Provider: pr.name(), UserID: u.UserID, Reason: reason})
			default:
				sum.UsersAudited++
				u.Audited = true
				found = append(userLevel, found...)
			}
			kept.devices, kept.activeFactors, kept.audited = int32(u.Devices), int32(u.ActiveFactors), u.Audited
			for _, f := range found {
				if rules[f.Rule] {
					if text, ok := details[f.Detail]; ok {
						f.Detail = text
					} else if len(details) < 10_000 {
						details[f.Detail] = f.Detail
					}
					rep.Findings = append(rep.Findings, f)
					sum.Findings++
				}
			}
		}
		pr.flags = nil
		// Stable: the errors about no user (the listings) keep the order
		// they happened in.
		slices.SortStableFunc(pr.errs, func(a, b ErrorRow) int { return cmp.Compare(a.UserID, b.UserID) })
		rep.Errors = append(rep.Errors, pr.errs...)
		sum.Errors = len(pr.errs)
		sum.UsersListed = len(pr.users)
		sum.Complete = sum.Errors == 0 && sum.UsersNotAudited == 0 && pr.listFailure == ""
		rep.Providers = append(rep.Providers, sum)

		rep.Summary.UsersListed += sum.UsersListed
		rep.Summary.UsersAudited += sum.UsersAudited
		rep.Summary.UsersNotAudited += sum.UsersNotAudited
		rep.Summary.UsersDisabled += sum.UsersDisabled
		rep.Summary.Devices += sum.Devices
		rep.Summary.Findings += sum.Findings
		rep.Summary.Errors += sum.Errors
	}
	rep.Summary.Providers = len(r.providers)
	rep.Users, rep.Devices = r.collect()
	return rep
}

// collect hands every provider's users and devices to one list each, the
// devices' owners renumbered to index the users of every provider. A
// provider's lists are taken as they are when no other provider has any,
// so that a report of millions of devices never holds them twice over.
func (r *runner) collect() (UserList, DeviceList) {
	var users [][]user
	var devices [][]device
	base := int32(0)
	for _, pr := range r.providers {
		for i := range pr.devices {
			pr.devices[i].owner += base
		}
		base += int32(len(pr.users))
		users = append(users, pr.users)
		devices = append(devices, pr.devices)
		pr.users, pr.devices = nil, nil
	}
	// Every list clipped and no index of shapes: appending to a list, or
	// to a copy of the report, copies what it appends to, as appending to
	// a clipped slice does, and the devices' owners stay the users read.
	all := UserList{rows: slices.Clip(concat(users)), shapes: table[userShape]{list: slices.Clip(r.userShapes.list)}}
	return all, DeviceList{rows: slices.Clip(concat(devices)), owners: all, shapes: table[deviceShape]{list: slices.Clip(r.deviceShapes.list)}}
}

// concat returns the lists in one: the only list that is not empty as it
// is, so that a report of millions of rows never holds them twice over.
func concat[T any](lists [][]T) []T {
	var only []T
	for _, l := range lists {
		if len(l) > 0 {
			if only != nil {
				return slices.Concat(lists...)
			}
			only = l
		}
	}
	return only
}
