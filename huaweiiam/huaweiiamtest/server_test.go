package huaweiiamtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newServer(t *testing.T, o huaweiiamtest.Options) *huaweiiamtest.Server {
	t.Helper()
	srv, err := huaweiiamtest.NewServer(o)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv
}

// get sends a GET with the server's token and decodes a JSON answer into
// v (when not nil); it returns the status.
func get(t *testing.T, srv *huaweiiamtest.Server, url string, v any, token ...string) int {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	tok := srv.Token.Reveal()
	if len(token) > 0 {
		tok = token[0]
	}
	req.Header.Set("X-Auth-Token", tok)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if v != nil && resp.StatusCode == 200 {
		require.NoError(t, json.Unmarshal(body, v), string(body))
	}
	return resp.StatusCode
}

func TestSampleOrganisation(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{})
	assert.True(t, strings.HasPrefix(srv.IAMURL, "http://127.0.0.1:"), srv.IAMURL)
	assert.NotEqual(t, srv.IAMURL, srv.WorkspaceURL, "two hosts")
	for _, s := range []string{srv.ProjectID, srv.DomainID, srv.DomainName, srv.Username, srv.AccessKey,
		srv.Token.Reveal(), srv.Password.Reveal(), srv.SecretKey.Reveal()} {
		assert.NotEmpty(t, s)
	}

	iam := srv.IAMUsers()
	require.Len(t, iam, 12)
	kinds := map[string]int{}
	var devices []huaweiiamtest.Device
	for _, u := range iam {
		switch {
		case !u.Enabled():
			kinds["disabled"]++
		case u.VirtualMFA != nil && u.LoginMFA() == mfa.EnforcementRequired:
			kinds["required"]++
			assert.Equal(t, "vmfa", u.LoginMFAMethod())
		case u.VirtualMFA != nil:
			kinds["not enforced"]++
			assert.Empty(t, u.LoginMFAMethod())
		case u.LoginProtect.Enabled:
			kinds["sms-only"]++
			assert.Contains(t, []string{"sms", "email"}, u.LoginMFAMethod())
		default:
			kinds["no factor"]++
		}
		if u.VirtualMFA != nil {
			devices = append(devices, huaweiiamtest.Device{UserID: u.ID, ID: u.VirtualMFA.SerialNumber, Kind: mfa.KindTOTP, Status: mfa.StatusActive})
		}
	}
	assert.Len(t, kinds, 5, "%v", kinds)
	assert.Equal(t, devices, srv.IAMDevices())

	ws := srv.WorkspaceUsers()
	require.Len(t, ws, 12)
	forms := map[string]int{}
	devices = nil
	for _, u := range ws {
		forms[fmt.Sprintf("%v %v %v", u.Disabled, u.Locked, u.AccountExpired)]++
		assert.Equal(t, u.Disabled || u.Locked || u.AccountExpired, !u.Enabled())
		assert.Equal(t, mfa.EnforcementUnknown, u.LoginMFA())
		for _, d := range u.OTPDevices {
			status := map[string]mfa.Status{"REGISTERED": mfa.StatusActive, "UNREGISTER": mfa.StatusPending}[d.Status]
			if status == "" {
				status = mfa.StatusUnknown
			}
			devices = append(devices, huaweiiamtest.Device{UserID: u.ID, UserName: u.Name, ID: d.ID, Kind: mfa.KindTOTP,
				Status: status, VendorStatus: d.Status, Created: d.Created})
		}
	}
	assert.Len(t, forms, 4, "enabled, disabled, locked, expired: %v", forms)
	assert.Equal(t, devices, srv.WorkspaceDevices())
}

func TestServedUsersAreTheGroundTruth(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{UserCount: 14, MaxPageSize: 4})
	var users struct {
		Users []struct {
			ID      string `json:"id"`
			Enabled bool   `json:"enabled"`
		} `json:"users"`
	}
	var enabled []string
	for _, u := range srv.IAMUsers() {
		if u.Enabled() {
			enabled = append(enabled, u.ID)
		}
	}
	require.Equal(t, 200, get(t, srv, srv.IAMURL+"/v3/users", &users))
	var got []string
	for _, u := range users.Users {
		got = append(got, u.ID)
	}
	assert.Equal(t, enabled, got)

	var protects struct {
		LoginProtects []struct {
			UserID  string `json:"user_id"`
			Enabled bool   `json:"enabled"`
			Method  string `json:"verification_method"`
		} `json:"login_protects"`
	}
	require.Equal(t, 200, get(t, srv, srv.IAMURL+"/v3.0/OS-USER/login-protects", &protects))
	for i, u := range srv.IAMUsers() {
		assert.Equal(t, u.ID, protects.LoginProtects[i].UserID)
		assert.Equal(t, u.LoginProtect, huaweiiamtest.LoginProtect{Enabled: protects.LoginProtects[i].Enabled, Method: protects.LoginProtects[i].Method})
	}

	got = nil
	for offset := 0; ; offset += 4 {
		var page struct {
			TotalCount int `json:"total_count"`
			Users      []struct {
				ID string `json:"id"`
			} `json:"users"`
		}
		require.Equal(t, 200, get(t, srv, srv.WorkspaceURL+"/v2/"+srv.ProjectID+"/users?limit=50&offset="+strconv.Itoa(offset), &page))
		assert.Equal(t, 14, page.TotalCount)
		assert.LessOrEqual(t, len(page.Users), 4)
		for _, u := range page.Users {
			got = append(got, u.ID)
		}
		if offset+4 >= page.TotalCount {
			break
		}
	}
	var want []string
	for _, u := range srv.WorkspaceUsers() {
		want = append(want, u.ID)
	}
	assert.Equal(t, want, got)
}

