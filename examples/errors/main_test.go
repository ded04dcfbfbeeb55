package main

// Example runs the program against the public test servers, whose
// sample organisation is the same on every run.
func Example() {
	main()
	// Output:
	// unknown device:
	//   rackspace: HTTP 404 itemNotFound: OTP device not found. (No OTP device with ID no-such-device for this user.)
	//   errors.Is(err, mfa.Err...): not found
	//   *mfa.APIError: status 404, code "itemNotFound", request id ""
	// rate limited:
	//   huawei-workspace: HTTP 429 APIG.0308: The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second [request id 121177819a4a1d44039a3145c2efc419]
	//   errors.Is(err, mfa.Err...): rate limited
	//   *mfa.APIError: status 429, code "APIG.0308", request id "121177819a4a1d44039a3145c2efc419"
	// HTML from a proxy:
	//   zstack: HTTP 200: cannot decode the response: invalid character '<' looking for beginning of value; body starts "Sign in Network access Please sign in to continue."
	//   errors.Is(err, mfa.Err...): invalid response
	//   *mfa.APIError: status 200, code "", request id ""
	// empty user id:
	//   huawei-iam: bad request: invalid id "": it is empty
	//   errors.Is(err, mfa.Err...): bad request
}
