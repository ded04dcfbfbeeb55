package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

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
	// listings included. 0 means mfa.DefaultConcurrency; values above
	// mfa.MaxConcurrency mean mfa.MaxConcurrency.
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
		r.providers = append(r.providers, &providerRun{runner: r, scope: s, p: p, users: map[string]*userState{}})
	}

	var wg sync.WaitGroup
	for _, pr := range r.providers {
		wg.Add(1)
		go func() {
			defer wg.Done()
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

	progressMu sync.Mutex
}

// acquire takes a slot for one call, or reports false when ctx has ended.
func (r *runner) acquire() bool {
	select {
	case r.slots <- struct{}{}:
		if r.ctx.Err() != nil {
			<-r.slots
			return false
		}
		return true
	case <-r.ctx.Done():
		return false
	}
}

func (r *runner) release() { <-r.slots }

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

	mu          sync.Mutex
	users       map[string]*userState // nil for a disabled user skipped
	order       []string              // user ids in scope, in the order first seen
	errs        []ErrorRow
	listFailure string // why not every user could be listed, if not
	done        int

	// rows are the devices read, in the order read; their strings are the
	// users' own and the vendor status words are kept once each (words), so
	// that a device costs the report no more than its own id.
	rows  []DeviceRow
	words map[string]string
}

