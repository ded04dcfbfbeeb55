package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
)

// Exit statuses.
const (
	exitComplete   = 0 // the audit is complete, findings or not
	exitFindings   = 1 // -strict, and at least one finding
	exitUsage      = 2 // a usage or config error: nothing was called
	exitIncomplete = 3 // a call failed, the time ran out or the run was interrupted
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the program at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

const description = `mfa-audit reads every user and every MFA factor of the providers a config
names (Huawei Cloud IAM and Workspace, Rackspace Identity, ZStack) and
reports who can log in without a second factor, or with a weak one. With
no -config it audits built-in emulators of the four APIs, seeded with a
sample organisation, so that it runs on a fresh machine.`

const exitHelp = `Exit status:
  0  the audit is complete (findings or not, unless -strict)
  1  -strict, and at least one finding
  2  usage or config error: nothing was called
  3  the audit is incomplete: a call failed, the time ran out or it was
     interrupted (the report holds everything read, and says who was not
     audited)`

const example = `Example:
  HW_TOKEN=... RAX_TOKEN=... ZS_SESSION=... \
    mfa-audit -config audit.json -format json -strict > report.json

  audit.json (each credential names the environment variable holding it):
  {"providers": [
    {"type": "huawei-iam", "endpoint": "https://iam.myhuaweicloud.com", "token_env": "HW_TOKEN"},
    {"type": "rackspace", "endpoint": "https://identity.api.rackspacecloud.com",
     "token_env": "RAX_TOKEN", "users": ["..."], "rate": 10},
    {"type": "zstack", "endpoint": "http://zstack.example.com:8080", "session_env": "ZS_SESSION"}
  ]}`

// options are the flags of one run.
type options struct {
	config      string
	format      string
	concurrency int
	timeout     time.Duration
	strict      bool
	rules       []string
	disabled    audit.DisabledUsers
	rate        float64
	verbose     bool
}

// run is the whole program, with its surroundings passed in for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) int {
	opts, code, done := parseFlags(args, stdout, stderr)
	if done {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "mfa-audit: "+format+"\n", a...)
		return code
	}
	logger := slog.New(slog.DiscardHandler)
	if opts.verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	if _, set := os.LookupEnv("GOGC"); !set {
		// An audit waits on the network, so a collection costs it no time
		// a user sees: at half the default heap growth, a report of a
		// million devices peaks near 380 MB resident instead of 510.
		debug.SetGCPercent(50)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()

	var cfg *Config
	if opts.config == "" {
		emulated, err := startEmulators()
		if err != nil {
			return fail(exitUsage, "starting the emulators: %v", err)
		}
		defer emulated.close()
		cfg, getenv = emulated.config, emulated.getenv
		fmt.Fprintln(stderr, "mfa-audit: no -config given: auditing built-in emulators of the four APIs on 127.0.0.1 (a sample organisation)")
	} else {
		var err error
		if cfg, err = readConfig(ctx, opts.config); err != nil {
			if ctx.Err() != nil {
				return fail(exitUsage, "reading %s: %v", opts.config, context.Cause(ctx))
			}
			return fail(exitUsage, "%v", err)
		}
	}

	built, err := buildProviders(cfg, getenv, mfa.Pacing{Rate: opts.rate}, logger)
	if err != nil {
		return fail(exitUsage, "%s: %v", configName(opts.config), err)
	}
	defer built.close(logger)
	for _, w := range built.warnings {
		fmt.Fprintln(stderr, "mfa-audit: warning: "+w)
	}

	progress := newProgress(stderr, built.rates)
	report, err := audit.Run(ctx, built.dir, built.scopes, audit.Options{
		Concurrency: opts.concurrency, Rules: opts.rules, Disabled: opts.disabled, Progress: progress.update,
	})
	progress.finish()
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if err := Write(stdout, opts.format, report, built.types); err != nil {
		return fail(exitIncomplete, "writing the report: %v", err)
	}

	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		fmt.Fprintf(stderr, "mfa-audit: the run reached -timeout %s; the report holds what was read\n", opts.timeout)
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "mfa-audit: interrupted; the report holds what was read")
	}
	switch {
	case !report.Complete() || ctx.Err() != nil:
		// Not len(report.NotAudited): an entry for a failed listing names
		// no user, and the users it stands for are not known.
		fmt.Fprintf(stderr, "mfa-audit: the audit is incomplete: %d call(s) failed, %d user(s) not audited\n",
			report.Summary.Errors, report.Summary.UsersNotAudited)
		return exitIncomplete
	case opts.strict && report.Summary.Findings > 0:
		return exitFindings
	}
	return exitComplete
}

