package zstack_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

func TestUserDevicesQueriesTheOwner(t *testing.T) {
	mt := newMock(t)
	var q []string
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		q = req.URL.Query()["q"]
		return respond(200, fixture(t, "secrets_vendors.json"))(req)
	})
	c := newSessionClient(t, mt)
	devs, err := c.UserDevices(context.Background(), "264d446f00e43793a2b0dcd21c367aaf")
	require.NoError(t, err)
	assert.Equal(t, []string{"userUuid=264d446f00e43793a2b0dcd21c367aaf"}, q)
	require.Len(t, devs, 1)
	s, ok := devs[0].(*zstack.Secret)
	require.True(t, ok, "%T", devs[0])
	assert.Equal(t, "16620c01d20b390891ae1a1bc072ac0b", s.ID())
}

func TestUserDevicesOfAUserWithNone(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	c := newSessionClient(t, mt)
	devs, err := c.UserDevices(context.Background(), "nobody")
	require.NoError(t, err)
	assert.NotNil(t, devs)
	assert.Empty(t, devs)
}

func TestUserDevicesFallsBackToAccountUUIDOnOlderReleases(t *testing.T) {
	mt := newMock(t)
	var qs []string
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query().Get("q")
		qs = append(qs, q)
		if strings.HasPrefix(q, "userUuid=") {
			return respond(503, fixture(t, "error_sys1007.json"))(req)
		}
		return respond(200, fixture(t, "secrets_account_uuid.json"))(req)
	})
	c := newSessionClient(t, mt)
	for range 2 {
		devs, err := c.UserDevices(context.Background(), "36d4a1f07c8e4b2f9a1e5d3c7b9f2a4e")
		require.NoError(t, err)
		require.Len(t, devs, 1)
		assert.Equal(t, "36d4a1f07c8e4b2f9a1e5d3c7b9f2a4e", devs[0].UserID())
	}
	assert.Equal(t, []string{
		"userUuid=36d4a1f07c8e4b2f9a1e5d3c7b9f2a4e",
		"accountUuid=36d4a1f07c8e4b2f9a1e5d3c7b9f2a4e",
		"accountUuid=36d4a1f07c8e4b2f9a1e5d3c7b9f2a4e",
	}, qs, "the second call goes straight to accountUuid")
}

func TestUserDevicesKeepsTheFirstErrorWhenTheFallbackFails(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL, respond(503, fixture(t, "error_sys1007.json")))
	c := newSessionClient(t, mt)
	_, err := c.UserDevices(context.Background(), "u1")
	assert.ErrorIs(t, err, mfa.ErrBadRequest)
	var ae *mfa.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Details, "no field[userUuid]")
	assert.Equal(t, 2, mt.GetTotalCallCount())

	_, err = c.UserDevices(context.Background(), "u1")
	require.Error(t, err)
	assert.Equal(t, 4, mt.GetTotalCallCount(), "no fallback remembered after a failed one")
}

func TestBadIDsAreRefusedBeforeAnyRequest(t *testing.T) {
	mt := newMock(t)
	c := newSessionClient(t, mt)
	ctx := context.Background()
	for _, id := range []string{"", ".", "..", "a\nb", "a\x00", strings.Repeat("x", 1025)} {
		_, err := c.UserDevices(ctx, id)
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "UserDevices(%q)", id)
		_, err = c.Device(ctx, id, "16620c01d20b390891ae1a1bc072ac0b")
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "Device(%q, ...)", id)
	}
	// A user id the server would read as another condition.
	for _, id := range []string{"a!=b", "n?=x", "x~=%"} {
		_, err := c.UserDevices(ctx, id)
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "UserDevices(%q)", id)
	}
	for _, id := range []string{"", ".", "..", "a\nb", "a\x7f"} {
		_, err := c.Device(ctx, "u1", id)
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "Device(u1, %q)", id)
		_, err = c.Secret(ctx, id)
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "Secret(%q)", id)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestDeviceIDIsEscapedAsOneSegment(t *testing.T) {
	for id, rawPath := range map[string]string{
		"a/b":  "/zstack/v1/twofactorauthentication/secrets/a%2Fb",
		"../x": "/zstack/v1/twofactorauthentication/secrets/..%2Fx",
		"a b?": "/zstack/v1/twofactorauthentication/secrets/a%20b%3F",
	} {
		mt := newMock(t)
		var got string
		mt.RegisterRegexpResponder(http.MethodGet, regexp.MustCompile(`/twofactorauthentication/secrets/`), func(req *http.Request) (*http.Response, error) {
			got = req.URL.EscapedPath()
			return respond(200, []byte(`{"inventories":[{"uuid":"`+strings.ReplaceAll(id, `"`, ``)+`","userUuid":"u1","status":"Logined"}]}`))(req)
		})
		c := newSessionClient(t, mt)
		dev, err := c.Device(context.Background(), "u1", id)
		require.NoError(t, err, id)
		assert.Equal(t, id, dev.ID())
		assert.Equal(t, rawPath, got, id)
	}
}

func TestDeviceChecksTheOwner(t *testing.T) {
	mt := newMock(t)
	mt.RegisterResponder(http.MethodGet, secretsURL+"/16620c01d20b390891ae1a1bc072ac0b", respond(200, fixture(t, "secrets_vendors.json")))
	mt.RegisterResponder(http.MethodGet, secretsURL+"/0f0e0d0c0b0a09080706050403020100", respond(200, fixture(t, "secrets_empty.json")))
	mt.RegisterResponder(http.MethodGet, secretsURL+"/deleted", respond(503, fixture(t, "error_sys1003.json")))
	c := newSessionClient(t, mt)
	ctx := context.Background()

	dev, err := c.Device(ctx, "264d446f00e43793a2b0dcd21c367aaf", "16620c01d20b390891ae1a1bc072ac0b")
	require.NoError(t, err)
	assert.Equal(t, "264d446f00e43793a2b0dcd21c367aaf", dev.UserID())
	assert.Equal(t, mfa.StatusPending, dev.Status())

	_, err = c.Device(ctx, "someone-else", "16620c01d20b390891ae1a1bc072ac0b")
	assert.ErrorIs(t, err, mfa.ErrNotFound, "another owner's secret")
	var ae *mfa.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Message, "does not belong to user")

	_, err = c.Device(ctx, "264d446f00e43793a2b0dcd21c367aaf", "0f0e0d0c0b0a09080706050403020100")
	assert.ErrorIs(t, err, mfa.ErrNotFound, "an empty reply")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 200, ae.StatusCode)

	_, err = c.Device(ctx, "264d446f00e43793a2b0dcd21c367aaf", "deleted")
	assert.ErrorIs(t, err, mfa.ErrNotFound, "SYS.1003")

	s, err := c.Secret(ctx, "16620c01d20b390891ae1a1bc072ac0b")
	require.NoError(t, err)
	assert.Equal(t, vendorSeed, s.TOTPSecret().Reveal())
}

func TestDirectoryUsesTheClient(t *testing.T) {
	mt := newMock(t)
	srv := &pagedServer{n: 1500}
	mt.RegisterResponder(http.MethodGet, secretsURL, srv.handler(t))
	c := newSessionClient(t, mt, func(c *zstack.Config) { c.Name = "zs" })
	dir, err := mfa.NewDirectory(c)
	require.NoError(t, err)
	n := 0
	for dev, err := range dir.AllDevices(context.Background()) {
		require.NoError(t, err)
		assert.Equal(t, "zs", dev.Provider())
		n++
	}
	assert.Equal(t, 1500, n)
}
