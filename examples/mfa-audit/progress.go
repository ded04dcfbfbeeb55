package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/mfa/audit"
)

// progress shows, on a terminal, the users done of each provider, the
// rate it is paced at, and an estimate of the time left, at most ten times
// a second; on anything but a terminal it shows nothing.
type progress struct {
	w     io.Writer
	rates map[string]func() float64 // the current pace of each provider
	start time.Time

	// No lock: audit.Run makes its Progress calls one at a time, and
	// finish runs after Run has returned.
	order  []string
	latest map[string]audit.Progress
	last   time.Time
	shown  bool
}

func newProgress(stderr io.Writer, rates map[string]func() float64) *progress {
	p := &progress{rates: rates, start: time.Now(), latest: map[string]audit.Progress{}}
	if f, ok := stderr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.w = f
		}
	}
	return p
}

// update is audit.Options.Progress.
func (p *progress) update(pr audit.Progress) {
	if p.w == nil {
		return
	}
	if _, seen := p.latest[pr.Provider]; !seen {
		p.order = append(p.order, pr.Provider)
	}
	p.latest[pr.Provider] = pr
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r\033[K%s", p.line(now))
	p.shown = true
}

// line is "users 1234/10000, ~2m10s left · rax 300/2500 at 48.5/s · ...".
func (p *progress) line(now time.Time) string {
	done, total := 0, 0
	var parts []string
	for _, name := range p.order {
		pr := p.latest[name]
		done += pr.Done
		total += pr.Total
		part := fmt.Sprintf("%s %d/%d", clean(name), pr.Done, pr.Total)
		if rate := p.rates[name]; rate != nil {
			// One reading: the pace may change between two.
			if r := rate(); r > 0 {
				part += fmt.Sprintf(" at %.1f/s", r)
			}
		}
		parts = append(parts, part)
	}
	head := fmt.Sprintf("mfa-audit: users %d/%d", done, total)
	if elapsed := now.Sub(p.start); done > 0 && done < total {
		left := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
		head += fmt.Sprintf(", ~%s left", left.Round(time.Second))
	}
	return head + " · " + strings.Join(parts, " · ")
}

func (p *progress) finish() {
	if p.w == nil {
		return
	}
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K") // clear the line
	}
}
