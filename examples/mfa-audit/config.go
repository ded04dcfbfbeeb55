package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/openmfa/mfa-go/mfa"
)

// The provider types a config may name.
const (
	TypeHuaweiIAM       = "huawei-iam"
	TypeHuaweiWorkspace = "huawei-workspace"
	TypeRackspace       = "rackspace"
	TypeZStack          = "zstack"
)

var types = []string{TypeHuaweiIAM, TypeHuaweiWorkspace, TypeRackspace, TypeZStack}

// maxConfigBytes bounds a config file: a real one is a few kilobytes.
const maxConfigBytes = 1 << 20

// Config is the audit's configuration file. Secrets are never in it: each
// credential names the environment variable that holds it.
type Config struct {
	Providers []ProviderConfig
}

// ProviderConfig is one provider to audit.
type ProviderConfig struct {
	Type     string   // huawei-iam, huawei-workspace, rackspace or zstack
	Name     string   // the provider's name in the report; the type by default
	Endpoint string   // the API's base URL
	Users    []string // the users to audit; nil: every user the provider lists
	Rate     float64  // requests per second; 0: the -rate flag's value
	Burst    int      // requests at once within Rate; 0: 1

	// Huawei Cloud.
	ProjectID   string // Workspace: the project
	DomainID    string // IAM with AK/SK: the account's domain id
	Domain      string // password login: the account (domain) name
	IAMEndpoint string // Workspace with password login: where to log in
	AKEnv       string
	SKEnv       string

	// Rackspace.
	Format    string // json (default) or xml
	APIKeyEnv string

	// ZStack.
	Account    string
	SessionEnv string
	Timezone   string // the server's zone, an IANA name; UTC by default

	// Shared.
	TokenEnv    string
	Username    string
	PasswordEnv string
}

// field is one key a provider entry may hold: where its value goes.
type field struct {
	key   string
	types []string // the provider types that read it; nil: every type
	set   func(p *ProviderConfig, raw json.RawMessage) error
}

func text(dst func(*ProviderConfig) *string) func(*ProviderConfig, json.RawMessage) error {
	return func(p *ProviderConfig, raw json.RawMessage) error {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return errors.New("want a string")
		}
		*dst(p) = s
		return nil
	}
}

var huawei = []string{TypeHuaweiIAM, TypeHuaweiWorkspace}

// fields are the keys of a provider entry, in the order the help lists them.
var fields = []field{
	{"type", nil, text(func(p *ProviderConfig) *string { return &p.Type })},
	{"name", nil, text(func(p *ProviderConfig) *string { return &p.Name })},
	{"endpoint", nil, text(func(p *ProviderConfig) *string { return &p.Endpoint })},
	{"users", nil, func(p *ProviderConfig, raw json.RawMessage) error {
		if err := json.Unmarshal(raw, &p.Users); err != nil || p.Users == nil {
			return errors.New("want a list of user ids")
		}
		for _, u := range p.Users {
			if strings.TrimSpace(u) == "" {
				return errors.New("holds an empty id")
			}
		}
		return nil
	}},
	{"rate", nil, func(p *ProviderConfig, raw json.RawMessage) error {
		if err := json.Unmarshal(raw, &p.Rate); err != nil || p.Rate < 0 || math.IsInf(p.Rate, 0) {
			return errors.New("want requests per second: a number, 0 or more")
		}
		return nil
	}},
	{"burst", nil, func(p *ProviderConfig, raw json.RawMessage) error {
		if err := json.Unmarshal(raw, &p.Burst); err != nil || p.Burst < 0 || p.Burst > mfa.MaxBurst {
			return fmt.Errorf("want a whole number from 0 to %d", mfa.MaxBurst)
		}
		return nil
	}},
	{"token_env", []string{TypeHuaweiIAM, TypeHuaweiWorkspace, TypeRackspace}, text(func(p *ProviderConfig) *string { return &p.TokenEnv })},
	{"username", []string{TypeHuaweiIAM, TypeHuaweiWorkspace, TypeRackspace}, text(func(p *ProviderConfig) *string { return &p.Username })},
	{"password_env", nil, text(func(p *ProviderConfig) *string { return &p.PasswordEnv })},
	{"domain", huawei, text(func(p *ProviderConfig) *string { return &p.Domain })},
	{"domain_id", huawei, text(func(p *ProviderConfig) *string { return &p.DomainID })},
	{"ak_env", huawei, text(func(p *ProviderConfig) *string { return &p.AKEnv })},
	{"sk_env", huawei, text(func(p *ProviderConfig) *string { return &p.SKEnv })},
	{"project_id", []string{TypeHuaweiWorkspace}, text(func(p *ProviderConfig) *string { return &p.ProjectID })},
	{"iam_endpoint", []string{TypeHuaweiWorkspace}, text(func(p *ProviderConfig) *string { return &p.IAMEndpoint })},
	{"api_key_env", []string{TypeRackspace}, text(func(p *ProviderConfig) *string { return &p.APIKeyEnv })},
	{"format", []string{TypeRackspace}, func(p *ProviderConfig, raw json.RawMessage) error {
		if json.Unmarshal(raw, &p.Format) != nil || (p.Format != "json" && p.Format != "xml") {
			return errors.New(`want "json" or "xml"`)
		}
		return nil
	}},
	{"session_env", []string{TypeZStack}, text(func(p *ProviderConfig) *string { return &p.SessionEnv })},
	{"account", []string{TypeZStack}, text(func(p *ProviderConfig) *string { return &p.Account })},
	{"timezone", []string{TypeZStack}, text(func(p *ProviderConfig) *string { return &p.Timezone })},
}

