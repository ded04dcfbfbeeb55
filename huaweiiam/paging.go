package huaweiiam

import (
	"github.com/openmfa/mfa-go/internal/listing"
	"github.com/openmfa/mfa-go/internal/transport"
	"github.com/openmfa/mfa-go/mfa"
)

// users is one paged user listing, kept finite by a listing.Guard, with
// the errors of this package's providers.
type users struct {
	provider string
	guard    *listing.Guard
}

func newUsers(provider string, max int) *users {
	return &users{provider: provider, guard: listing.New(max)}
}

// nextPass begins another pass over the listing (IAM's disabled users
// after its enabled ones): a user read in an earlier pass is not new, but
// a page made of such users is no loop.
func (l *users) nextPass() { l.guard.NextPass() }

// yieldPage is one step of a listing, the same for both APIs once a page
// is read (as resp) and decoded: it yields, through yield, the users of
// the page that are new to the listing, and reports whether yield stopped
// the range. where names the page in errors.
//
// An empty page ends the listing; when unread is not "", it is what the
// server said of more users (a next link, a total_count not reached), and
// the empty page is an error that says so. A page that repeats the pass's
// earlier ones, or passes Config.MaxListing, is an error returned after
// the page's new users are yielded.
func (l *users) yieldPage(resp *transport.Response, page []mfa.User, where, unread string, yield func(mfa.User) bool) (stopped bool, err error) {
	if len(page) == 0 {
		if unread != "" {
			return false, l.fail(resp, "the page "+where+" is empty"+unread)
		}
		return false, nil
	}
	fresh, pageErr := listing.Fresh(l.guard, page, func(u mfa.User) string { return u.ID })
	for _, u := range fresh {
		if !yield(u) {
			return true, nil
		}
	}
	if pageErr != nil {
		return false, l.fail(resp, "the page "+where+": "+pageErr.Error())
	}
	return false, nil
}

// fail returns the error of a listing that cannot go on although the page
// itself was read: it matches mfa.ErrInvalidResponse.
func (l *users) fail(resp *transport.Response, msg string) *mfa.APIError {
	return &mfa.APIError{Provider: l.provider, StatusCode: resp.StatusCode, RequestID: resp.RequestID(), Message: msg, Kind: mfa.ErrInvalidResponse}
}
