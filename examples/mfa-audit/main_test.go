package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
)

// result is one run of the program.
type result struct {
	code           int
	stdout, stderr string
}

func runWith(ctx context.Context, getenv Getenv, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr, getenv)
	return result{code, stdout.String(), stderr.String()}
}

func TestHelp(t *testing.T) {
	for _, flag := range []string{"-h", "-help", "--help"} {
		r := runWith(context.Background(), os.Getenv, flag)
		assert.Equal(t, exitComplete, r.code, flag)
		assert.Empty(t, r.stderr)
		for _, want := range []string{
			"Usage: mfa-audit [flags]", "reports who can log in without a second factor", // what it does
			"-config file", "-concurrency", "-rules", "-exclude-disabled", "-rate", "-version", // the flags
			audit.RuleNoMFA, audit.RuleMFANotEnforced, audit.RuleSMSOnly, audit.RulePendingDevice, audit.RuleUnknownStatus,
			"Exit status:", "3  the audit is incomplete", // the exit codes
			"Example:", `"token_env": "HW_TOKEN"`, "zstack: type, name, endpoint, users, rate, burst", // an example and the config keys
		} {
			assert.Contains(t, r.stdout, want, flag)
		}
	}
}

func TestVersion(t *testing.T) {
	r := runWith(context.Background(), os.Getenv, "-version")
	assert.Equal(t, exitComplete, r.code)
	assert.Equal(t, "mfa-audit "+mfa.Version+"\n", r.stdout)
}

func TestUsageErrorsExit2AndCallNothing(t *testing.T) {
	for _, args := range [][]string{
		{"-nope"}, {"-format", "xml"}, {"-concurrency", "0"}, {"-concurrency", "-5"}, {"-timeout", "0s"},
		{"-rules", "no-mfa,weak"}, {"-include-disabled", "-exclude-disabled"}, {"-rate", "-1"}, {"-rate", "NaN"},
		{"extra-argument"}, {"-config", "/does/not/exist.json"},
	} {
		r := runWith(context.Background(), os.Getenv, args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
		assert.Empty(t, r.stdout, "%v: no report", args)
		assert.True(t, strings.HasPrefix(r.stderr, "mfa-audit: "), "%v: %s", args, r.stderr)
	}
	r := runWith(context.Background(), os.Getenv, "-rules", "weak")
	assert.Contains(t, r.stderr, `unknown rule "weak" (rules: no-mfa, mfa-not-enforced, sms-only, pending-device, unknown-status)`)
	assert.Contains(t, r.stderr, "Run mfa-audit -h for help.")
}

func TestConfigErrorsNameTheFileAndExit2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.json")
	require.NoError(t, os.WriteFile(path, []byte("{\"providers\": [\n  {\"type\": \"rackspace\", \"endpont\": \"https://r\"}\n]}"), 0o600))
	r := runWith(context.Background(), os.Getenv, "-config", path)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, path+`:2:25: provider 1: unknown key "endpont" for type rackspace; did you mean "endpoint"?`)
	assert.Contains(t, r.stderr, path+`:2:3: provider 1: "endpoint" is missing`)
}

func TestAConfigThatIsNoRegularFileIsRefusedAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "audit.json")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600)) // nobody writes it: opening it would block
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r := runWith(ctx, os.Getenv, "-config", fifo)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "not a regular file")
	assert.NoError(t, ctx.Err(), "refused before any read could block")

	r = runWith(context.Background(), os.Getenv, "-config", t.TempDir())
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "not a regular file")
}