// keysFor lists the keys a provider type reads.
func keysFor(typ string) []string {
	var keys []string
	for _, f := range fields {
		if f.types == nil || slices.Contains(f.types, typ) {
			keys = append(keys, f.key)
		}
	}
	return keys
}

// secretKeys are keys people may write with a literal secret in them; the
// problem reported points them to the environment instead.
var secretKeys = []string{"token", "password", "api_key", "apikey", "session", "session_id", "sk", "secret_key", "ak", "access_key"}

// ConfigError lists every problem of a config file, each with its line
// and column.
type ConfigError struct {
	File     string
	Problems []string // "line:column: what is wrong"
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		b.WriteByte(':')
		b.WriteString(p)
	}
	return b.String()
}

// ParseConfig reads a config file named file (for the errors) from r. Its
// error is a *ConfigError listing every problem found, never a secret the
// file holds by mistake.
func ParseConfig(file string, r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p := &configParser{data: data, err: &ConfigError{File: file}}
	cfg := p.parse()
	if len(p.err.Problems) > 0 {
		return nil, p.err
	}
	return cfg, nil
}

type configParser struct {
	data []byte
	dec  *json.Decoder
	err  *ConfigError
}

// problem records what is wrong at a byte offset of the file.
func (p *configParser) problem(offset int64, format string, args ...any) {
	line, col := position(p.data, offset)
	p.err.Problems = append(p.err.Problems, fmt.Sprintf("%d:%d: ", line, col)+fmt.Sprintf(format, args...))
}

// position turns a byte offset into a line and a column, both from 1.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// next returns the next token and where it starts.
func (p *configParser) next() (json.Token, int64, error) {
	start := p.dec.InputOffset()
	tok, err := p.dec.Token()
	// InputOffset is where the previous token ended: the token starts
	// after any space and separator.
	for start < int64(len(p.data)) && bytes.IndexByte([]byte(" \t\r\n,:"), p.data[start]) >= 0 {
		start++
	}
	return tok, start, err
}

func (p *configParser) syntax(err error) {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		p.problem(se.Offset, "not valid JSON: %v", se)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		p.problem(int64(len(p.data)), "the file ends before its JSON does")
	default:
		p.problem(p.dec.InputOffset(), "not valid JSON: %v", err)
	}
}

const shape = `want {"providers": [{"type": ..., "endpoint": ...}, ...]}`

func (p *configParser) parse() *Config {
	if len(p.data) > maxConfigBytes {
		p.problem(0, "the file is larger than %d bytes: not a config", maxConfigBytes)
		return nil
	}
	if len(bytes.TrimSpace(p.data)) == 0 {
		p.problem(0, "the file is empty; %s", shape)
		return nil
	}
	p.dec = json.NewDecoder(bytes.NewReader(p.data))
	tok, at, err := p.next()
	if err != nil {
		p.syntax(err)
		return nil
	}
	if tok != json.Delim('{') {
		p.problem(at, "the file is not a JSON object; %s", shape)
		return nil
	}
	cfg := &Config{}
	sawProviders := false
	for p.dec.More() {
		tok, at, err := p.next()
		if err != nil {
			p.syntax(err)
			return nil
		}
		key := tok.(string)
		if key != "providers" {
			p.problem(at, "unknown key %q%s", key, suggest(key, []string{"providers"}))
			if !p.skip() {
				return nil
			}
			continue
		}
		sawProviders = true
		if !p.providers(cfg) {
			return nil
		}
	}
	if _, _, err := p.next(); err != nil { // the closing brace
		p.syntax(err)
		return nil
	}
	if _, at, err := p.next(); err != io.EOF {
		p.problem(at, "more follows the config's JSON object")
	}
	if !sawProviders || len(cfg.Providers) == 0 {
		p.problem(0, "the config names no provider; %s", shape)
	}
	seen := map[string]bool{}
	for _, pc := range cfg.Providers {
		if pc.Name != "" && seen[pc.Name] {
			p.err.Problems = append(p.err.Problems, fmt.Sprintf("two providers are named %q; give each a distinct \"name\"", pc.Name))
		}
		seen[pc.Name] = true
	}
	return cfg
}

