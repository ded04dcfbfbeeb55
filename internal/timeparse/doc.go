// Package timeparse reads the timestamps vendors send in more than one
// layout.
package timeparse
