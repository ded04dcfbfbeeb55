package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/internal/sim"
)

// simEnv is the environment of the emulators' config.
type simEnv struct {
	sim *sim.Sim
	cfg *Config
	env Getenv
}

func startSim(t *testing.T, opts sim.Options) *simEnv {
	t.Helper()
	s, err := sim.Start(opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	cfg, env := simConfig(s)
	return &simEnv{sim: s, cfg: cfg, env: env}
}

// provider returns the config of the provider named name.
func (e *simEnv) provider(name string) *ProviderConfig {
	for i := range e.cfg.Providers {
		if e.cfg.Providers[i].Name == name {
			return &e.cfg.Providers[i]
		}
	}
	panic("no provider " + name)
}

// result is one run of the program.
type result struct {
	code           int
	stdout, stderr string
}

// run writes the config to a file and runs the program on it.
func (e *simEnv) run(t *testing.T, args ...string) result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.json")
	data, err := json.Marshal(e.cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"-config", path}, args...), &stdout, &stderr, e.env)
	return result{code, stdout.String(), stderr.String()}
}

func jsonReport(t *testing.T, r result) *Report {
	t.Helper()
	var rep Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stderr)
	return &rep
}

// wantDevices counts the devices the emulators serve, per provider name.
func (e *simEnv) wantDevices() map[string]int {
	return map[string]int{
		"hw-iam": len(e.sim.IAM.Devices()), "hw-ws": len(e.sim.Workspace.Devices()),
		"rax": len(e.sim.Rackspace.Devices()), "zs": len(e.sim.ZStack.Devices()),
	}
}

func perProvider(rep *Report) map[string]int {
	got := map[string]int{}
	for _, d := range rep.Devices {
		got[d.Provider]++
	}
	return got
}

func TestRunWithoutConfigAuditsTheEmulators(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-format", "json"}, &stdout, &stderr, func(string) string { return "" })
	assert.Equal(t, exitOK, code, stderr.String())
	assert.Contains(t, stderr.String(), "auditing the built-in emulators")
	rep := jsonReport(t, result{code, stdout.String(), stderr.String()})
	assert.Equal(t, 4, rep.Summary.Providers)
	assert.Equal(t, 4*12, rep.Summary.Users)
	assert.NotZero(t, rep.Summary.Devices)
	assert.NotZero(t, rep.Summary.Findings, "the sample organisation has findings")
	assert.Zero(t, rep.Summary.Errors)
	assert.ElementsMatch(t, []string{"hw-iam", "hw-ws", "rax", "zs"}, keys(perProvider(rep)))

	stdout.Reset()
	code = run(context.Background(), []string{"-strict"}, &stdout, &stderr, func(string) string { return "" })
	assert.Equal(t, exitFindings, code, "-strict exits 1 on the sample organisation")
	assert.Contains(t, stdout.String(), "FINDINGS")
}

func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestJSONOutputFollowsTheSchema(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 7, Users: 30})
	r := e.run(t, "-format", "json")
	require.Equal(t, exitOK, r.code, r.stderr)

	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.ElementsMatch(t, []string{"devices", "findings", "errors", "summary"}, mapKeys(doc))

	var devices []map[string]any
	require.NoError(t, json.Unmarshal(doc["devices"], &devices))
	require.NotEmpty(t, devices)
	withTime := 0
	for _, d := range devices {
		fields := mapKeys(d)
		if _, ok := d["created_at"]; ok {
			withTime++
			s, isString := d["created_at"].(string)
			require.True(t, isString)
			ts, err := time.Parse(time.RFC3339, s)
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(s, "Z"), "created_at %q is in UTC", s)
			assert.False(t, ts.IsZero())
			fields = without(fields, "created_at")
		}
		assert.ElementsMatch(t, []string{"provider", "user_id", "user_name", "device_id", "name", "status", "vendor_status"}, fields)
		for _, f := range fields {
			assert.IsType(t, "", d[f], f)
		}
		assert.Contains(t, []any{"active", "pending", "disabled", "unknown"}, d["status"])
	}
	assert.NotZero(t, withTime, "Workspace and ZStack devices carry created_at")
	assert.Less(t, withTime, len(devices), "created_at is left out when unknown")

	var findings []map[string]any
	require.NoError(t, json.Unmarshal(doc["findings"], &findings))
	require.NotEmpty(t, findings)
	for _, f := range findings {
		assert.ElementsMatch(t, []string{"provider", "user_id", "device_id", "rule", "detail"}, mapKeys(f))
		assert.Contains(t, []any{RuleNoActiveDevice, RulePending, RuleUnknownStatus}, f["rule"])
	}
	var errs []map[string]any
	require.NoError(t, json.Unmarshal(doc["errors"], &errs))
	assert.NotNil(t, errs, "errors is a list, empty here, never null")

	var summary map[string]int
	require.NoError(t, json.Unmarshal(doc["summary"], &summary))
	assert.Equal(t, map[string]int{"providers": 4, "users": 4 * 30, "devices": len(devices), "findings": len(findings), "errors": 0}, summary)
}

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func without(s []string, drop string) []string {
	var out []string
	for _, v := range s {
		if v != drop {
			out = append(out, v)
		}
	}
	return out
}

