package testlog

import (
	"bytes"
	"log/slog"
	"sync"
)

// Buffer holds what was written to it; it is safe for concurrent use. The
// zero value is an empty Buffer ready to use.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger returns a logger writing every record, debug level included, to
// b as text.
func (b *Buffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// New returns a debug-level text logger and the Buffer it writes to.
func New() (*slog.Logger, *Buffer) {
	b := &Buffer{}
	return b.Logger(), b
}
