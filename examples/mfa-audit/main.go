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
	"syscall"
	"time"

	"github.com/openmfa/mfa-go/internal/sim"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1
	exitFailure  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the program at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run is the whole program, with its surroundings passed in for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv Getenv) int {
	flags := flag.NewFlagSet("mfa-audit", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "the config `file` (JSON); none: audit the built-in emulators")
	format := flags.String("format", FormatTable, "output format: table, json or csv")
	concurrency := flags.Int("concurrency", 16, "calls in flight at once, across all providers")
	timeout := flags.Duration("timeout", 5*time.Minute, "time limit of the whole run")
	strict := flags.Bool("strict", false, "exit 1 when there is a finding")
	verbose := flags.Bool("v", false, "log requests and retries to stderr")
	if err := flags.Parse(args); err != nil {
		return exitFailure
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "audit: "+format+"\n", a...)
		return exitFailure
	}
	if flags.NArg() > 0 {
		return fail("unexpected arguments %q", flags.Args())
	}
	switch *format {
	case FormatTable, FormatJSON, FormatCSV:
	default:
		return fail("-format %q: want table, json or csv", *format)
	}
	if *concurrency < 1 {
		return fail("-concurrency %d: want 1 or more", *concurrency)
	}
	if *timeout <= 0 {
		return fail("-timeout %s: want a positive duration", *timeout)
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	var cfg *Config
	if *configPath == "" {
		s, err := sim.Start(sim.Options{})
		if err != nil {
			return fail("starting the emulators: %v", err)
		}
		defer s.Close()
		cfg, getenv = simConfig(s)
		fmt.Fprintln(stderr, "audit: no -config given: auditing the built-in emulators of the four APIs on 127.0.0.1 (a sample organisation)")
	} else {
		f, err := os.Open(*configPath)
		if err != nil {
			return fail("%v", err)
		}
		cfg, err = ParseConfig(f)
		f.Close()
		if err != nil {
			return fail("%s: %v", *configPath, err)
		}
	}

	targets, closers, err := buildTargets(cfg, getenv, logger)
	if err != nil {
		return fail("config: %v", err)
	}
	defer func() {
		for _, c := range closers {
			if err := c.Close(); err != nil {
				logger.Warn("closing a client", "error", err)
			}
		}
	}()

	progress := newProgress(stderr)
	report, err := Audit(ctx, targets, *concurrency, progress.update)
	progress.finish()
	if err != nil {
		return fail("%v", err)
	}
	if err := Write(stdout, *format, report); err != nil {
		return fail("writing the report: %v", err)
	}

	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		fmt.Fprintf(stderr, "audit: the run reached -timeout %s; the report holds what was read\n", *timeout)
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "audit: interrupted; the report holds what was read")
	}
	switch {
	case report.Summary.Errors > 0 || ctx.Err() != nil:
		fmt.Fprintf(stderr, "audit: %d call(s) failed\n", report.Summary.Errors)
		return exitFailure
	case *strict && report.Summary.Findings > 0:
		return exitFindings
	}
	return exitOK
}