func TestTheAuditReadsWhatTheEmulatorsServe(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 3, Users: 40})
	rep := jsonReport(t, e.run(t, "-format", "json"))
	assert.Equal(t, e.wantDevices(), perProvider(rep))

	want := map[string]string{}
	for _, d := range e.sim.ZStack.Devices() {
		want[d.ID] = d.Status
	}
	for _, d := range rep.Devices {
		if d.Provider == "zs" {
			assert.Equal(t, want[d.DeviceID], string(d.Status), d.DeviceID)
		}
	}
}

func TestOneProviderDown(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 5})
	e.sim.Rackspace.Inject(sim.Down())
	r := e.run(t, "-format", "json")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "call(s) failed")
	rep := jsonReport(t, r)

	want := e.wantDevices()
	delete(want, "rax")
	assert.Equal(t, want, perProvider(rep), "the other providers are reported in full")
	assert.Len(t, rep.Errors, len(e.sim.Rackspace.Users()), "one error per Rackspace user")
	for _, er := range rep.Errors {
		assert.Equal(t, "rax", er.Provider)
		assert.NotEmpty(t, er.UserID)
		assert.Contains(t, er.Message, "503")
	}
	for _, f := range rep.Findings {
		assert.NotEqual(t, "rax", f.Provider, "no finding about users whose devices are unknown")
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 5})
	for _, api := range e.sim.APIs() {
		api.Inject(sim.RateLimit(3, "0"))
	}
	r := e.run(t, "-format", "json")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, e.wantDevices(), perProvider(jsonReport(t, r)))
}

func TestExpiredTokensAreRenewed(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 9, Users: 20, Latency: 2 * time.Millisecond})
	// Log in with every kind of credential that can expire.
	e.provider("hw-iam").TokenEnv = ""
	iam := e.provider("hw-iam")
	iam.Domain, iam.Username, iam.PasswordEnv = e.sim.Creds.HuaweiDomain, e.sim.Creds.HuaweiUser, "HW_PASSWORD"
	expired := make(chan struct{})
	go func() { // expire every token once, while the audit runs
		defer close(expired)
		for len(e.sim.Rackspace.IssuedTokens()) == 0 || e.sim.Rackspace.Requests() < 5 {
			time.Sleep(time.Millisecond)
		}
		for _, api := range e.sim.APIs() {
			api.ExpireTokens()
		}
	}()
	r := e.run(t, "-format", "json", "-concurrency", "4")
	<-expired
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, e.wantDevices(), perProvider(jsonReport(t, r)))
	assert.Len(t, e.sim.Rackspace.IssuedTokens(), 2, "the Rackspace token, expired mid-run, was renewed once")
}

func TestZStackWith2500Secrets(t *testing.T) {
	if testing.Short() {
		t.Skip("2,500 secrets")
	}
	e := startSim(t, sim.Options{Seed: 11, Users: 2500, MaxDevicesPerUser: 1, NoDevice: 1, Active: 100})
	e.cfg.Providers = []ProviderConfig{*e.provider("zs")}
	e.cfg.Providers[0].Users = nil // the listing finds every owner
	before := e.sim.ZStack.Requests()
	rep := jsonReport(t, e.run(t, "-format", "json"))
	n := len(e.sim.ZStack.Devices())
	assert.Greater(t, n, 2000)
	assert.Equal(t, n, rep.Summary.Devices)
	pages := e.sim.ZStack.Requests() - before
	assert.Equal(t, int64(1+(n+999)/1000+1), pages, "a login, one request per page of 1000 (past the server's default), a logout")
}