// skip reads past one value; false means the file cannot be read further.
func (p *configParser) skip() bool {
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		p.syntax(err)
		return false
	}
	return true
}

func (p *configParser) providers(cfg *Config) bool {
	tok, at, err := p.next()
	if err != nil {
		p.syntax(err)
		return false
	}
	if tok != json.Delim('[') {
		p.problem(at, `"providers" is not a list; %s`, shape)
		return p.skipRest(tok)
	}
	for p.dec.More() {
		tok, at, err := p.next()
		if err != nil {
			p.syntax(err)
			return false
		}
		if tok != json.Delim('{') {
			p.problem(at, "provider %d is not an object", len(cfg.Providers)+1)
			// The token read is the whole of a scalar, or opens a list:
			// skipRest reads past what is left of it, and no further.
			if !p.skipRest(tok) {
				return false
			}
			cfg.Providers = append(cfg.Providers, ProviderConfig{})
			continue
		}
		pc, ok := p.provider(len(cfg.Providers)+1, at)
		if !ok {
			return false
		}
		cfg.Providers = append(cfg.Providers, pc)
	}
	_, _, err = p.next() // ]
	if err != nil {
		p.syntax(err)
		return false
	}
	return true
}

// skipRest reads past the rest of a value whose first token was read: a
// scalar has no rest.
func (p *configParser) skipRest(first json.Token) bool {
	depth := 0
	if d, ok := first.(json.Delim); ok && (d == '{' || d == '[') {
		depth = 1
	}
	for depth > 0 {
		tok, _, err := p.next()
		if err != nil {
			p.syntax(err)
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return true
}

// entry is one key of a provider object, and where it is.
type entry struct {
	key string
	at  int64
	raw json.RawMessage
}

// provider reads the object of provider n (from 1), whose brace is at.
func (p *configParser) provider(n int, start int64) (ProviderConfig, bool) {
	var entries []entry
	for p.dec.More() {
		tok, at, err := p.next()
		if err != nil {
			p.syntax(err)
			return ProviderConfig{}, false
		}
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			p.syntax(err)
			return ProviderConfig{}, false
		}
		entries = append(entries, entry{key: tok.(string), at: at, raw: raw})
	}
	if _, _, err := p.next(); err != nil { // }
		p.syntax(err)
		return ProviderConfig{}, false
	}

	var pc ProviderConfig
	where := fmt.Sprintf("provider %d", n)
	typeAt := start
	for _, e := range entries {
		if e.key == "type" {
			typeAt = e.at
			_ = json.Unmarshal(e.raw, &pc.Type)
		}
	}
	switch {
	case pc.Type == "":
		p.problem(start, `%s: "type" is missing (one of %s)`, where, strings.Join(types, ", "))
	case !slices.Contains(types, pc.Type):
		p.problem(typeAt, "%s: unknown type %q (one of %s)%s", where, pc.Type, strings.Join(types, ", "), suggest(pc.Type, types))
		pc.Type = ""
	}
	allowed := keysFor(pc.Type)
	for _, e := range entries {
		if isSecretKey(e.key) {
			p.problem(e.at, "%s: %q would hold a secret in the file; name an environment variable with %q instead", where, e.key, strings.ToLower(e.key)+"_env")
			continue
		}
		i := slices.IndexFunc(fields, func(f field) bool { return f.key == e.key })
		if i < 0 || (pc.Type != "" && !slices.Contains(allowed, e.key)) {
			if pc.Type == "" && i >= 0 {
				continue // cannot tell without a type
			}
			p.problem(e.at, "%s: unknown key %q for type %s%s (it reads %s)", where, e.key, pc.Type, suggest(e.key, allowed), strings.Join(allowed, ", "))
			continue
		}
		if err := fields[i].set(&pc, e.raw); err != nil {
			p.problem(e.at, "%s: %q: %v", where, e.key, err)
		}
	}
	if pc.Name == "" {
		pc.Name = pc.Type
	}
	if pc.Type != "" && pc.Endpoint == "" {
		p.problem(start, `%s: "endpoint" is missing`, where)
	}
	if pc.Type == TypeHuaweiWorkspace && pc.ProjectID == "" {
		p.problem(start, `%s: "project_id" is missing (Workspace calls are per project)`, where)
	}
	if pc.Burst > 0 && pc.Rate == 0 {
		p.problem(start, `%s: "burst" is set without "rate"`, where)
	}
	return pc, true
}

func isSecretKey(key string) bool {
	return slices.ContainsFunc(secretKeys, func(s string) bool { return strings.EqualFold(key, s) })
}

// suggest returns `; did you mean "x"?` for the valid word nearest to a
// misspelt one, or "" when none is near.
func suggest(word string, valid []string) string {
	best, bestDist := "", 3 // more edits than this is another word
	for _, v := range valid {
		if d := editDistance(strings.ToLower(word), v); d < bestDist {
			best, bestDist = v, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance of two short words.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Getenv reads an environment variable.
type Getenv func(string) string
