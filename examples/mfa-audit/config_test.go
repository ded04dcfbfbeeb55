package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
)

// designConfig is the config of design.md, as a user would write it.
const designConfig = `{"providers": [
  {"type": "huawei-iam", "name": "hw-iam", "endpoint": "https://iam.myhuaweicloud.com",
   "token_env": "HW_TOKEN", "users": ["u1"]},
  {"type": "huawei-workspace", "name": "hw-ws", "endpoint": "https://workspace.ap-southeast-1.myhuaweicloud.com",
   "project_id": "0bec5db98280d2d02fd6c00c2de791ce", "token_env": "HW_TOKEN", "users": ["u2"]},
  {"type": "rackspace", "name": "rax", "endpoint": "https://identity.api.rackspacecloud.com",
   "token_env": "RAX_TOKEN", "format": "xml", "users": ["u3"], "rate": 10, "burst": 2},
  {"type": "zstack", "name": "zs", "endpoint": "http://zstack.example.com:8080",
   "session_env": "ZS_SESSION"}
]}`

func TestParseConfigReadsTheDesignExample(t *testing.T) {
	cfg, err := ParseConfig("audit.json", strings.NewReader(designConfig))
	require.NoError(t, err)
	require.Len(t, cfg.Providers, 4)
	assert.Equal(t, ProviderConfig{Type: TypeRackspace, Name: "rax", Endpoint: "https://identity.api.rackspacecloud.com",
		TokenEnv: "RAX_TOKEN", Format: "xml", Users: []string{"u3"}, Rate: 10, Burst: 2}, cfg.Providers[2])
	assert.Nil(t, cfg.Providers[3].Users, "no users: every user the provider lists")

	env := map[string]string{"HW_TOKEN": "hw-secret-token", "RAX_TOKEN": "rax-secret-token", "ZS_SESSION": "zs-session"}
	b, err := buildProviders(cfg, func(k string) string { return env[k] }, mfa.Pacing{}, nil)
	require.NoError(t, err)
	defer b.close(nil)
	var names []string
	for _, p := range b.dir.Providers() {
		names = append(names, p.Name())
	}
	assert.Equal(t, []string{"hw-iam", "hw-ws", "rax", "zs"}, names)
	assert.Equal(t, []string{"provider zs sends its credentials unencrypted to zstack.example.com:8080 (plain http)"}, b.warnings)
	assert.Equal(t, "huawei-workspace", b.types["hw-ws"])
}

func TestParseConfigListsEveryProblemWithItsPlace(t *testing.T) {
	const file = `{"providers": [
  {"type": "rackspace", "endpoint": "https://r", "usres": ["u1"], "token": "abc123secret"},
  {"type": "zstak", "endpoint": "http://z"},
  {"type": "zstack", "sesion_env": "S", "rate": -1, "burst": 3}
]}`
	_, err := ParseConfig("audit.json", strings.NewReader(file))
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{
		`2:50: provider 1: unknown key "usres" for type rackspace; did you mean "users"? (it reads type, name, endpoint, users, rate, burst, token_env, username, password_env, api_key_env, format)`,
		`2:67: provider 1: "token" would hold a secret in the file; name an environment variable with "token_env" instead`,
		`3:4: provider 2: unknown type "zstak" (one of huawei-iam, huawei-workspace, rackspace, zstack); did you mean "zstack"?`,
		`4:22: provider 3: unknown key "sesion_env" for type zstack; did you mean "session_env"? (it reads type, name, endpoint, users, rate, burst, password_env, session_env, account, timezone)`,
		`4:41: provider 3: "rate": want requests per second: a number, 0 or more`,
		`4:3: provider 3: "endpoint" is missing`,
	}, ce.Problems)
	assert.Contains(t, err.Error(), "audit.json:2:50: provider 1")
	assert.NotContains(t, err.Error(), "abc123secret", "a secret written in the file is never repeated")
}

