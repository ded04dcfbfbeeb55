package main

import (
	"github.com/openmfa/mfa-go/huaweiiam/huaweiiamtest"
	"github.com/openmfa/mfa-go/rackspace/rackspacetest"
	"github.com/openmfa/mfa-go/zstack/zstacktest"
)

// emulators are the public test servers of the three vendor packages,
// seeded with a sample organisation, and the config of an audit of them.
type emulators struct {
	config *Config
	getenv Getenv
	close  func()
}

// startEmulators starts the servers. Each vendor logs in where it can, so
// that the audit shows every kind of credential at work, and no provider
// names its users: each is audited whole.
func startEmulators() (*emulators, error) {
	hw, err := huaweiiamtest.NewServer(huaweiiamtest.Options{})
	if err != nil {
		return nil, err
	}
	rax, err := rackspacetest.NewServer(rackspacetest.Options{})
	if err != nil {
		hw.Close()
		return nil, err
	}
	zs, err := zstacktest.NewServer(zstacktest.Options{})
	if err != nil {
		hw.Close()
		rax.Close()
		return nil, err
	}
	env := map[string]string{
		"HW_PASSWORD": hw.Password.Reveal(),
		"HW_TOKEN":    hw.Token.Reveal(),
		"RAX_API_KEY": rax.APIKey.Reveal(),
		"ZS_PASSWORD": zs.Password.Reveal(),
	}
	return &emulators{
		config: &Config{Providers: []ProviderConfig{
			{Type: TypeHuaweiIAM, Name: "hw-iam", Endpoint: hw.IAMURL, TokenEnv: "HW_TOKEN"},
			{Type: TypeHuaweiWorkspace, Name: "hw-ws", Endpoint: hw.WorkspaceURL, ProjectID: hw.ProjectID,
				IAMEndpoint: hw.IAMURL, Domain: hw.DomainName, Username: hw.Username, PasswordEnv: "HW_PASSWORD"},
			{Type: TypeRackspace, Name: "rax", Endpoint: rax.URL, Username: rax.Username, APIKeyEnv: "RAX_API_KEY"},
			{Type: TypeZStack, Name: "zs", Endpoint: zs.URL, Account: zs.AccountName, PasswordEnv: "ZS_PASSWORD"},
		}},
		getenv: func(name string) string { return env[name] },
		close: func() {
			hw.Close()
			rax.Close()
			zs.Close()
		},
	}, nil
}
