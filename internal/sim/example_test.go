package sim_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/openmfa/mfa-go/internal/sim"
	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// Start a sample organisation, read its ground truth, and query one API.
func Example() {
	s, err := sim.Start(sim.Options{Seed: 7, Users: 50})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	for _, api := range s.APIs() {
		active := 0
		for _, d := range api.Devices() {
			if d.Status == mfa.StatusActive {
				active++
			}
		}
		fmt.Printf("%-16s %d users, %d devices, %d active\n", api.Name(), len(api.UserIDs()), len(api.Devices()), active)
	}

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", s.ZStack.URL()+"/zstack/v1/twofactorauthentication/secrets?count=true", nil)
	req.Header.Set("Authorization", "OAuth "+s.Creds.ZStackSession)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, strings.TrimSpace(string(body)))
	// Output:
	// huawei-iam       50 users, 34 devices, 34 active
	// huawei-workspace 50 users, 56 devices, 31 active
	// rackspace        50 users, 70 devices, 48 active
	// zstack           50 users, 68 devices, 43 active
	// 200 OK {"total":68}
}

// Make the next call of an API hit its rate limit.
func ExampleAPI_Inject() {
	s, err := sim.Start(sim.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	s.Rackspace.Inject(mfatest.RateLimit(1, "2"))

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	for range 2 {
		req, _ := http.NewRequest("GET", s.Rackspace.URL()+"/v2.0/users/"+s.Rackspace.UserIDs()[0], nil)
		req.Header.Set("X-Auth-Token", s.Creds.RackspaceToken)
		resp, err := c.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q overLimit=%v\n", resp.StatusCode, resp.Header.Get("Retry-After"), strings.Contains(string(body), "overLimit"))
	}
	// Output:
	// 413 Retry-After="2" overLimit=true
	// 200 Retry-After="" overLimit=false
}