func TestParseConfigRefusesWhatCannotWork(t *testing.T) {
	cases := map[string]string{
		``:                 "1:1: the file is empty",
		"  \n ":            "1:1: the file is empty",
		`[]`:               "1:1: the file is not a JSON object",
		`{"providers":[]}`: "names no provider",
		`{}`:               "names no provider",
		`{"provider":[]}`:  `unknown key "provider"; did you mean "providers"?`,
		"{\n\"providers\": [\n{\"type\": \"zstack\",,}]}": `3:19: not valid JSON`,
		`{"providers":[{"type":"zstack"`:                  "the file ends before its JSON does",
		`{"providers":[{}]}`:                              `1:15: provider 1: "type" is missing`,
		`{"providers":[1]}`:                               "provider 1 is not an object",
		`{"providers":{}}`:                                `"providers" is not a list`,
		`{"providers":[{"type":"huawei-workspace","endpoint":"https://w"}]}`:                              `"project_id" is missing`,
		`{"providers":[{"type":"rackspace","endpoint":"https://r","format":"yaml"}]}`:                     `"format": want "json" or "xml"`,
		`{"providers":[{"type":"zstack","endpoint":"http://z","format":"xml"}]}`:                          `unknown key "format" for type zstack`,
		`{"providers":[{"type":"zstack","endpoint":"http://z","users":[" "]}]}`:                           `"users": holds an empty id`,
		`{"providers":[{"type":"zstack","endpoint":"http://z","users":"u1"}]}`:                            `"users": want a list of user ids`,
		`{"providers":[{"type":"zstack","endpoint":"http://z","burst":1e9,"rate":1}]}`:                    `"burst": want a whole number from 0 to 10000`,
		`{"providers":[{"type":"zstack","endpoint":"http://z"},{"type":"zstack","endpoint":"http://y"}]}`: `two providers are named "zstack"`,
		`{"providers":[{"type":"zstack","endpoint":"http://z"}]} {}`:                                      "more follows the config's JSON object",
		`{"providers":[{"type":"zstack","endpoint":"http://z","Password":"hunter2hunter2"}]}`:             `"Password" would hold a secret`,
	}
	for body, want := range cases {
		_, err := ParseConfig("c.json", strings.NewReader(body))
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
		assert.True(t, strings.HasPrefix(err.Error(), "c.json:"), "%s: the error names the file: %v", body, err)
		assert.NotContains(t, err.Error(), "hunter2hunter2")
	}
	_, err := ParseConfig("big.json", strings.NewReader(strings.Repeat(" ", maxConfigBytes+1)))
	assert.ErrorContains(t, err, "larger than")
}

func TestEditDistanceSuggestions(t *testing.T) {
	assert.Equal(t, `; did you mean "users"?`, suggest("usres", keysFor(TypeZStack)))
	assert.Equal(t, `; did you mean "token_env"?`, suggest("TOKEN_ENV", keysFor(TypeRackspace)))
	assert.Empty(t, suggest("colour", keysFor(TypeZStack)), "nothing near: no suggestion")
}

func TestBuildProvidersNeedsTheEnvironment(t *testing.T) {
	cfg, err := ParseConfig("c.json", strings.NewReader(`{"providers":[
		{"type":"rackspace","endpoint":"https://r.example","username":"u","api_key_env":"RAX_KEY"},
		{"type":"zstack","endpoint":"https://z.example","session_env":"ZS_SESSION"}]}`))
	require.NoError(t, err)
	_, err = buildProviders(cfg, func(string) string { return "" }, mfa.Pacing{}, nil)
	assert.ErrorContains(t, err, `provider 1 (rackspace): "api_key_env" names the environment variable RAX_KEY, which is empty or unset`)
	assert.ErrorContains(t, err, `provider 2 (zstack): "session_env" names the environment variable ZS_SESSION`, "every provider's problem at once")
}

// A provider entry that is no object is one problem: the entries after it
// are read as they are, and the list still ends where it does.
func TestParseConfigReadsPastAProviderThatIsNoObject(t *testing.T) {
	for first, at := range map[string]string{`"x"`: "1:16", `5`: "1:16", `[1, {"a": 2}]`: "1:16", `null`: "1:16"} {
		body := `{"providers": [` + first + `, {"type": "zstack", "endpoint": "https://z"}]}`
		_, err := ParseConfig("c.json", strings.NewReader(body))
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, body)
		assert.Equal(t, []string{at + ": provider 1 is not an object"}, ce.Problems, body)
	}
}
