package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The provider types a config may name.
const (
	TypeHuaweiIAM       = "huawei-iam"
	TypeHuaweiWorkspace = "huawei-workspace"
	TypeRackspace       = "rackspace"
	TypeZStack          = "zstack"
)

// Config is the audit's configuration file. Secrets are never in it: each
// credential names the environment variable that holds it.
type Config struct {
	Providers []ProviderConfig `json:"providers"`
}

// ProviderConfig is one provider to audit.
type ProviderConfig struct {
	Type     string   `json:"type"`     // huawei-iam, huawei-workspace, rackspace or zstack
	Name     string   `json:"name"`     // the provider's name in the report; defaults to the type
	Endpoint string   `json:"endpoint"` // the API's base URL
	Users    []string `json:"users"`    // users to audit (listers add every owner they find)

	// Huawei Cloud.
	ProjectID   string `json:"project_id,omitempty"`   // Workspace: the project
	DomainID    string `json:"domain_id,omitempty"`    // IAM with AK/SK: the account's domain id
	Domain      string `json:"domain,omitempty"`       // password login: the account (domain) name
	IAMEndpoint string `json:"iam_endpoint,omitempty"` // Workspace with password login: where to log in
	AKEnv       string `json:"ak_env,omitempty"`
	SKEnv       string `json:"sk_env,omitempty"`

	// Rackspace.
	Format    string `json:"format,omitempty"` // json (default) or xml
	APIKeyEnv string `json:"api_key_env,omitempty"`

	// ZStack.
	Account    string `json:"account,omitempty"`
	SessionEnv string `json:"session_env,omitempty"`
	Timezone   string `json:"timezone,omitempty"` // the server's zone, an IANA name; default UTC

	// Shared.
	TokenEnv    string `json:"token_env,omitempty"`
	Username    string `json:"username,omitempty"`
	PasswordEnv string `json:"password_env,omitempty"`
}

// secretFields are keys people may write with a literal secret; the error
// points them to the environment instead.
var secretFields = []string{"token", "password", "api_key", "apikey", "session", "session_id", "sk", "secret_key", "ak", "access_key"}

// ParseConfig reads a config and checks what can be checked without the
// environment.
func ParseConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, err
	}
	if len(data) > 1<<20 {
		return nil, errors.New("the config is larger than 1 MiB")
	}
	if err := checkKeys(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("the config is not valid: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the config holds more than one JSON value")
	}
	if len(cfg.Providers) == 0 {
		return nil, errors.New(`the config names no provider (want {"providers": [...]})`)
	}
	seen := map[string]bool{}
	for i := range cfg.Providers {
		p := &cfg.Providers[i]
		if p.Name == "" {
			p.Name = p.Type
		}
		if err := p.check(); err != nil {
			return nil, fmt.Errorf("provider %d (%s): %w", i+1, p.Name, err)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("provider %d: two providers are named %q; give each a distinct name", i+1, p.Name)
		}
		seen[p.Name] = true
	}
	return &cfg, nil
}

// keysOf lists the keys each type reads besides type, name, endpoint and
// users.
var keysOf = map[string][]string{
	TypeHuaweiIAM:       {"token_env", "username", "password_env", "domain", "domain_id", "ak_env", "sk_env"},
	TypeHuaweiWorkspace: {"token_env", "username", "password_env", "domain", "domain_id", "ak_env", "sk_env", "project_id", "iam_endpoint"},
	TypeRackspace:       {"token_env", "username", "password_env", "api_key_env", "format"},
	TypeZStack:          {"session_env", "account", "password_env", "timezone"},
}

// checkKeys rejects a key such as "password", so that the error says where
// secrets belong, and a key the provider's type does not read (a typo, or
// another type's key), listing the keys it does read.
func checkKeys(data []byte) error {
	var raw struct {
		Providers []map[string]json.RawMessage `json:"providers"`
	}
	if json.Unmarshal(data, &raw) != nil {
		return nil // the strict decode that follows says what is wrong
	}
	for i, p := range raw.Providers {
		for key := range p {
			for _, s := range secretFields {
				if strings.EqualFold(key, s) {
					return fmt.Errorf("provider %d: %q holds a secret in the file; name an environment variable with %q instead", i+1, key, s+"_env")
				}
			}
		}
		var typ string
		if json.Unmarshal(p["type"], &typ) != nil {
			continue
		}
		allowed, known := keysOf[typ]
		if !known {
			continue // check says the type is unknown
		}
		for key := range p {
			switch key {
			case "type", "name", "endpoint", "users":
				continue
			}
			if !slices.Contains(allowed, key) {
				return fmt.Errorf("provider %d: %q does not apply to type %s (it reads %s)", i+1, key, typ, strings.Join(allowed, ", "))
			}
		}
	}
	return nil
}

func (p *ProviderConfig) check() error {
	switch p.Type {
	case TypeHuaweiIAM, TypeHuaweiWorkspace, TypeRackspace, TypeZStack:
	case "":
		return errors.New(`"type" is missing`)
	default:
		return fmt.Errorf("unknown type %q (want %s, %s, %s or %s)", p.Type, TypeHuaweiIAM, TypeHuaweiWorkspace, TypeRackspace, TypeZStack)
	}
	if p.Endpoint == "" {
		return errors.New(`"endpoint" is missing`)
	}
	if p.Type == TypeHuaweiWorkspace && p.ProjectID == "" {
		return errors.New(`"project_id" is missing (Workspace calls are per project)`)
	}
	if p.Format != "" && p.Format != "json" && p.Format != "xml" {
		return fmt.Errorf(`"format" is %q (want json or xml)`, p.Format)
	}
	for _, u := range p.Users {
		if strings.TrimSpace(u) == "" {
			return errors.New(`"users" holds an empty id`)
		}
	}
	return nil
}

// Getenv reads an environment variable.
type Getenv func(string) string

// secret reads the variable named by field, or says what is missing.
func secret(getenv Getenv, field, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	v := getenv(name)
	if v == "" {
		return "", fmt.Errorf("%q names the environment variable %s, which is empty or unset", field, name)
	}
	return v, nil
}
