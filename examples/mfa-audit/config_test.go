package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// designConfig is the config of design.md, as a user would write it.
const designConfig = `{"providers": [
  {"type": "huawei-iam", "name": "hw-iam", "endpoint": "https://iam.myhuaweicloud.com",
   "token_env": "HW_TOKEN", "users": ["u1"]},
  {"type": "huawei-workspace", "name": "hw-ws", "endpoint": "https://workspace.ap-southeast-1.myhuaweicloud.com",
   "project_id": "0bec5db98280d2d02fd6c00c2de791ce", "token_env": "HW_TOKEN", "users": ["u2"]},
  {"type": "rackspace", "name": "rax", "endpoint": "https://identity.api.rackspacecloud.com",
   "token_env": "RAX_TOKEN", "format": "xml", "users": ["u3"]},
  {"type": "zstack", "name": "zs", "endpoint": "http://zstack.example.com:8080",
   "session_env": "ZS_SESSION"}
]}`

func TestParseConfigReadsTheDesignExample(t *testing.T) {
	cfg, err := ParseConfig(strings.NewReader(designConfig))
	require.NoError(t, err)
	require.Len(t, cfg.Providers, 4)
	assert.Equal(t, ProviderConfig{Type: TypeRackspace, Name: "rax", Endpoint: "https://identity.api.rackspacecloud.com",
		TokenEnv: "RAX_TOKEN", Format: "xml", Users: []string{"u3"}}, cfg.Providers[2])

	env := map[string]string{"HW_TOKEN": "hw-secret-token", "RAX_TOKEN": "rax-secret-token", "ZS_SESSION": "zs-session"}
	targets, closers, err := buildTargets(cfg, func(k string) string { return env[k] }, nil)
	require.NoError(t, err)
	require.Len(t, targets, 4)
	names := []string{}
	for _, tg := range targets {
		names = append(names, tg.Provider.Name())
	}
	assert.Equal(t, []string{"hw-iam", "hw-ws", "rax", "zs"}, names)
	assert.Len(t, closers, 1, "the ZStack client")
}

func TestParseConfigDefaultsTheNameToTheType(t *testing.T) {
	cfg, err := ParseConfig(strings.NewReader(`{"providers":[{"type":"zstack","endpoint":"http://h:8080","session_env":"S"}]}`))
	require.NoError(t, err)
	assert.Equal(t, "zstack", cfg.Providers[0].Name)
}

func TestParseConfigRefusesWhatCannotWork(t *testing.T) {
	cases := map[string]string{
		``:                   "not valid",
		`[]`:                 "not valid",
		`{"providers":[]}`:   "names no provider",
		`{"providers":[{}]}`: `"type" is missing`,
		`{"providers":[{"type":"okta","endpoint":"x"}]}`:                                                  `unknown type "okta"`,
		`{"providers":[{"type":"zstack"}]}`:                                                               `"endpoint" is missing`,
		`{"providers":[{"type":"huawei-workspace","endpoint":"https://w"}]}`:                              `"project_id" is missing`,
		`{"providers":[{"type":"rackspace","endpoint":"https://r","format":"yaml"}]}`:                     `"format" is "yaml"`,
		`{"providers":[{"type":"zstack","endpoint":"http://z","format":"xml"}]}`:                          `"format" does not apply to type zstack`,
		`{"providers":[{"type":"rackspace","endpoint":"http://z","account":"admin"}]}`:                    `"account" does not apply to type rackspace`,
		`{"providers":[{"type":"zstack","endpoint":"http://z","users":[" "]}]}`:                           "empty id",
		`{"providers":[{"type":"zstack","endpoint":"http://z","sesion_env":"S"}]}`:                        `"sesion_env" does not apply to type zstack (it reads session_env, account, password_env, timezone)`,
		`{"providers":[{"type":"zstack","endpoint":"http://z"},{"type":"zstack","endpoint":"http://y"}]}`: `two providers are named "zstack"`,
		`{"providers":[{"type":"zstack","endpoint":"http://z"}]} {}`:                                      "more than one JSON value",
		`{"providers":[{"type":"rackspace","endpoint":"https://r","token":"abc123secret"}]}`:              `"token" holds a secret in the file; name an environment variable with "token_env"`,
		`{"providers":[{"type":"zstack","endpoint":"http://z","Password":"hunter2hunter2"}]}`:             `"Password" holds a secret`,
	}
	for body, want := range cases {
		_, err := ParseConfig(strings.NewReader(body))
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
		assert.NotContains(t, err.Error(), "abc123secret")
		assert.NotContains(t, err.Error(), "hunter2hunter2")
	}
}

func TestBuildTargetsNeedsTheEnvironment(t *testing.T) {
	cfg, err := ParseConfig(strings.NewReader(`{"providers":[{"type":"rackspace","endpoint":"https://r.example","username":"u","api_key_env":"RAX_KEY"}]}`))
	require.NoError(t, err)
	_, _, err = buildTargets(cfg, func(string) string { return "" }, nil)
	assert.ErrorContains(t, err, `"api_key_env" names the environment variable RAX_KEY, which is empty or unset`)

	_, _, err = buildTargets(cfg, func(string) string { return "key-value-secret" }, nil)
	assert.NoError(t, err)

	cfg.Providers[0].Endpoint = "https://user:pw@r.example"
	_, _, err = buildTargets(cfg, func(string) string { return "key-value-secret" }, nil)
	require.Error(t, err, "the vendor client refuses what cannot work")
	assert.NotContains(t, err.Error(), "key-value-secret")
	assert.Contains(t, err.Error(), "provider 1 (rackspace)")
}

func FuzzParseConfig(f *testing.F) {
	f.Add(designConfig)
	f.Add(`{"providers":[{"type":"zstack","endpoint":"http://z","users":["a"]}]}`)
	f.Add(`{"providers":[{"type":"rackspace","endpoint":"https://r","token":"x"}]}`)
	f.Add(`{"providers":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		cfg, err := ParseConfig(strings.NewReader(body))
		if err != nil {
			return
		}
		names := map[string]bool{}
		for _, p := range cfg.Providers {
			if p.Name == "" || p.Endpoint == "" || names[p.Name] {
				t.Fatalf("accepted %+v", p)
			}
			names[p.Name] = true
		}
		// Every accepted config builds or fails with an error, never a panic.
		_, closers, _ := buildTargets(cfg, func(string) string { return "s" }, nil)
		for _, c := range closers {
			_ = c.(interface{ Close() error }).Close()
		}
	})
}
