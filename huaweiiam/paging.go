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

// page counts a page of users, and reports for each whether it is new to
// the listing; where says which page it was, for the error of a page that
// repeats the pass's earlier ones or passes Config.MaxListing.
func (l *users) page(resp *transport.Response, page []mfa.User, where string) ([]bool, error) {
	ids := make([]string, len(page))
	for i, u := range page {
		ids[i] = u.ID
	}
	fresh, err := l.guard.Page(ids)
	if err != nil {
		return fresh, l.fail(resp, "the page "+where+": "+err.Error())
	}
	return fresh, nil
}

// fail returns the error of a listing that cannot go on although the page
// itself was read: it matches mfa.ErrInvalidResponse.
func (l *users) fail(resp *transport.Response, msg string) *mfa.APIError {
	return &mfa.APIError{Provider: l.provider, StatusCode: resp.StatusCode, RequestID: resp.RequestID(), Message: msg, Kind: mfa.ErrInvalidResponse}
}