func TestExplicitUsers(t *testing.T) {
	created := time.Date(2022, 2, 3, 4, 5, 6, 0, time.UTC)
	srv := newServer(t, huaweiiamtest.Options{
		IAMUsers: []huaweiiamtest.IAMUser{
			{ID: "alice", Name: "alice", VirtualMFA: &huaweiiamtest.VirtualMFA{}},
			{Name: "bob", LoginProtect: huaweiiamtest.LoginProtect{Enabled: true, Method: "sms"}},
		},
		WorkspaceUsers: []huaweiiamtest.WorkspaceUser{
			{Name: "carol", OTPDevices: []huaweiiamtest.OTPDevice{{}, {Status: "REGISTERED", Created: created}}},
		},
	})
	iam := srv.IAMUsers()
	require.Len(t, iam, 2)
	assert.Equal(t, "iam/mfa/alice", iam[0].VirtualMFA.SerialNumber)
	assert.Equal(t, "vmfa", iam[0].LoginProtect.Method)
	assert.Equal(t, mfa.EnforcementNotRequired, iam[0].LoginMFA())
	assert.Equal(t, "sms", iam[1].LoginMFAMethod())
	assert.Regexp(t, `^[0-9a-f]{32}$`, iam[1].ID)

	var dev struct {
		Device struct {
			SerialNumber string `json:"serial_number"`
		} `json:"virtual_mfa_device"`
	}
	require.Equal(t, 200, get(t, srv, srv.IAMURL+"/v3.0/OS-MFA/users/alice/virtual-mfa-device", &dev))
	assert.Equal(t, "iam/mfa/alice", dev.Device.SerialNumber)
	assert.Equal(t, 404, get(t, srv, srv.IAMURL+"/v3.0/OS-MFA/users/"+iam[1].ID+"/virtual-mfa-device", nil))

	ws := srv.WorkspaceUsers()
	require.Len(t, ws, 1)
	carol := ws[0]
	assert.Equal(t, "carol@example.com", carol.Email)
	require.Len(t, carol.OTPDevices, 2)
	assert.Equal(t, "UNREGISTER", carol.OTPDevices[0].Status, "a device given no status is not bound")
	assert.Equal(t, created, carol.OTPDevices[1].Created)
	var otp struct {
		Devices []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"otp_devices"`
	}
	require.Equal(t, 200, get(t, srv, srv.WorkspaceURL+"/v2/"+srv.ProjectID+"/users/"+carol.ID+"/otp-devices", &otp))
	require.Len(t, otp.Devices, 2)
	assert.Equal(t, carol.OTPDevices[1].ID, otp.Devices[1].ID)

	iamOnly := newServer(t, huaweiiamtest.Options{IAMUsers: []huaweiiamtest.IAMUser{{}}})
	assert.Empty(t, iamOnly.WorkspaceUsers(), "a nil list is a service without users")

	for name, o := range map[string]huaweiiamtest.Options{
		"duplicate id":  {IAMUsers: []huaweiiamtest.IAMUser{{ID: "a"}, {ID: "a"}}},
		"56 devices":    {WorkspaceUsers: []huaweiiamtest.WorkspaceUser{{OTPDevices: make([]huaweiiamtest.OTPDevice, 56)}}},
		"slash in id":   {WorkspaceUsers: []huaweiiamtest.WorkspaceUser{{ID: "a/b"}}},
		"negative page": {MaxPageSize: -1},
	} {
		_, err := huaweiiamtest.NewServer(o)
		assert.Error(t, err, name)
	}
}

func TestFaultsPerHost(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{})
	wsUsers := srv.WorkspaceURL + "/v2/" + srv.ProjectID + "/users"
	srv.Workspace.Inject(mfatest.Down())
	assert.Equal(t, 503, get(t, srv, wsUsers, nil))
	assert.Equal(t, 200, get(t, srv, srv.IAMURL+"/v3/users", nil), "IAM works")
	srv.ClearFaults()
	assert.Equal(t, 200, get(t, srv, wsUsers, nil))

	srv.Inject(mfatest.RateLimit(1, ""))
	assert.Equal(t, 429, get(t, srv, srv.IAMURL+"/v3/users", nil))
	assert.Equal(t, 429, get(t, srv, wsUsers, nil), "each service answers its own next request")
	assert.Equal(t, 200, get(t, srv, wsUsers+"?offset=5", nil))

	assert.Equal(t, 6, srv.RequestCount())
	assert.Equal(t, 4, srv.Workspace.RequestCount())
	assert.Equal(t, 2, srv.IAM.ConnectionCount())
	assert.Equal(t, 6, srv.ConnectionCount())
	assert.Equal(t, []huaweiiamtest.Request{
		{Service: "workspace", Method: "GET", Path: "/v2/" + srv.ProjectID + "/users"},
		{Service: "iam", Method: "GET", Path: "/v3/users"},
		{Service: "workspace", Method: "GET", Path: "/v2/" + srv.ProjectID + "/users"},
		{Service: "iam", Method: "GET", Path: "/v3/users"},
		{Service: "workspace", Method: "GET", Path: "/v2/" + srv.ProjectID + "/users"},
		{Service: "workspace", Method: "GET", Path: "/v2/" + srv.ProjectID + "/users", Query: "offset=5"},
	}, srv.Requests())
	assert.Equal(t, []huaweiiamtest.Request{
		{Service: "iam", Method: "GET", Path: "/v3/users"},
		{Service: "iam", Method: "GET", Path: "/v3/users"},
	}, srv.IAM.Requests())
}

func TestLoginTokenExpires(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{})
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"` + srv.DomainName +
		`"},"name":"` + srv.Username + `","password":"` + srv.Password.Reveal() + `"}}},"scope":{"project":{"id":"` + srv.ProjectID + `"}}}}`
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Post(srv.IAMURL+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)
	tok := resp.Header.Get("X-Subject-Token")
	require.Len(t, srv.IssuedTokens(), 1)
	assert.Equal(t, tok, srv.IssuedTokens()[0].Reveal())
	wsUsers := srv.WorkspaceURL + "/v2/" + srv.ProjectID + "/users"
	assert.Equal(t, 200, get(t, srv, wsUsers, nil, tok), "a login token works on both services")
	srv.ExpireTokens()
	assert.Equal(t, 401, get(t, srv, wsUsers, nil, tok))
	assert.Equal(t, 401, get(t, srv, srv.IAMURL+"/v3/users", nil, tok))
	assert.Equal(t, 200, get(t, srv, wsUsers, nil), "Token does not expire")
}

func TestCredentialsDoNotPrint(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{})
	var out strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%p", "%T", "%10s", "%e", "%f", "%b", "%c", "%o", "%U"} {
		fmt.Fprintf(&out, verb+" "+verb+" "+verb+"\n", srv, *srv, srv.IAM)
	}
	for _, secret := range []string{srv.Token.Reveal(), srv.Password.Reveal(), srv.SecretKey.Reveal()} {
		assert.NotContains(t, out.String(), secret)
		assert.NotContains(t, out.String(), fmt.Sprintf("%x", secret))
	}
}

