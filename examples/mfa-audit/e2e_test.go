package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
	"github.com/openmfa/mfa-go/mfa/mfatest"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

// servers are the three public test servers, a config of an audit of them
// (a JSON file, as a user writes it) and the environment it names.
type servers struct {
	hw     *huaweiiamtest.Server
	rax    *rackspacetest.Server
	zs     *zstacktest.Server
	config map[string]any
	env    map[string]string
}

func startServers(t *testing.T, latency time.Duration) *servers {
	t.Helper()
	hw, err := huaweiiamtest.NewServer(huaweiiamtest.Options{Latency: latency})
	require.NoError(t, err)
	t.Cleanup(hw.Close)
	rax, err := rackspacetest.NewServer(rackspacetest.Options{Latency: latency})
	require.NoError(t, err)
	t.Cleanup(rax.Close)
	zs, err := zstacktest.NewServer(zstacktest.Options{Latency: latency})
	require.NoError(t, err)
	t.Cleanup(zs.Close)
	return &servers{hw: hw, rax: rax, zs: zs,
		env: map[string]string{"HW_TOKEN": hw.Token.Reveal(), "RAX_TOKEN": rax.Token.Reveal(), "ZS_SESSION": zs.SessionID.Reveal(),
			"HW_PASSWORD": hw.Password.Reveal()},
		config: map[string]any{"providers": []map[string]any{
			{"type": "huawei-iam", "name": "hw-iam", "endpoint": hw.IAMURL, "token_env": "HW_TOKEN"},
			{"type": "huawei-workspace", "name": "hw-ws", "endpoint": hw.WorkspaceURL, "project_id": hw.ProjectID,
				"iam_endpoint": hw.IAMURL, "domain": hw.DomainName, "username": hw.Username, "password_env": "HW_PASSWORD"},
			{"type": "rackspace", "name": "rax", "endpoint": rax.URL, "token_env": "RAX_TOKEN", "format": "xml"},
			{"type": "zstack", "name": "zs", "endpoint": zs.URL, "session_env": "ZS_SESSION"},
		}},
	}
}

// secrets are every credential the servers accept or issued.
func (s *servers) secrets() []string {
	var out []string
	for _, v := range s.env {
		out = append(out, v)
	}
	for _, tokens := range [][]mfa.Secret{s.hw.IssuedTokens(), s.rax.IssuedTokens(), s.zs.IssuedTokens()} {
		for _, tok := range tokens {
			out = append(out, tok.Reveal())
		}
	}
	return append(out, s.hw.SecretKey.Reveal(), s.rax.APIKey.Reveal(), s.rax.Password.Reveal(), s.zs.Password.Reveal())
}

func (s *servers) run(t *testing.T, ctx context.Context, args ...string) result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.json")
	data, err := json.Marshal(s.config)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	r := runWith(ctx, func(k string) string { return s.env[k] }, append([]string{"-config", path}, args...)...)
	for _, secret := range s.secrets() {
		require.NotContains(t, r.stdout+r.stderr, secret, "no credential in any output")
	}
	return r
}

func report(t *testing.T, r result) *audit.Report {
	t.Helper()
	var rep audit.Report
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep), r.stderr)
	return &rep
}

// rulesFired returns the rules of the findings, sorted, once each.
func rulesFired(rep *audit.Report) []string {
	var rules []string
	for _, f := range rep.Findings {
		if !slices.Contains(rules, f.Rule) {
			rules = append(rules, f.Rule)
		}
	}
	slices.Sort(rules)
	return rules
}

func TestTheEmulatorsShowEveryRule(t *testing.T) {
	r := runWith(context.Background(), os.Getenv, "-format", "json")
	require.Equal(t, exitComplete, r.code, r.stderr)
	assert.Contains(t, r.stderr, "no -config given: auditing built-in emulators")
	rep := report(t, r)
	assert.Equal(t, []string{audit.RuleMFANotEnforced, audit.RuleNoMFA, audit.RulePendingDevice, audit.RuleSMSOnly, audit.RuleUnknownStatus},
		rulesFired(rep), "the sample organisation shows every rule firing")
	assert.Equal(t, audit.SchemaVersion, rep.SchemaVersion)
	assert.True(t, rep.Complete())
	for _, p := range rep.Providers {
		assert.True(t, p.Complete, p.Provider)
		assert.Positive(t, p.UsersDisabled, "%s: disabled users are listed, not flagged", p.Provider)
		assert.Equal(t, p.UsersListed, p.UsersAudited+p.UsersNotAudited+p.UsersDisabled, p.Provider)
	}
	for _, f := range rep.Findings {
		assert.NotEmpty(t, f.UserName, "findings carry the user's name")
	}
}

func TestAuditWithAConfigInEveryFormat(t *testing.T) {
	s := startServers(t, 0)
	r := s.run(t, context.Background(), "-format", "json")
	require.Equal(t, exitComplete, r.code, r.stderr)
	rep := report(t, r)
	want := len(s.hw.IAMUsers()) + len(s.hw.WorkspaceUsers()) + len(s.rax.Users()) + len(s.zs.Accounts()) + len(s.zs.VirtualIDs())
	assert.Equal(t, want, rep.Summary.UsersListed, "every user of every provider, with no users named")

	r = s.run(t, context.Background(), "-format", "csv")
	require.Equal(t, exitComplete, r.code)
	assert.True(t, strings.HasPrefix(r.stdout, strings.Join(csvHeader, ",")+"\n"))
	for _, record := range []string{"\nuser,", "\ndevice,", "\nfinding,"} {
		assert.Contains(t, r.stdout, record)
	}
	r = s.run(t, context.Background(), "-strict")
	assert.Equal(t, exitFindings, r.code)
	assert.Contains(t, r.stdout, "FINDINGS (")
}

