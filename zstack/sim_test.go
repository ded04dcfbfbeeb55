package zstack_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/zstack"
)

func describeTruth(d sim.OwnedDevice) string {
	return fmt.Sprintf("%s %s %s %s %s", d.ID, d.UserID, d.Status, d.VendorStatus, d.Created.Format(time.RFC3339))
}

func describe(d mfa.Device) string {
	return fmt.Sprintf("%s %s %s %s %s", d.ID(), d.UserID(), d.Status(), d.VendorStatus(), d.CreatedAt().Format(time.RFC3339))
}

// End to end over loopback: both kinds of credentials read back exactly
// what the emulator serves, across pages.
func TestAgainstEmulator(t *testing.T) {
	s, err := sim.Start(sim.Options{Seed: 11, Users: 300, MaxDevicesPerUser: 4})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	truth := s.ZStack.Devices()
	var want []string
	seeds := map[string]string{}
	byUser := map[string][]string{}
	for _, d := range truth {
		want = append(want, describeTruth(d))
		seeds[d.ID] = d.Secret
		byUser[d.UserID] = append(byUser[d.UserID], describeTruth(d))
	}
	sort.Strings(want)
	require.Greater(t, len(want), 100, "enough devices for several pages")

	for name, cfg := range map[string]zstack.Config{
		"session": {SessionID: mfa.NewSecret(s.Creds.ZStackSession)},
		"account": {AccountName: s.Creds.ZStackAccount, Password: mfa.NewSecret(s.Creds.ZStackPassword)},
	} {
		t.Run(name, func(t *testing.T) {
			logger, logs := testlog.New()
			cfg.Endpoint, cfg.Logger, cfg.Retry, cfg.PageSize = s.ZStack.URL(), logger, fastRetry, 100
			c, err := zstack.NewClient(cfg)
			require.NoError(t, err)
			ctx := context.Background()

			var got []string
			for dev, err := range c.AllDevices(ctx) {
				require.NoError(t, err)
				got = append(got, describe(dev))
				sec := dev.(*zstack.Secret)
				assert.Equal(t, seeds[dev.ID()], sec.TOTPSecret().Reveal())
				assertNoSecretValue(t, fmt.Sprintf("%v %+v %#v %s %q", sec, sec, sec, sec, sec), seeds[dev.ID()])
			}
			sort.Strings(got)
			assert.Equal(t, want, got)

			for _, u := range s.ZStack.UserIDs()[:40] {
				devs, err := c.UserDevices(ctx, u)
				require.NoError(t, err, u)
				var g []string
				for _, d := range devs {
					g = append(g, describe(d))
				}
				assert.ElementsMatch(t, byUser[u], g, u)
			}

			d := truth[0]
			dev, err := c.Device(ctx, d.UserID, d.ID)
			require.NoError(t, err)
			assert.Equal(t, describeTruth(d), describe(dev))

			n, err := c.CountSecrets(ctx, zstack.QueryOptions{})
			require.NoError(t, err)
			assert.Equal(t, len(truth), n)

			if name == "account" {
				s.ZStack.ExpireTokens()
				_, err = c.UserDevices(ctx, d.UserID)
				require.NoError(t, err, "the expired session is renewed")
			}
			require.NoError(t, c.Close())
			for _, secret := range seeds {
				assertNoSecretValue(t, logs.String(), secret)
			}
			assertNoSecret(t, "logs", logs.String())
		})
	}
}

func TestAgainstEmulatorFaults(t *testing.T) {
	s, err := sim.Start(sim.Options{Seed: 3, Users: 20})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	c, err := zstack.NewClient(zstack.Config{Endpoint: s.ZStack.URL(), SessionID: mfa.NewSecret(s.Creds.ZStackSession), Retry: fastRetry})
	require.NoError(t, err)
	ctx := context.Background()

	s.ZStack.Inject(mfatest.ServerErrors(2, 503))
	before := s.ZStack.Requests()
	_, err = c.QuerySecrets(ctx, zstack.QueryOptions{})
	require.NoError(t, err, "two transient 503s are retried")
	assert.Equal(t, int64(3), s.ZStack.Requests()-before)

	s.ZStack.Inject(mfatest.Truncated(1))
	_, err = c.QuerySecrets(ctx, zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse)
	for _, d := range s.ZStack.Devices() {
		assertNoSecretValue(t, err.Error(), d.Secret)
	}

	s.ZStack.Inject(mfatest.Down())
	_, err = c.QuerySecrets(ctx, zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrUnavailable)
	s.ZStack.ClearFaults()

	bad, err := zstack.NewClient(zstack.Config{Endpoint: s.ZStack.URL(), AccountName: s.Creds.ZStackAccount, Password: mfa.NewSecret("wrong"), Retry: fastRetry})
	require.NoError(t, err)
	_, err = bad.UserDevices(ctx, s.ZStack.UserIDs()[0])
	assert.ErrorIs(t, err, mfa.ErrUnauthorized)
	var ae *mfa.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ID.1000", ae.Code)
}

func assertNoSecretValue(t *testing.T, s, secret string) {
	t.Helper()
	if secret != "" {
		assert.NotContains(t, s, secret)
	}
}
