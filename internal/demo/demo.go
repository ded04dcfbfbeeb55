package demo

import (
	"log/slog"

	"github.com/openmfa/mfa-go/huaweiiam"
	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
	"github.com/openmfa/mfa-go/zstack"
)

// Demo is a running set of emulators and a client for each API.
type Demo struct {
	Sim       *sim.Sim
	IAM       *huaweiiam.VirtualMFAService
	Workspace *huaweiiam.WorkspaceOTPService
	Rackspace *rackspace.Client
	ZStack    *zstack.Client
}

// Start starts the emulators with their sample organisation and connects a
// client to each. logger may be nil.
func Start(logger *slog.Logger) (*Demo, error) {
	s, err := sim.Start(sim.Options{})
	if err != nil {
		return nil, err
	}
	c := s.Creds
	hw, err := huaweiiam.NewClient(huaweiiam.Config{
		IAMEndpoint:       s.IAM.URL(),
		WorkspaceEndpoint: s.Workspace.URL(),
		ProjectID:         c.HuaweiProjectID,
		Token:             c.HuaweiToken,
		Logger:            logger,
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	rax, err := rackspace.NewClient(rackspace.Config{
		Endpoint: s.Rackspace.URL(),
		Username: c.RackspaceUser,
		APIKey:   c.RackspaceAPIKey,
		Logger:   logger,
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	zs, err := zstack.NewClient(zstack.Config{
		Endpoint:    s.ZStack.URL(),
		AccountName: c.ZStackAccount,
		Password:    c.ZStackPassword,
		Logger:      logger,
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	return &Demo{Sim: s, IAM: hw.VirtualMFA(), Workspace: hw.WorkspaceOTP(), Rackspace: rax, ZStack: zs}, nil
}

// Providers returns the four providers.
func (d *Demo) Providers() []mfa.Provider {
	return []mfa.Provider{d.IAM, d.Workspace, d.Rackspace, d.ZStack}
}

// Close logs out of ZStack and stops the emulators.
func (d *Demo) Close() {
	_ = d.ZStack.Close()
	d.Sim.Close()
}
