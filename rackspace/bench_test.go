package rackspace_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openmfa/mfa-go/internal/benchkit"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

// The bodies of the benchmarks: a list of OTP devices as Identity sends
// it, in JSON (pretty-printed as the vendor's examples are) and in XML
// (with the namespace declarations of the vendor's examples).

type benchDevice struct {
	ID       string `json:"id" xml:"id,attr"`
	Verified bool   `json:"verified" xml:"verified,attr"`
	Name     string `json:"name" xml:"name,attr"`
}

const benchUser = "a6b5e4c3d2f1a0b9c8d7e6f5a4b3c2d1"

func benchDevices(n int) []benchDevice {
	devs := make([]benchDevice, n)
	for i := range devs {
		devs[i] = benchDevice{fmt.Sprintf("%032x", i*7919+1), i%4 != 0, fmt.Sprintf("OTPDevice%d", i)}
	}
	return devs
}

func benchJSONBody(n int) []byte {
	b, _ := json.MarshalIndent(map[string]any{"RAX-AUTH:otpDevices": benchDevices(n)}, "", "    ")
	return b
}

func benchXMLBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<rax-auth:otpDevices
     xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:rax-auth="http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0"
     xmlns="http://docs.openstack.org/identity/api/v2.0"
     xmlns:ns4="http://docs.rackspace.com/identity/api/ext/RAX-KSGRP/v1.0"
     xmlns:rax-ksqa="http://docs.rackspace.com/identity/api/ext/RAX-KSQA/v1.0"
     xmlns:os-ksadm="http://docs.openstack.org/identity/api/ext/OS-KSADM/v1.0"
     xmlns:rax-kskey="http://docs.rackspace.com/identity/api/ext/RAX-KSKEY/v1.0"
     xmlns:os-ksec2="http://docs.openstack.org/identity/api/ext/OS-KSEC2/v1.0">
`)
	for _, d := range benchDevices(n) {
		fmt.Fprintf(&b, "     <rax-auth:otpDevice verified=\"%t\" name=\"%s\" id=\"%s\"/>\n", d.Verified, d.Name, d.ID)
	}
	b.WriteString("</rax-auth:otpDevices>\n")
	return []byte(b.String())
}

func benchMFAGo(b *testing.B, endpoint string, format rackspace.Format, n int) {
	c, err := rackspace.NewClient(rackspace.Config{Endpoint: endpoint, Token: mfa.NewSecret("t"), Format: format})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		devs, err := c.OTPDevices(ctx, benchUser)
		if err != nil || len(devs) != n {
			b.Fatal(err, len(devs))
		}
	}
}

// BenchmarkOTPDevices50 reads the 50 OTP devices of one user:
// GET /v2.0/users/{userId}/RAX-AUTH/multi-factor/otp-devices, in JSON and
// in XML.
func BenchmarkOTPDevices50(b *testing.B) {
	const n = 50
	path := "/v2.0/users/" + benchUser + "/RAX-AUTH/multi-factor/otp-devices"
	formats := []struct {
		name, mediaType string
		format          rackspace.Format
		body            []byte
		decode          func(io.Reader) (int, error)
	}{
		{"JSON", "application/json", rackspace.JSON, benchJSONBody(n), func(r io.Reader) (int, error) {
			var v struct {
				Devices []benchDevice `json:"RAX-AUTH:otpDevices"`
			}
			err := json.NewDecoder(r).Decode(&v)
			return len(v.Devices), err
		}},
		{"XML", "application/xml", rackspace.XML, benchXMLBody(n), func(r io.Reader) (int, error) {
			var v struct {
				XMLName xml.Name      `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 otpDevices"`
				Devices []benchDevice `xml:"http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0 otpDevice"`
			}
			err := xml.NewDecoder(r).Decode(&v)
			return len(v.Devices), err
		}},
	}
	for _, f := range formats {
		b.Run(f.name, func(b *testing.B) {
			srv := benchkit.NewServer(b, http.Header{"Content-Type": {f.mediaType}}, f.body)
			url := srv.URL + path
			srv.Run(b, "floor", func(b *testing.B) { benchkit.Floor(b, url) })
			srv.Run(b, "stdlib", func(b *testing.B) {
				benchkit.Stdlib(b, url, http.Header{"X-Auth-Token": {"t"}, "Accept": {f.mediaType}}, n, f.decode)
			})
			srv.Run(b, "mfa-go", func(b *testing.B) { benchMFAGo(b, srv.URL, f.format, n) })
		})
	}
}
