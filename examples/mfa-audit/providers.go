package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/audit"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// built is what a config turns into: the providers, what to audit of
// each, and what the report and the progress line need to know of them.
type built struct {
	dir      *mfa.Directory
	scopes   []audit.Scope
	types    map[string]string         // provider name: config type
	rates    map[string]func() float64 // provider name: its current pace
	closers  []io.Closer
	warnings []string
}

func (b *built) close(logger *slog.Logger) {
	for _, c := range b.closers {
		if err := c.Close(); err != nil && logger != nil {
			logger.Warn("closing a client", "error", err)
		}
	}
}

// paced is a provider that tells its pace.
type paced interface{ Rate() float64 }

// buildProviders makes a client for every provider of cfg. A provider
// without "rate" is paced as pacing says (the -rate flag's rate; 0: only
// once a server refuses).
func buildProviders(cfg *Config, getenv Getenv, pacing mfa.Pacing, logger *slog.Logger) (*built, error) {
	b := &built{types: map[string]string{}, rates: map[string]func() float64{}}
	var providers []mfa.Provider
	var problems []string
	for i, pc := range cfg.Providers {
		own := pacing
		if pc.Rate > 0 {
			own.Rate, own.Burst = pc.Rate, pc.Burst
		}
		p, closer, err := buildProvider(pc, getenv, own, logger)
		if err != nil {
			problems = append(problems, fmt.Sprintf("provider %d (%s): %v", i+1, pc.Name, err))
			continue
		}
		if closer != nil {
			b.closers = append(b.closers, closer)
		}
		providers = append(providers, p)
		b.scopes = append(b.scopes, audit.Scope{Provider: pc.Name, Users: pc.Users})
		b.types[pc.Name] = pc.Type
		if r, ok := p.(paced); ok {
			b.rates[pc.Name] = r.Rate
		}
		for _, endpoint := range []string{pc.Endpoint, pc.IAMEndpoint} {
			if cleartext(endpoint) {
				b.warnings = append(b.warnings, fmt.Sprintf("provider %s sends its credentials unencrypted to %s (plain http)", pc.Name, hostOf(endpoint)))
			}
		}
	}
	if len(problems) > 0 {
		b.close(logger)
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	var err error
	if b.dir, err = mfa.NewDirectory(providers...); err != nil {
		b.close(logger)
		return nil, err
	}
	return b, nil
}

// secret reads the variable named by the config key, or says what is
// missing. A key left out gives the zero Secret.
func secret(getenv Getenv, key, variable string) (mfa.Secret, error) {
	if variable == "" {
		return mfa.Secret{}, nil
	}
	v := getenv(variable)
	if v == "" {
		return mfa.Secret{}, fmt.Errorf("%q names the environment variable %s, which is empty or unset", key, variable)
	}
	return mfa.NewSecret(v), nil
}

func buildProvider(p ProviderConfig, getenv Getenv, pacing mfa.Pacing, logger *slog.Logger) (mfa.Provider, io.Closer, error) {
	var errs []error
	read := func(key, variable string) mfa.Secret {
		s, err := secret(getenv, key, variable)
		if err != nil {
			errs = append(errs, err)
		}
		return s
	}
	token, password := read("token_env", p.TokenEnv), read("password_env", p.PasswordEnv)
	apiKey, sk, session := read("api_key_env", p.APIKeyEnv), read("sk_env", p.SKEnv), read("session_env", p.SessionEnv)
	ak := read("ak_env", p.AKEnv).Reveal() // huaweiiam.Config takes the access key id as a string
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	switch p.Type {
	case TypeHuaweiIAM, TypeHuaweiWorkspace:
		hc := huaweiiam.Config{
			ProjectID: p.ProjectID, DomainID: p.DomainID,
			Token: token, DomainName: p.Domain, Username: p.Username, Password: password,
			AccessKey: ak, SecretKey: sk,
			Pacing: pacing, Logger: logger,
		}
		if p.Type == TypeHuaweiIAM {
			hc.IAMEndpoint, hc.IAMName = p.Endpoint, p.Name
		} else {
			// IAM serves only the password login here.
			hc.WorkspaceEndpoint, hc.WorkspaceName = p.Endpoint, p.Name
			hc.IAMEndpoint, hc.IAMName = p.IAMEndpoint, p.Name+" (login)"
		}
		c, err := huaweiiam.NewClient(hc)
		if err != nil {
			return nil, nil, err
		}
		if p.Type == TypeHuaweiIAM {
			return c.VirtualMFA(), c, nil
		}
		return c.WorkspaceOTP(), c, nil
	case TypeRackspace:
		format, err := rackspace.ParseFormat(p.Format)
		if err != nil {
			return nil, nil, err
		}
		c, err := rackspace.NewClient(rackspace.Config{
			Endpoint: p.Endpoint, Name: p.Name, Format: format,
			Token: token, Username: p.Username, APIKey: apiKey, Password: password,
			Pacing: pacing, Logger: logger,
		})
		if err != nil {
			return nil, nil, err
		}
		return c, c, nil
	case TypeZStack:
		loc := time.UTC
		if p.Timezone != "" {
			var err error
			if loc, err = time.LoadLocation(p.Timezone); err != nil {
				return nil, nil, fmt.Errorf(`"timezone": %w`, err)
			}
		}
		c, err := zstack.NewClient(zstack.Config{
			Endpoint: p.Endpoint, Name: p.Name, Location: loc,
			SessionID: session, AccountName: p.Account, Password: password,
			Pacing: pacing, Logger: logger,
		})
		if err != nil {
			return nil, nil, err
		}
		return c, c, nil
	}
	return nil, nil, fmt.Errorf("unknown type %q", p.Type) // ParseConfig let it through
}

// cleartext reports whether an endpoint is plain http to a host other than
// loopback: credentials would cross the network unencrypted. It copies
// internal/transport's Cleartext, which an example cannot import.
func cleartext(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return !strings.EqualFold(u.Hostname(), "localhost") && (ip == nil || !ip.IsLoopback())
}

func hostOf(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "its endpoint"
	}
	return u.Host
}
