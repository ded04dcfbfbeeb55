package main

// Example runs the program against the emulators of internal/sim, whose
// sample organisation is the same on every run.
func Example() {
	main()
	// Output:
	// unknown device:
	//   rackspace: HTTP 404 itemNotFound: OTP device not found. (No OTP device with ID no-such-device for this user.)
	//   errors.Is(err, mfa.Err...): not found
	//   *mfa.APIError: status 404, code "itemNotFound", request id ""
	// rate limited:
	//   huawei-workspace: HTTP 429 APIG.0308: The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second [request id 6929a8ca029227232af0a847faee57c6]
	//   errors.Is(err, mfa.Err...): rate limited
	//   *mfa.APIError: status 429, code "APIG.0308", request id "6929a8ca029227232af0a847faee57c6"
	// HTML from a proxy:
	//   zstack: HTTP 200: cannot decode the response: malformed JSON at byte 1; body starts "Sign in Network access Please sign in to continue."
	//   errors.Is(err, mfa.Err...): invalid response
	//   *mfa.APIError: status 200, code "", request id ""
	// empty user id:
	//   huawei-iam: bad request: invalid id "": it is empty
	//   errors.Is(err, mfa.Err...): bad request
}