func TestLatency(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{})
	srv.SetLatency(time.Hour)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	for _, u := range []string{srv.IAMURL + "/v3/users", srv.WorkspaceURL + "/v2/" + srv.ProjectID + "/users"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
		_, err := (&http.Client{Transport: tr}).Do(req)
		cancel()
		assert.ErrorIs(t, err, context.DeadlineExceeded, "both services wait")
	}
	srv.SetLatency(0)
	assert.Equal(t, 200, get(t, srv, srv.IAMURL+"/v3/users", nil))
}

func TestQuotaCountsEachServiceApart(t *testing.T) {
	srv := newServer(t, huaweiiamtest.Options{})
	srv.SetQuota(0.001, 1)
	users := srv.IAMURL + "/v3/users"
	otp := srv.WorkspaceURL + "/v2/" + srv.ProjectID + "/users/" + srv.WorkspaceUsers()[0].ID + "/otp-devices"
	assert.Equal(t, 200, get(t, srv, users, nil))
	assert.Equal(t, 200, get(t, srv, otp, nil), "Workspace has a quota of its own")
	assert.Equal(t, 429, get(t, srv, users, nil))
	assert.Equal(t, 429, get(t, srv, otp, nil))
	assert.Equal(t, 1, srv.IAM.Refusals())
	assert.Equal(t, 2, srv.Refusals())
}

// TestDefaultMaxPageSizeIsTheEmulators checks the documented default
// against the emulator's: NewServer leaves a zero MaxPageSize for the
// emulator to fill, so the two constants must agree.
func TestDefaultMaxPageSizeIsTheEmulators(t *testing.T) {
	assert.Equal(t, sim.DefaultMaxPageSize, huaweiiamtest.DefaultMaxPageSize)
}
