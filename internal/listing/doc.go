// Package listing keeps a paged listing finite against a server that
// misbehaves: one that ignores where a page starts and sends the same
// pages again, or that sends new pages without end. Every vendor listing
// of the module (users, devices, secrets) counts its pages through a
// Guard.
package listing
