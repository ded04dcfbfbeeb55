package bench

import (
	"encoding/json"
	"fmt"
)

// OTPDevice is one Workspace OTP device as the API sends it.
type OTPDevice struct {
	ID         string `json:"id"`
	UserID     string `json:"user_id"`
	UserName   string `json:"user_name"`
	Status     string `json:"status"`
	CreateTime string `json:"create_time"`
}

// OTPList is the body of GET /v2/{project_id}/users/{user_id}/otp-devices.
type OTPList struct {
	OTPDevices []OTPDevice `json:"otp_devices"`
}

// VirtualMFADevice is one IAM virtual MFA device as the API sends it.
type VirtualMFADevice struct {
	UserID       string `json:"user_id"`
	SerialNumber string `json:"serial_number"`
}

// VirtualMFAList is the body of GET /v3.0/OS-MFA/virtual-mfa-devices.
type VirtualMFAList struct {
	Devices []VirtualMFADevice `json:"virtual_mfa_devices"`
}

// The user whose OTP devices the Workspace benchmarks read.
const (
	OTPUserID   = "8a2c3f9579d240820179d51e6caf0001"
	OTPUserName = "zhangsan"
)

func hex32(i int) string { return fmt.Sprintf("%032x", i*7919+1) }

// OTPBody is a Workspace OTP list of n devices, pretty-printed with a
// 2-space indent as the vendor's examples are. One device in three is
// UNREGISTER, the others REGISTERED.
func OTPBody(n int) []byte {
	l := OTPList{OTPDevices: make([]OTPDevice, n)}
	for i := range l.OTPDevices {
		status := "REGISTERED"
		if i%3 == 0 {
			status = "UNREGISTER"
		}
		l.OTPDevices[i] = OTPDevice{hex32(i), OTPUserID, OTPUserName, status, "2020-04-10 06:45:14"}
	}
	return indent(l)
}

// VirtualMFABody is an IAM list of n virtual MFA devices, pretty-printed
// with a 2-space indent; serial numbers are "iam/mfa/<32 hex digits>".
// 1,000 devices make 132 KB.
func VirtualMFABody(n int) []byte { return indent(virtualMFAList(n)) }

// VirtualMFABodyCompact is VirtualMFABody without the indent: 1,000
// devices make 106 KB.
func VirtualMFABodyCompact(n int) []byte {
	b, err := json.Marshal(virtualMFAList(n))
	if err != nil {
		panic(err) // plain structs of strings always marshal
	}
	return b
}

func virtualMFAList(n int) VirtualMFAList {
	l := VirtualMFAList{Devices: make([]VirtualMFADevice, n)}
	for i := range l.Devices {
		l.Devices[i] = VirtualMFADevice{hex32(i), "iam/mfa/" + hex32(i)}
	}
	return l
}

func indent(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // plain structs of strings always marshal
	}
	return b
}
