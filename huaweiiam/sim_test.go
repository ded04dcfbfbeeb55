package huaweiiam_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/internal/testlog"
	"github.com/openmfa/mfa-go/mfa"
)

// End to end over loopback: each kind of credentials reads back exactly
// what the emulators serve.
func TestAgainstEmulator(t *testing.T) {
	s, err := sim.Start(sim.Options{Seed: 7, Users: 40})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	cr := s.Creds

	kinds := map[string]huaweiiam.Config{
		"token":    {Token: mfa.NewSecret(cr.HuaweiToken)},
		"password": {DomainName: cr.HuaweiDomain, Username: cr.HuaweiUser, Password: mfa.NewSecret(cr.HuaweiPassword)},
		"keys":     {AccessKey: cr.HuaweiAK, SecretKey: mfa.NewSecret(cr.HuaweiSK), DomainID: cr.HuaweiDomainID},
	}
	for name, cfg := range kinds {
		t.Run(name, func(t *testing.T) {
			var logs testlog.Buffer
			cfg.IAMEndpoint, cfg.WorkspaceEndpoint, cfg.ProjectID = s.IAM.URL(), s.Workspace.URL(), cr.HuaweiProjectID
			cfg.Logger = logs.Logger()
			cfg.Retry = mfa.RetryPolicy{MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}
			c, err := huaweiiam.NewClient(cfg)
			require.NoError(t, err)
			ctx := context.Background()

			for _, api := range []struct {
				p     mfa.Provider
				truth []sim.Device
				users []string
			}{
				{c.VirtualMFA(), s.IAM.Devices(), s.IAM.Users()},
				{c.WorkspaceOTP(), s.Workspace.Devices(), s.Workspace.Users()},
			} {
				want := map[string][]string{}
				for _, d := range api.truth {
					want[d.UserID] = append(want[d.UserID], describeTruth(d))
				}
				for _, u := range api.users {
					devs, err := api.p.UserDevices(ctx, u)
					require.NoError(t, err, "%s user %s", api.p.Name(), u)
					var got []string
					for _, d := range devs {
						assert.Equal(t, api.p.Name(), d.Provider())
						got = append(got, describe(d))
					}
					slices.Sort(got)
					slices.Sort(want[u])
					assert.Equal(t, want[u], got, "%s user %s", api.p.Name(), u)
				}
			}

			var listed []string
			for d, err := range c.VirtualMFA().AllDevices(ctx) {
				require.NoError(t, err)
				listed = append(listed, describe(d))
			}
			var truth []string
			for _, d := range s.IAM.Devices() {
				truth = append(truth, describeTruth(d))
			}
			slices.Sort(listed)
			slices.Sort(truth)
			assert.Equal(t, truth, listed)

			ps, err := c.VirtualMFA().LoginProtects(ctx)
			require.NoError(t, err)
			assert.NotEmpty(t, ps)

			for _, secret := range []string{cr.HuaweiToken, cr.HuaweiPassword, cr.HuaweiSK} {
				assert.NotContains(t, logs.String(), secret)
			}
		})
	}
}

// A login token that expires on the server is renewed (APIG.0307).
func TestEmulatorExpiredToken(t *testing.T) {
	s, err := sim.Start(sim.Options{Seed: 3, Users: 5})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	cr := s.Creds
	c, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint: s.IAM.URL(), WorkspaceEndpoint: s.Workspace.URL(), ProjectID: cr.HuaweiProjectID,
		DomainName: cr.HuaweiDomain, Username: cr.HuaweiUser, Password: mfa.NewSecret(cr.HuaweiPassword),
	})
	require.NoError(t, err)
	ctx := context.Background()
	u := s.Workspace.Users()[0]
	_, err = c.WorkspaceOTP().UserDevices(ctx, u)
	require.NoError(t, err)
	s.IAM.ExpireTokens()
	_, err = c.WorkspaceOTP().UserDevices(ctx, u)
	require.NoError(t, err)
}

func describe(d mfa.Device) string {
	return strings.Join([]string{d.UserID(), d.ID(), d.UserName(), d.Name(), string(d.Status()), d.VendorStatus(), d.CreatedAt().Format(time.RFC3339Nano)}, "|")
}

func describeTruth(d sim.Device) string {
	return strings.Join([]string{d.UserID, d.ID, d.UserName, d.Name, d.Status, d.VendorStatus, d.Created.Format(time.RFC3339Nano)}, "|")
}
