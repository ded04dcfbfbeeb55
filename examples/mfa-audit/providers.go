package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// credentials are a provider's secrets, read from the environment.
type credentials struct {
	token, password, apiKey, ak, sk, session string
}

func readCredentials(p ProviderConfig, getenv Getenv) (credentials, error) {
	var c credentials
	var err error
	read := func(dst *string, field, name string) {
		if err == nil {
			*dst, err = secret(getenv, field, name)
		}
	}
	read(&c.token, "token_env", p.TokenEnv)
	read(&c.password, "password_env", p.PasswordEnv)
	read(&c.apiKey, "api_key_env", p.APIKeyEnv)
	read(&c.ak, "ak_env", p.AKEnv)
	read(&c.sk, "sk_env", p.SKEnv)
	read(&c.session, "session_env", p.SessionEnv)
	return c, err
}

// buildTargets makes a client for every provider of cfg. The closers log
// out where a client logged in.
func buildTargets(cfg *Config, getenv Getenv, logger *slog.Logger) ([]Target, []io.Closer, error) {
	var targets []Target
	var closers []io.Closer
	for i, p := range cfg.Providers {
		t, closer, err := buildTarget(p, getenv, logger)
		if err != nil {
			for _, c := range closers {
				_ = c.Close()
			}
			return nil, nil, fmt.Errorf("provider %d (%s): %w", i+1, p.Name, err)
		}
		targets = append(targets, t)
		if closer != nil {
			closers = append(closers, closer)
		}
	}
	return targets, closers, nil
}

func buildTarget(p ProviderConfig, getenv Getenv, logger *slog.Logger) (Target, io.Closer, error) {
	creds, err := readCredentials(p, getenv)
	if err != nil {
		return Target{}, nil, err
	}
	t := Target{Type: p.Type, Users: p.Users}
	switch p.Type {
	case TypeHuaweiIAM, TypeHuaweiWorkspace:
		hc := huaweiiam.Config{
			ProjectID: p.ProjectID, DomainID: p.DomainID,
			Token: creds.token, DomainName: p.Domain, UserName: p.Username, Password: creds.password,
			AccessKey: creds.ak, SecretKey: creds.sk,
			Logger: logger,
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
			return Target{}, nil, err
		}
		if p.Type == TypeHuaweiIAM {
			t.Provider = c.VirtualMFA()
		} else {
			t.Provider = c.WorkspaceOTP()
		}
		return t, nil, nil
	case TypeRackspace:
		format, err := rackspace.ParseFormat(p.Format)
		if err != nil {
			return Target{}, nil, err
		}
		c, err := rackspace.NewClient(rackspace.Config{
			Endpoint: p.Endpoint, Name: p.Name, Format: format,
			Token: creds.token, Username: p.Username, APIKey: creds.apiKey, Password: creds.password,
			Logger: logger,
		})
		if err != nil {
			return Target{}, nil, err
		}
		t.Provider = c
		return t, nil, nil
	case TypeZStack:
		loc := time.UTC
		if p.Timezone != "" {
			if loc, err = time.LoadLocation(p.Timezone); err != nil {
				return Target{}, nil, fmt.Errorf(`"timezone": %w`, err)
			}
		}
		c, err := zstack.NewClient(zstack.Config{
			Endpoint: p.Endpoint, Name: p.Name, Location: loc,
			SessionID: creds.session, AccountName: p.Account, Password: creds.password,
			Logger: logger,
		})
		if err != nil {
			return Target{}, nil, err
		}
		t.Provider = c
		return t, c, nil
	}
	return Target{}, nil, errors.New("unknown type " + p.Type) // ParseConfig let it through
}

// simConfig is the config of an audit of the emulators, and the
// environment that holds their secrets. Each vendor logs in where it can,
// so that the audit shows every kind of credential at work.
func simConfig(s *sim.Sim) (*Config, Getenv) {
	c := s.Creds
	env := map[string]string{
		"HW_PASSWORD": c.HuaweiPassword,
		"HW_TOKEN":    c.HuaweiToken,
		"RAX_API_KEY": c.RackspaceAPIKey,
		"ZS_PASSWORD": c.ZStackPassword,
	}
	cfg := &Config{Providers: []ProviderConfig{
		{Type: TypeHuaweiIAM, Name: "hw-iam", Endpoint: s.IAM.URL(), TokenEnv: "HW_TOKEN", Users: s.IAM.Users()},
		{Type: TypeHuaweiWorkspace, Name: "hw-ws", Endpoint: s.Workspace.URL(), ProjectID: c.HuaweiProjectID,
			IAMEndpoint: s.IAM.URL(), Domain: c.HuaweiDomain, Username: c.HuaweiUser, PasswordEnv: "HW_PASSWORD",
			Users: s.Workspace.Users()},
		{Type: TypeRackspace, Name: "rax", Endpoint: s.Rackspace.URL(), Username: c.RackspaceUser, APIKeyEnv: "RAX_API_KEY",
			Users: s.Rackspace.Users()},
		{Type: TypeZStack, Name: "zs", Endpoint: s.ZStack.URL(), Account: c.ZStackAccount, PasswordEnv: "ZS_PASSWORD",
			Users: s.ZStack.Users()},
	}}
	return cfg, func(name string) string { return env[name] }
}