func TestNamedUsersNarrowTheAudit(t *testing.T) {
	s := startServers(t, 0)
	providers := s.config["providers"].([]map[string]any)
	raxUsers := s.rax.Users()
	providers[2]["users"] = []string{raxUsers[0].ID, raxUsers[1].ID}
	rep := report(t, s.run(t, context.Background(), "-format", "json"))
	assert.Equal(t, 2, rep.Providers[2].UsersListed)
}

func TestRulesAndDisabledUsers(t *testing.T) {
	s := startServers(t, 0)
	rep := report(t, s.run(t, context.Background(), "-format", "json", "-rules", "no-active-device"))
	assert.Equal(t, []string{audit.RuleNoMFA}, rulesFired(rep), "the former id reads as no-mfa")

	all := report(t, s.run(t, context.Background(), "-format", "json"))
	included := report(t, s.run(t, context.Background(), "-format", "json", "-include-disabled"))
	excluded := report(t, s.run(t, context.Background(), "-format", "json", "-exclude-disabled"))
	assert.Zero(t, included.Summary.UsersDisabled)
	assert.Greater(t, included.Summary.Findings, all.Summary.Findings, "disabled users flagged too")
	assert.Equal(t, all.Summary.UsersListed-all.Summary.UsersDisabled, excluded.Summary.UsersListed, "disabled users left out")
}

func TestAFailingProviderMakesTheAuditIncomplete(t *testing.T) {
	s := startServers(t, 0)
	s.rax.Inject(mfatest.Down())
	r := s.run(t, context.Background(), "-format", "json")
	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, "the audit is incomplete")
	rep := report(t, r)
	byName := map[string]audit.ProviderSummary{}
	for _, p := range rep.Providers {
		byName[p.Provider] = p
	}
	assert.False(t, byName["rax"].Complete)
	assert.True(t, byName["hw-iam"].Complete && byName["hw-ws"].Complete && byName["zs"].Complete, "one provider's failure hides nothing of the others")
	require.NotEmpty(t, rep.Errors)
	for _, e := range rep.Errors {
		assert.Equal(t, "rax", e.Provider)
	}
	assert.Contains(t, rep.NotAudited, audit.NotAudited{Provider: "rax", Reason: "not listed: the user listing failed"})
}

func TestTheTimeRunningOutSaysWhoWasNotRead(t *testing.T) {
	s := startServers(t, 100*time.Millisecond)
	r := s.run(t, context.Background(), "-format", "json", "-timeout", "700ms", "-concurrency", "2")
	assert.Equal(t, exitIncomplete, r.code)
	assert.Contains(t, r.stderr, "the run reached -timeout 700ms")
	rep := report(t, r)
	require.NotEmpty(t, rep.NotAudited)
	for _, n := range rep.NotAudited {
		assert.Contains(t, n.Reason, "the time ran out")
	}
	assert.Empty(t, rep.Errors, "the end of the time is no vendor's failure")
	assert.Equal(t, rep.Summary.UsersListed, rep.Summary.UsersAudited+rep.Summary.UsersNotAudited+rep.Summary.UsersDisabled)
}

func TestAHugeConcurrencyWorks(t *testing.T) {
	s := startServers(t, 0)
	for _, n := range []string{"1000000000", "9223372036854775807", "1"} {
		r := s.run(t, context.Background(), "-concurrency", n)
		assert.Equal(t, exitComplete, r.code, "%s: %s", n, r.stderr)
	}
}

func TestCleartextCredentialsAreWarnedOf(t *testing.T) {
	s := startServers(t, 0)
	providers := s.config["providers"].([]map[string]any)
	providers[3]["endpoint"] = "http://zstack.invalid:8080"
	r := s.run(t, context.Background(), "-timeout", "5s")
	assert.Contains(t, r.stderr, "mfa-audit: warning: provider zs sends its credentials unencrypted to zstack.invalid:8080 (plain http)\n")
	assert.Equal(t, 1, strings.Count(r.stderr, "warning:"), "one line per such provider; the loopback servers are no cleartext risk")
}

// The count of users not audited leaves out the entries that stand for a
// whole listing, which name no user.
func TestTheIncompleteAuditCountsTheUsersNotAudited(t *testing.T) {
	s := startServers(t, 0)
	s.rax.Inject(mfatest.Down())
	r := s.run(t, context.Background(), "-format", "json")
	require.Equal(t, exitIncomplete, r.code)
	rep := report(t, r)
	require.Contains(t, rep.NotAudited, audit.NotAudited{Provider: "rax", Reason: "not listed: the user listing failed"})
	assert.Contains(t, r.stderr, fmt.Sprintf("%d call(s) failed, %d user(s) not audited\n", rep.Summary.Errors, rep.Summary.UsersNotAudited))
}
