package rackspace

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// devicesBody is a list of n OTP devices in JSON, pretty-printed as the
// vendor's examples are.
func devicesBody(n int) []byte {
	type dev struct {
		ID       string `json:"id"`
		Verified bool   `json:"verified"`
		Name     string `json:"name"`
	}
	devs := make([]dev, n)
	for i := range devs {
		devs[i] = dev{fmt.Sprintf("%032x", i*7919+1), i%4 != 0, fmt.Sprintf("OTPDevice%d", i)}
	}
	b, _ := json.MarshalIndent(map[string]any{keyDevices: devs}, "", "    ")
	return b
}

// devicesXMLBody is the same list in XML.
func devicesXMLBody(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<rax-auth:otpDevices xmlns:rax-auth="` + nsRAXAUTH + `" xmlns="` + nsIdentity + `">` + "\n")
	for i := range n {
		fmt.Fprintf(&b, "  <rax-auth:otpDevice verified=\"%t\" name=\"OTPDevice%d\" id=\"%032x\"/>\n", i%4 != 0, i, i*7919+1)
	}
	b.WriteString("</rax-auth:otpDevices>\n")
	return b.String()
}

// BenchmarkDecodeOTPDevices is decoding alone, 1,000 devices: JSON with
// this package's decoder and with encoding/json's, and XML.
func BenchmarkDecodeOTPDevices(b *testing.B) {
	const n = 1000
	body := devicesBody(n)
	text := string(body)
	b.Run("JSON/jsonscan", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if devs, err := decodeDevicesJSON(text, "p", "u"); err != nil || len(devs) != n {
				b.Fatal(err)
			}
		}
	})
	b.Run("JSON/encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if devs, err := referenceDevicesJSON(body, "p", "u"); err != nil || len(devs) != n {
				b.Fatal(err)
			}
		}
	})
	xmlText := devicesXMLBody(n)
	b.Run("XML", func(b *testing.B) {
		b.SetBytes(int64(len(xmlText)))
		b.ReportAllocs()
		for b.Loop() {
			if devs, err := decodeDevicesXML(xmlText, "p", "u"); err != nil || len(devs) != n {
				b.Fatal(err)
			}
		}
	})
}
