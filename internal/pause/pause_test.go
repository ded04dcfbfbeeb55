package pause_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openmfa/mfa-go/internal/pause"
)

type recorder struct {
	events    []string
	resumeErr error
}

func (r *recorder) Pause() { r.events = append(r.events, "pause") }
func (r *recorder) Resume(context.Context) error {
	r.events = append(r.events, "resume")
	return r.resumeErr
}

func TestDuringGivesBackWhatTheCallHolds(t *testing.T) {
	r := &recorder{}
	ctx := pause.With(context.Background(), r)
	err := pause.During(ctx, func() error {
		r.events = append(r.events, "wait")
		return nil
	})
	assert.NoError(t, err)
	assert.Equal(t, []string{"pause", "wait", "resume"}, r.events)

	r.events, r.resumeErr = nil, context.Canceled
	assert.ErrorIs(t, pause.During(ctx, func() error { return nil }), context.Canceled, "a call that cannot resume fails")
	waitErr := errors.New("wait failed")
	assert.ErrorIs(t, pause.During(ctx, func() error { return waitErr }), waitErr, "the wait's error comes first")
	assert.Equal(t, []string{"pause", "resume", "pause", "resume"}, r.events, "a failed wait resumes all the same")
}

func TestDuringWithNoHolderJustWaits(t *testing.T) {
	waited := false
	assert.NoError(t, pause.During(context.Background(), func() error { waited = true; return nil }))
	assert.True(t, waited)
}
