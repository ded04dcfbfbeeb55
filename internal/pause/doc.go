// Package pause lets a call give back, while it waits its turn, what its
// caller holds for it. An audit holds a slot for each call it makes, to
// bound the requests on the wire; a call that waits for its vendor's pace
// sends nothing meanwhile, and its slot serves another provider's calls.
package pause