// parseFlags reads the command line. done says the program ends with
// code: help was asked for, the version, or the flags are wrong.
func parseFlags(args []string, stdout, stderr io.Writer) (opts options, code int, done bool) {
	flags := flag.NewFlagSet("mfa-audit", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	flags.StringVar(&opts.config, "config", "", "the config `file` (JSON); none: audit the built-in emulators")
	flags.StringVar(&opts.format, "format", FormatTable, "the report's `format`: table, json or csv")
	flags.IntVar(&opts.concurrency, "concurrency", mfa.DefaultConcurrency, "the most calls in flight at once, across all providers, listings included; a call waiting for its provider's rate is not in flight")
	flags.DurationVar(&opts.timeout, "timeout", 5*time.Minute, "the time limit of the whole run; what was read by then is reported")
	flags.BoolVar(&opts.strict, "strict", false, "exit 1 when there is a finding")
	rules := flags.String("rules", "", "the `rules` to apply, comma-separated; all by default")
	include := flags.Bool("include-disabled", false, "flag disabled users as enabled ones (by default they are listed, not flagged)")
	exclude := flags.Bool("exclude-disabled", false, "leave disabled users out of the report, and make no call about them")
	flags.Float64Var(&opts.rate, "rate", 0, "the most requests per second (the `rate`) to each provider whose config sets none; 0: none until a provider refuses one")
	flags.BoolVar(&opts.verbose, "v", false, "log requests, retries and changes of rate to stderr (never a credential)")
	version := flags.Bool("version", false, "print the version and exit")

	usageError := func(format string, a ...any) (options, int, bool) {
		fmt.Fprintf(stderr, "mfa-audit: "+format+"\n", a...)
		fmt.Fprintln(stderr, "Run mfa-audit -h for help.")
		return opts, exitUsage, true
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeHelp(stdout, flags)
			return opts, exitComplete, true
		}
		return usageError("%v", err)
	}
	if *version {
		fmt.Fprintf(stdout, "mfa-audit %s\n", mfa.Version)
		return opts, exitComplete, true
	}
	if flags.NArg() > 0 {
		return usageError("unexpected arguments %q", flags.Args())
	}
	switch opts.format {
	case FormatTable, FormatJSON, FormatCSV:
	default:
		return usageError("-format %q: want table, json or csv", opts.format)
	}
	if opts.concurrency < 1 {
		return usageError("-concurrency %d: want 1 or more", opts.concurrency)
	}
	if opts.timeout <= 0 {
		return usageError("-timeout %s: want a positive duration", opts.timeout)
	}
	if err := (mfa.Pacing{Rate: opts.rate}).Validate(); err != nil {
		return usageError("-rate: %v", err)
	}
	if *rules != "" {
		var err error
		if opts.rules, err = audit.ParseRules(*rules); err != nil {
			return usageError("-rules: %v", strings.TrimPrefix(err.Error(), "audit: "))
		}
	}
	switch {
	case *include && *exclude:
		return usageError("-include-disabled and -exclude-disabled: give one")
	case *include:
		opts.disabled = audit.AuditDisabled
	case *exclude:
		opts.disabled = audit.SkipDisabled
	}
	return opts, 0, false
}

// writeHelp writes the full help: what the program does, its flags, the
// rules, the exit codes and an example.
func writeHelp(w io.Writer, flags *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: mfa-audit [flags]\n\n%s\n\nFlags:\n", description)
	flags.SetOutput(w)
	flags.PrintDefaults()
	fmt.Fprintln(w, "\nRules (each finding names one):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range audit.Rules {
		fmt.Fprintf(tw, "  %s\t%s\n", r.ID, r.Description)
	}
	//lint:ignore SA1019 the help names the former id -rules still accepts
	fmt.Fprintf(tw, "  %s\tthe former name of %s, accepted by -rules\n", audit.RuleNoActiveDevice, audit.RuleNoMFA)
	_ = tw.Flush()
	fmt.Fprintf(w, "\n%s\n\nConfig keys per provider type (a provider without \"users\" is audited whole):\n", exitHelp)
	var lines []string
	for _, t := range types {
		lines = append(lines, fmt.Sprintf("  %s: %s", t, strings.Join(keysFor(t), ", ")))
	}
	fmt.Fprintf(w, "%s\n\n%s\n", strings.Join(lines, "\n"), example)
}

// readConfig reads the config file under ctx: a path that is not a
// regular file (a FIFO nobody writes, a device) is refused before it can
// block, and a read that outlasts ctx is abandoned.
func readConfig(ctx context.Context, path string) (*Config, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	type result struct {
		cfg *Config
		err error
	}
	read := make(chan result, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			read <- result{err: err}
			return
		}
		defer f.Close()
		cfg, err := ParseConfig(path, f)
		read <- result{cfg, err}
	}()
	select {
	case r := <-read:
		return r.cfg, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func configName(path string) string {
	if path == "" {
		return "the emulators' config"
	}
	return path
}
