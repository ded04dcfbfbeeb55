package rackspace_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/rackspace"
)

// identityServer is a stand-in for the Identity service that serves the
// vendor's example bodies from testdata, in the format asked for.
func identityServer() *httptest.Server {
	const users = "/v2.0/users/e0fb2b4ddb594819b697d0048614c117"
	serveFile := func(w http.ResponseWriter, r *http.Request, status int, name string) {
		ext := ".json"
		if strings.Contains(r.Header.Get("Accept"), "xml") {
			ext = ".xml"
		}
		body, err := os.ReadFile(filepath.Join("testdata", name+ext))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/"+ext[1:])
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2.0/tokens", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, http.StatusOK, "token")
	})
	mux.HandleFunc("GET "+users+"/RAX-AUTH/multi-factor/otp-devices", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, http.StatusOK, "devices_list")
	})
	mux.HandleFunc("GET "+users+"/RAX-AUTH/multi-factor/otp-devices/{id}", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, http.StatusNotFound, "faults/itemNotFound")
	})
	mux.HandleFunc("GET "+users, func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, http.StatusOK, "user")
	})
	mux.HandleFunc("GET "+users+"/RAX-AUTH/multi-factor/mobile-phones", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, http.StatusOK, "mobile_phones")
	})
	mux.HandleFunc("GET /v2.0/users", func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, http.StatusOK, "users")
	})
	return httptest.NewServer(mux)
}

func Example() {
	srv := identityServer()
	defer srv.Close()

	c, err := rackspace.NewClient(rackspace.Config{
		Endpoint: srv.URL, // rackspace.PublicEndpoint in production
		Token:    mfa.NewSecret("83aa159390854e4690e4834e0cfa5f6c"),
		Format:   rackspace.XML,
	})
	if err != nil {
		log.Fatal(err)
	}
	devices, err := c.OTPDevices(context.Background(), "e0fb2b4ddb594819b697d0048614c117")
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range devices {
		fmt.Println(d.ID(), d.Name(), d.Status(), d.VendorStatus())
	}
	// Output:
	// 22eec7c1f65a4615945d89e38786a6b3 NewOTPDevice1 pending unverified
	// a34b5e4a1ffe4514a8859716136dc7cb NewOTPDevice2 pending unverified
	// 6b2834a8bef6461e96ef2322b4c72998 NewOTPDevice active verified
}

func ExampleClient_UserMFA() {
	srv := identityServer()
	defer srv.Close()

	// An API key login: the token is obtained at the first call and
	// renewed as needed.
	c, err := rackspace.NewClient(rackspace.Config{
		Endpoint: srv.URL,
		Username: "jqsmith",
		APIKey:   mfa.NewSecret("aaaaa-bbbbb-ccccc-12345678"),
	})
	if err != nil {
		log.Fatal(err)
	}
	settings, err := c.UserMFA(context.Background(), "e0fb2b4ddb594819b697d0048614c117")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(settings.UserName, settings.Enabled, settings.State, settings.EnforcementLevel)
	// Output:
	// jqsmith true ACTIVE OPTIONAL
}

func ExampleClient_OTPDevice_notFound() {
	srv := identityServer()
	defer srv.Close()

	c, err := rackspace.NewClient(rackspace.Config{Endpoint: srv.URL, Token: mfa.NewSecret("83aa159390854e4690e4834e0cfa5f6c")})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.OTPDevice(context.Background(), "e0fb2b4ddb594819b697d0048614c117", "0000")
	var apiErr *mfa.APIError
	if errors.Is(err, mfa.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Message, "-", apiErr.Details)
	}
	// Output:
	// 404 itemNotFound Not found - OTP device not found
}

func ExampleClient_Users() {
	srv := identityServer()
	defer srv.Close()

	c, err := rackspace.NewClient(rackspace.Config{Endpoint: srv.URL, Token: mfa.NewSecret("83aa159390854e4690e4834e0cfa5f6c")})
	if err != nil {
		log.Fatal(err)
	}
	// The listing reads page after page; an error ends it, after every
	// user read before it.
	for u, err := range c.Users(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		line := fmt.Sprintf("%-9s enabled=%-5t login MFA %s", u.Name, u.Enabled, u.LoginMFA)
		if u.LoginMFAMethod != "" {
			line += " (" + u.LoginMFAMethod + ")"
		}
		fmt.Println(line)
	}
	// Output:
	// jqsmith   enabled=true  login MFA required (OTP)
	// bsmith    enabled=true  login MFA required (SMS)
	// poejo     enabled=false login MFA not-required
	// nofactor  enabled=true  login MFA unknown
	// mustenrol enabled=true  login MFA required
	// legacy    enabled=true  login MFA unknown
}

func ExampleClient_UserDevices() {
	srv := identityServer()
	defer srv.Close()

	c, err := rackspace.NewClient(rackspace.Config{
		Endpoint: srv.URL,
		Token:    mfa.NewSecret("83aa159390854e4690e4834e0cfa5f6c"),
		Format:   rackspace.XML,
	})
	if err != nil {
		log.Fatal(err)
	}
	// The OTP devices, then the mobile phone, whose number shows masked.
	devices, err := c.UserDevices(context.Background(), "e0fb2b4ddb594819b697d0048614c117")
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range devices {
		fmt.Println(d.Kind(), d.ID(), d.Name(), d.Status())
	}
	// Output:
	// totp 22eec7c1f65a4615945d89e38786a6b3 NewOTPDevice1 pending
	// totp a34b5e4a1ffe4514a8859716136dc7cb NewOTPDevice2 pending
	// totp 6b2834a8bef6461e96ef2322b4c72998 NewOTPDevice active
	// sms 12345 *********89 active
}