func TestRackspaceInXML(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 13, Users: 25})
	e.provider("rax").Format = "xml"
	rep := jsonReport(t, e.run(t, "-format", "json"))
	assert.Equal(t, e.wantDevices(), perProvider(rep))
}

func TestCSVOutput(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 2})
	r := e.run(t, "-format", "csv")
	require.Equal(t, exitOK, r.code, r.stderr)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"record", "provider", "user_id", "user_name", "device_id", "name", "status", "vendor_status", "created_at", "rule", "detail"}, rows[0])
	kinds := map[string]int{}
	for _, row := range rows[1:] {
		kinds[row[0]]++
	}
	total := 0
	for _, n := range e.wantDevices() {
		total += n
	}
	assert.Equal(t, total, kinds["device"])
	assert.NotZero(t, kinds["finding"])
}

func TestNoSecretInAnyOutput(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 17, Users: 15})
	c := e.sim.Creds
	e.sim.Workspace.Inject(sim.ServerErrors(2, 500)) // errors in the report too
	e.sim.ZStack.ExpireTokens()
	secrets := []string{c.HuaweiToken, c.HuaweiPassword, c.HuaweiSK, c.RackspaceToken, c.RackspaceAPIKey,
		c.RackspacePassword, c.ZStackSession, c.ZStackPassword}
	for _, d := range e.sim.ZStack.Devices() {
		secrets = append(secrets, d.Secret)
	}
	var outputs []string
	for _, format := range []string{"table", "json", "csv"} {
		r := e.run(t, "-format", format, "-v")
		outputs = append(outputs, r.stdout, r.stderr)
		assert.Contains(t, r.stderr, "level=DEBUG", "-v logs at debug level")
	}
	for _, api := range e.sim.APIs() {
		secrets = append(secrets, api.IssuedTokens()...)
	}
	require.NotEmpty(t, e.sim.ZStack.IssuedTokens())
	for _, out := range outputs {
		for _, s := range secrets {
			require.NotEmpty(t, s)
			assert.NotContains(t, out, s)
		}
	}
}

func TestTimeoutKeepsWhatWasRead(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 19})
	e.sim.Rackspace.SetLatency(time.Hour)
	r := e.run(t, "-format", "json", "-timeout", "500ms")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "reached -timeout 500ms")
	rep := jsonReport(t, r)
	want := e.wantDevices()
	delete(want, "rax")
	assert.Equal(t, want, perProvider(rep))
}

func TestBadInvocations(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-format", "xml"}, `-format "xml"`},
		{[]string{"-concurrency", "0"}, "-concurrency 0"},
		{[]string{"-timeout", "-1s"}, "-timeout"},
		{[]string{"-config", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"-config", write("bad.json", `{"providers":[{"type":"zstack"}]}`)}, `"endpoint" is missing`},
		{[]string{"-config", write("env.json", `{"providers":[{"type":"zstack","endpoint":"http://127.0.0.1:1","session_env":"NOPE_UNSET"}]}`)}, "NOPE_UNSET"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-nope"}, "flag provided but not defined"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr, func(string) string { return "" })
		assert.Equal(t, exitFailure, code, c.args)
		assert.Contains(t, stderr.String(), c.want, c.args)
		assert.Empty(t, stdout.String(), c.args)
	}
}

func TestInterruptKeepsWhatWasRead(t *testing.T) {
	e := startSim(t, sim.Options{Seed: 23})
	e.sim.ZStack.SetLatency(time.Hour)
	path := filepath.Join(t.TempDir(), "audit.json")
	data, err := json.Marshal(e.cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel) // what Ctrl-C does to run's context
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-config", path, "-format", "json"}, &stdout, &stderr, e.env)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr.String(), "interrupted; the report holds what was read")
	rep := jsonReport(t, result{code, stdout.String(), stderr.String()})
	want := e.wantDevices()
	delete(want, "zs")
	assert.Equal(t, want, perProvider(rep), "the providers read before the interrupt are reported")
}
