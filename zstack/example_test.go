package zstack_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

// fakeZStack serves the bodies of testdata/ as a ZStack management server
// would: a login, the secrets, accounts and IAM2 users queries, and a
// logout.
func fakeZStack() *httptest.Server {
	serve := func(w http.ResponseWriter, name string) {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/zstack/v1/accounts/login":
			serve(w, "login.json")
		case r.Method == http.MethodGet && r.URL.Path == "/zstack/v1/twofactorauthentication/secrets":
			serve(w, "secrets_status_object.json")
		case r.Method == http.MethodGet && r.URL.Path == "/zstack/v1/accounts":
			serve(w, "accounts.json")
		case r.Method == http.MethodGet && r.URL.Path == "/zstack/v1/iam2/virtual-ids":
			serve(w, "virtual_ids.json")
		case r.Method == http.MethodDelete:
			serve(w, "logout.json")
		default:
			http.NotFound(w, r)
		}
	}))
}

// Log in with an account, list every secret of the server, log out.
func Example() {
	srv := fakeZStack()
	defer srv.Close()

	c, err := zstack.NewClient(zstack.Config{
		Endpoint:    srv.URL, // "http://zstack.example.com:8080"
		AccountName: "admin",
		Password:    mfa.NewSecret("password"),
		Location:    time.UTC, // the zone the server prints its dates in
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	for dev, err := range c.AllDevices(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(dev.ID(), dev.UserID(), dev.Status(), dev.VendorStatus(), dev.CreatedAt().Format(time.RFC3339))
	}
	// Output:
	// 5e2f9a1c7d3b4e8f9a0b1c2d3e4f5a6b 8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f active Logined 2025-10-28T14:09:26Z
	// 6f3a0b2d8e4c5f9a0b1c2d3e4f5a6b7c 264d446f00e43793a2b0dcd21c367aaf pending NewCreated 2025-10-28T14:09:26Z
	// 7a4b1c3e9f5d6a0b1c2d3e4f5a6b7c8d 264d446f00e43793a2b0dcd21c367aaf unknown Disabled 2025-10-28T14:09:26Z
}

// List every user, accounts then IAM2 users, as an audit does: who can log
// in, and what ZStack says about login MFA (nothing: unknown). The
// listing pages past the server's 1000 rows, and a server that never ends
// it is cut at MaxListing rows.
func ExampleClient_Users() {
	srv := fakeZStack()
	defer srv.Close()

	c, err := zstack.NewClient(zstack.Config{
		Endpoint:   srv.URL,
		SessionID:  mfa.NewSecret("b86c9016b4f24953a9edefb53ca0678c"),
		Pacing:     mfa.Pacing{Rate: 50}, // spare the management node
		MaxListing: 100_000,
	})
	if err != nil {
		log.Fatal(err)
	}
	for u, err := range c.Users(context.Background()) {
		if err != nil {
			log.Fatal(err) // the users before it were yielded
		}
		fmt.Println(u.ID, u.Name, u.Enabled, u.LoginMFA)
	}
	// Output:
	// 36c27e8ff05c4780bf6d2fa65700f22e admin true unknown
	// 4a6c1b2e9f0d4e3a8b7c6d5e4f3a2b1c finance false unknown
	// 5b7d2c3f0a1e4f4b9c8d7e6f5a4b3c2d legacy false unknown
	// 6c8e3d4a1b2f4a5c0d9e8f7a6b5c4d3e ops true unknown
	// 8c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f zhangsan true unknown
	// 9d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a lisi false unknown
}

// Query one page with conditions, and read a secret's TOTP seed.
func ExampleClient_QuerySecrets() {
	srv := fakeZStack()
	defer srv.Close()

	c, err := zstack.NewClient(zstack.Config{Endpoint: srv.URL, SessionID: mfa.NewSecret("b86c9016b4f24953a9edefb53ca0678c")})
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{
		Conditions: zstack.Conditions{
			zstack.Eq("userType", "IAM2VirtualIDVO"),
			zstack.In("status", zstack.NewCreated, zstack.Logined),
		},
		Sort:  zstack.Desc("createDate"),
		Limit: 100,
	})
	if err != nil {
		log.Fatal(err)
	}
	s := page.Secrets[0]
	fmt.Println(s.ID(), s.UserType())
	fmt.Println(s.TOTPSecret())                   // redacted when printed
	fmt.Println(len(s.TOTPSecret().Reveal()) > 0) // readable on request
	// Output:
	// 5e2f9a1c7d3b4e8f9a0b1c2d3e4f5a6b IAM2VirtualIDVO
	// [REDACTED]
	// true
}

// A condition the server would read otherwise than meant is refused before
// any request.
func ExampleCondition_Validate() {
	fmt.Println(zstack.Gte("createDate", "2025-01-01").Validate())
	fmt.Println(zstack.Gt("n", "=5").Validate())
	// Output:
	// <nil>
	// zstack: query condition "n>=5": bad request: the server would read it as "n" >= "5": the value holds an operator the server looks for first
}