// userState is what the audit knows of one user.
type userState struct {
	// id is user.ID, set once: a lookup reads it without pr.mu while a
	// listing may replace a placeholder's user under it.
	id          string
	user        mfa.User
	placeholder bool   // a named user, of whom no listing has said anything yet
	read        bool   // the devices are all known
	reason      string // why they are not, if they are not
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
		for _, id := range pr.order {
			work.push(pr.users[id])
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
		if !pr.acquire() {
			// Named users added already are reported one by one; an entry
			// for the listing would count them twice.
			if !early {
				pr.listFailure = pr.stopped()
			}
			return false
		}
		err := func() error {
			defer pr.release()
			for u, err := range l.Users(pr.ctx) {
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
				if n := len(pr.order); n > 0 {
					pr.listFailure += fmt.Sprintf(" after %d users; the rest are not known", n)
				}
				return len(pr.order) > 0
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
// says nothing). A user seen for the first time goes to work, when not
// nil, unless it is disabled and left out; a placeholder learns what a
// listing says later.
func (pr *providerRun) add(u mfa.User, work *queue, placeholder bool) *userState {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if u.LoginMFA == "" {
		u.LoginMFA = mfa.EnforcementUnknown
	}
	u.Provider = pr.name()
	if s, ok := pr.users[u.ID]; ok {
		if s != nil && s.placeholder && !placeholder {
			s.user, s.placeholder = u, false
		}
		return s
	}
	if !u.Enabled && pr.opts.Disabled == SkipDisabled {
		pr.users[u.ID] = nil // skipped: a device listing must not bring it back
		return nil
	}
	s := &userState{id: u.ID, user: u, placeholder: placeholder}
	pr.users[u.ID] = s
	pr.order = append(pr.order, u.ID)
	if work != nil {
		work.push(s)
	}
	pr.progressLocked()
	return s
}

// listDevices reads every device with one listing; a device whose owner
// the user listing did not name makes a user of its own, of whom the
// vendor said nothing else. It reports false when the listing failed, so
// that the devices are asked for user by user.
func (pr *providerRun) listDevices(l mfa.DeviceLister) bool {
	if !pr.acquire() {
		return false
	}
	defer pr.release()
	// Most users hold a device: room for one each saves the largest
	// copies of a growing list.
	pr.rows = make([]DeviceRow, 0, len(pr.order))
	for d, err := range l.AllDevices(pr.ctx) {
		if err != nil {
			if pr.ctx.Err() == nil {
				pr.fail("", "listing devices (each user is asked instead): ", err)
			}
			pr.mu.Lock()
			pr.rows = pr.rows[:0]
			pr.mu.Unlock()
			return false
		}
		s := pr.add(mfa.User{ID: d.UserID(), Name: d.UserName(), Enabled: true}, nil, false)
		if s == nil {
			continue // a disabled user, skipped
		}
		pr.mu.Lock()
		pr.rows = append(pr.rows, pr.rowOf(s, d))
		pr.mu.Unlock()
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	for _, id := range pr.order {
		pr.users[id].read = true
	}
	pr.done = len(pr.order)
	pr.progressLocked()
	return true
}

// lookUp asks for the devices of each user work holds, as slots free up,
// until work is closed and empty. When the run is cut short, the users not
// read keep no reason here: the report gives them the run's.
func (pr *providerRun) lookUp(work *queue) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		s, ok := work.pop()
		if !ok || !pr.acquire() {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			devices, err := pr.p.UserDevices(pr.ctx, s.id)
			pr.release()
			pr.mu.Lock()
			defer pr.mu.Unlock()
			switch {
			case err == nil:
				for _, d := range devices {
					pr.rows = append(pr.rows, pr.rowOf(s, d))
				}
				s.read = true
			case pr.ctx.Err() != nil:
			default:
				s.reason = "not read: the call failed"
				pr.errs = append(pr.errs, ErrorRow{Provider: pr.name(), UserID: s.id, Message: err.Error()})
			}
			pr.done++
			pr.progressLocked()
		}()
	}
}

// queue is the users whose devices are to be asked for, in the order they
// became known: a listing adds to it while lookups take from it. It is
// unbounded, so that a listing never waits on lookups, which may wait on
// the slot it holds.
type queue struct {
	mu     sync.Mutex
	users  []*userState
	closed bool
	ready  chan struct{} // signalled when users or closed change
}

func (q *queue) push(s *userState) {
	q.mu.Lock()
	q.users = append(q.users, s)
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
func (q *queue) pop() (*userState, bool) {
	for {
		q.mu.Lock()
		if len(q.users) > 0 {
			s := q.users[0]
			q.users[0] = nil
			q.users = q.users[1:]
			q.mu.Unlock()
			return s, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return nil, false
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
	pr.opts.Progress(Progress{Provider: pr.name(), Done: pr.done, Total: len(pr.order)})
}

// rowOf keeps what the report needs of a device of the user s: its
// owner's strings stand for its own, and its vendor status word is kept
// once for every device that has it. pr.mu is held.
func (pr *providerRun) rowOf(s *userState, d mfa.Device) DeviceRow {
	word := d.VendorStatus()
	if kept, ok := pr.words[word]; ok {
		word = kept
	} else if len(pr.words) < 1000 { // a vendor has a handful; a hostile server, no more room
		if pr.words == nil {
			pr.words = map[string]string{}
		}
		pr.words[word] = word
	}
	return DeviceRow{
		Provider: pr.name(), UserID: s.user.ID, UserName: cmp.Or(s.user.Name, d.UserName()), DeviceID: d.ID(), Name: d.Name(),
		Kind: d.Kind(), Status: d.Status(), VendorStatus: word, CreatedAt: d.CreatedAt().UTC(),
	}
}

// report applies the rules to what was read.
func (r *runner) report(rules map[string]bool) *Report {
	rep := &Report{
		SchemaVersion: SchemaVersion,
		// Empty lists are [] in JSON, never null; Users and Devices are
		// made below, never nil.
		Findings: []Finding{}, Errors: []ErrorRow{}, NotAudited: []NotAudited{}, Providers: []ProviderSummary{},
	}
	users := 0
	for _, pr := range r.providers {
		users += len(pr.order)
	}
	rep.Users = make([]UserRow, 0, users)
	details := map[string]string{} // the texts of findings, each kept once
	for _, pr := range r.providers {
		sum := ProviderSummary{Provider: pr.name()}
		if pr.listFailure != "" {
			rep.NotAudited = append(rep.NotAudited, NotAudited{Provider: pr.name(), Reason: pr.listFailure})
		}
		// Nothing needs the order first seen any more: sorted in place,
		// the ids cost no copy.
		slices.Sort(pr.order)
		// The rows of one user follow each other, as the users do.
		slices.SortFunc(pr.rows, func(a, b DeviceRow) int {
			return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.DeviceID, b.DeviceID))
		})
		rows := pr.rows
		for _, id := range pr.order {
			s := pr.users[id]
			n := 0
			for n < len(rows) && rows[n].UserID == id {
				n++
			}
			devices := rows[:n:n]
			rows = rows[n:]
			u := UserRow{
				Provider: pr.name(), UserID: id, UserName: s.user.Name, Enabled: s.user.Enabled,
				LoginMFA: s.user.LoginMFA, LoginMFAMethod: s.user.LoginMFAMethod, Devices: len(devices),
			}
			if u.UserName == "" && len(devices) > 0 {
				u.UserName = devices[0].UserName
			}
			flag := u.Enabled || r.opts.Disabled == AuditDisabled
			// Only a user flagged and read has findings; the others' device
			// findings would be thrown away.
			audited := flag && s.read
			var found []Finding
			for i := range devices {
				d := &devices[i]
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
			userLevel := userFindings(&u, devices)
			switch {
			case !flag:
				sum.UsersDisabled++
			case !s.read:
				sum.UsersNotAudited++
				reason := s.reason
				if reason == "" {
					reason = r.stopped()
				}
				// What is not known is no finding: found is empty.
				rep.NotAudited = append(rep.NotAudited, NotAudited{Provider: pr.name(), UserID: id, Reason: reason})
			default:
				sum.UsersAudited++
				u.Audited = true
				found = append(userLevel, found...)
			}
			for _, f := range found {
				if rules[f.Rule] {
					if kept, ok := details[f.Detail]; ok {
						f.Detail = kept
					} else if len(details) < 10_000 {
						details[f.Detail] = f.Detail
					}
					rep.Findings = append(rep.Findings, f)
					sum.Findings++
				}
			}
			rep.Users = append(rep.Users, u)
		}
		pr.users = nil // the report holds what it needs of them
		// Stable: the errors about no user (the listings) keep the order
		// they happened in.
		slices.SortStableFunc(pr.errs, func(a, b ErrorRow) int { return cmp.Compare(a.UserID, b.UserID) })
		rep.Errors = append(rep.Errors, pr.errs...)
		sum.Errors = len(pr.errs)
		sum.UsersListed = len(pr.order)
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
	rep.Devices = concat(r.providers)
	return rep
}

// concat returns every provider's device rows in one list, each provider's
// dropped once copied: the rows of one provider are taken as they are,
// and a run of several copies each into a list made once, so that a
// report of millions of devices never holds them twice over.
func concat(providers []*providerRun) []DeviceRow {
	total, with := 0, 0
	for _, pr := range providers {
		total += len(pr.rows)
		if len(pr.rows) > 0 {
			with++
		}
	}
	if with == 1 {
		for _, pr := range providers {
			if len(pr.rows) > 0 {
				rows := pr.rows
				pr.rows = nil
				return rows
			}
		}
	}
	all := make([]DeviceRow, 0, total)
	for _, pr := range providers {
		all = append(all, pr.rows...)
		pr.rows = nil
	}
	return all
}
