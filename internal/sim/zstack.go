package sim

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"strings"

	"github.com/openmfa/mfa-go/mfa/mfatest"
)

// zstackVendor is the ZStack API: login, accounts, IAM2 virtual ids and
// two-factor authentication secrets.
type zstackVendor struct {
	org         *org
	creds       *Credentials
	sessions    *tokenStore
	accountUUID string // uuid of the login account
	maxPage     int
	iam2        IAM2Mode

	secrets, accounts, virtualIDs zsTable
}

func newZStackVendor(g *org, c *Credentials, accountUUID string, o *Options) *zstackVendor {
	return &zstackVendor{
		org: g, creds: c, sessions: newTokenStore(c.ZStackSession), accountUUID: accountUUID,
		maxPage: o.MaxPageSize, iam2: o.IAM2,
		secrets:    &secretTable{g},
		accounts:   &userTable{g: g, rows: g.accounts, inventory: "AccountInventory"},
		virtualIDs: &userTable{g: g, rows: g.virtualIDs, inventory: "IAM2VirtualIDInventory"},
	}
}

const (
	zsPrefix       = "/zstack/v1/"
	zsDefaultLimit = 1000
)

func (v *zstackVendor) isLogin(r *http.Request) bool {
	return r.URL.Path == zsPrefix+"accounts/login" || strings.HasPrefix(r.URL.Path, zsPrefix+"accounts/sessions/")
}

func (v *zstackVendor) expireTokens()       { v.sessions.expireAll() }
func (v *zstackVendor) issued() *tokenStore { return v.sessions }

// zsError is ZStack's ErrorCode.
type zsError struct {
	Code        string         `json:"code"`
	Description string         `json:"description"`
	Details     string         `json:"details"`
	Elaboration *string        `json:"elaboration"`
	Opaque      map[string]any `json:"opaque"`
	Cause       *zsError       `json:"cause"`
}

func writeZSError(w http.ResponseWriter, status int, e *zsError) {
	writeJSON(w, status, struct {
		Error *zsError `json:"error"`
	}{e})
}

// argumentError is ZStack's answer to a query the management node refuses.
func argumentError(w http.ResponseWriter, details string) {
	writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "SYS.1007", Description: "One or more API argument is invalid", Details: details})
}

func (v *zstackVendor) fault(w http.ResponseWriter, _ *http.Request, f mfatest.Fault) {
	switch {
	case f.Kind == mfatest.FaultRateLimit:
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "SYS.1012", Description: "The management node is unavailable",
			Details: "the management node is busy, please retry later"})
	case f.Status == http.StatusInternalServerError:
		writeZSError(w, f.Status, &zsError{Code: "SYS.1000", Description: "An internal error happened in the system",
			Details: "unable to query the database",
			Cause:   &zsError{Code: "SYS.1016", Description: "An I/O error happened", Details: "connection reset by peer"}})
	case f.Status == http.StatusGatewayTimeout:
		writeZSError(w, f.Status, &zsError{Code: "SYS.1001", Description: "An operation timeout happened", Details: "the query timed out"})
	default:
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "SYS.1012", Description: "The management node is unavailable",
			Details: "no management node is available"})
	}
}

func (v *zstackVendor) serve(w http.ResponseWriter, r *http.Request) {
	segs := segments(r)
	method := http.MethodGet
	var h func()
	switch {
	case match(segs, "zstack", "v1", "accounts", "login"):
		method, h = http.MethodPut, func() { v.login(w, r) }
	case match(segs, "zstack", "v1", "accounts", "sessions", "*"):
		method, h = http.MethodDelete, func() { v.logout(w, segs[4]) }
	case match(segs, "zstack", "v1", "accounts"):
		h = func() { v.authorized(w, r, v.accounts, "") }
	case match(segs, "zstack", "v1", "accounts", "*"):
		h = func() { v.authorized(w, r, v.accounts, segs[3]) }
	case match(segs, "zstack", "v1", "iam2", "virtual-ids") && v.iam2 != IAM2NotInstalled:
		h = func() { v.authorized(w, r, v.virtualIDs, "") }
	case match(segs, "zstack", "v1", "iam2", "virtual-ids", "*") && v.iam2 != IAM2NotInstalled:
		h = func() { v.authorized(w, r, v.virtualIDs, segs[4]) }
	case match(segs, "zstack", "v1", "twofactorauthentication", "secrets"):
		h = func() { v.authorized(w, r, v.secrets, "") }
	case match(segs, "zstack", "v1", "twofactorauthentication", "secrets", "*"):
		h = func() { v.authorized(w, r, v.secrets, segs[4]) }
	default:
		writeText(w, http.StatusNotFound, contentText, "no API mapping to the requested URL")
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		writeText(w, http.StatusMethodNotAllowed, contentText, "the HTTP method "+r.Method+" is not supported by the URL")
		return
	}
	h()
}

// authorized checks the session, then answers the query on t.
func (v *zstackVendor) authorized(w http.ResponseWriter, r *http.Request, t zsTable, uuid string) {
	sess, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	sess = strings.TrimSpace(sess)
	if !ok || sess == "" {
		writeText(w, http.StatusUnauthorized, contentText,
			"the header 'Authorization' is missing or is not in the format 'OAuth <session uuid>'")
		return
	}
	switch v.sessions.check(sess) {
	case tokenValid:
	case tokenExpired:
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "ID.1001", Description: "Session expired",
			Details: "the session has expired, please log in again"})
		return
	default:
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "ID.1001", Description: "Invalid session",
			Details: "the session is not found or has expired"})
		return
	}
	if t == v.virtualIDs && v.iam2 == IAM2Unsupported {
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "SYS.1014", Description: "The operation is not supported",
			Details: "the IAM2 module is not available on this management node"})
		return
	}
	v.query(w, r, t, uuid)
}

// ---- login and logout ----

func (v *zstackVendor) login(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	var req struct {
		LogIn *struct {
			AccountName string `json:"accountName"`
			Password    string `json:"password"`
		} `json:"logInByAccount"`
	}
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil || req.LogIn == nil {
		writeText(w, http.StatusBadRequest, contentText, "the body is not a valid JSON 'logInByAccount' request")
		return
	}
	sum := sha512.Sum512([]byte(v.creds.ZStackPassword))
	if req.LogIn.AccountName != v.creds.ZStackAccount || !strings.EqualFold(req.LogIn.Password, hex.EncodeToString(sum[:])) {
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "ID.1000", Description: "Authentication error",
			Details: "wrong account name or password"})
		return
	}
	sess := randomHex(16)
	v.sessions.add(sess)
	now := time.Now().UTC()
	java := zstackLayouts[0]
	writeJSON(w, http.StatusOK, struct {
		Inventory zsSession `json:"inventory"`
	}{zsSession{
		UUID: sess, AccountUUID: v.accountUUID, UserUUID: v.accountUUID,
		ExpiredDate: java.format(now.Add(2 * time.Hour).UnixNano()), CreateDate: java.format(now.UnixNano()),
	}})
}

// zsSession is the inventory of a login.
type zsSession struct {
	UUID        string `json:"uuid"`
	AccountUUID string `json:"accountUuid"`
	UserUUID    string `json:"userUuid"`
	ExpiredDate string `json:"expiredDate"`
	CreateDate  string `json:"createDate"`
}

// logout ends a session; an unknown session is not an error.
func (v *zstackVendor) logout(w http.ResponseWriter, sess string) {
	v.sessions.remove(sess)
	writeJSON(w, http.StatusOK, struct{}{})
}
