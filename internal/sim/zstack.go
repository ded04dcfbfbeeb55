package sim

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// zstackVendor is the ZStack two-factor authentication API.
type zstackVendor struct {
	org         *org
	creds       *Credentials
	sessions    *tokenStore
	accountUUID string // uuid of the login account
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

func (v *zstackVendor) fault(w http.ResponseWriter, _ *http.Request, f Fault) {
	switch {
	case f.Kind == FaultRateLimit:
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
	method := ""
	var h func()
	switch {
	case match(segs, "zstack", "v1", "accounts", "login"):
		method, h = http.MethodPut, func() { v.login(w, r) }
	case match(segs, "zstack", "v1", "accounts", "sessions", "*"):
		method, h = http.MethodDelete, func() { v.logout(w, segs[4]) }
	case match(segs, "zstack", "v1", "twofactorauthentication", "secrets"):
		method, h = http.MethodGet, func() { v.authorized(w, r, "") }
	case match(segs, "zstack", "v1", "twofactorauthentication", "secrets", "*"):
		method, h = http.MethodGet, func() { v.authorized(w, r, segs[4]) }
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

// authorized checks the session, then answers the query.
func (v *zstackVendor) authorized(w http.ResponseWriter, r *http.Request, uuid string) {
	sess, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	sess = strings.TrimSpace(sess)
	if !ok || sess == "" {
		writeText(w, http.StatusUnauthorized, contentText,
			"the header 'Authorization' is missing or is not in the format 'OAuth <session uuid>'")
		return
	}
	switch v.sessions.check(sess) {
	case tokenValid:
		v.query(w, r, uuid)
	case tokenExpired:
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "ID.1001", Description: "Session expired",
			Details: "the session has expired, please log in again"})
	default:
		writeZSError(w, http.StatusServiceUnavailable, &zsError{Code: "ID.1001", Description: "Invalid session",
			Details: "the session is not found or has expired"})
	}
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

// ---- query ----

// zsField is a queryable field of a secret.
type zsField uint8

const (
	fUUID zsField = iota
	fSecret
	fUserUUID
	fAccountUUID
	fUserType
	fStatus
	fCreateDate
	fLastOpDate
	fResourceUUID
	fResourceType
)

var zsFieldNames = map[string]zsField{
	"uuid": fUUID, "secret": fSecret, "userUuid": fUserUUID, "accountUuid": fAccountUUID, "userType": fUserType,
	"status": fStatus, "createDate": fCreateDate, "lastOpDate": fLastOpDate,
	"resourceUuid": fResourceUUID, "resourceType": fResourceType,
}

// value returns the text of field f of d and whether the record has it.
// userUuid and accountUuid both name the owner, whatever the record's form,
// so a condition on either finds old and new records alike.
func (v *zstackVendor) value(d *device, f zsField) (string, bool) {
	old := d.flags&devOldOwner != 0
	switch f {
	case fUUID:
		return hexID(d.id), true
	case fSecret:
		return d.secretText(), true
	case fUserUUID, fAccountUUID:
		return hexID(v.org.users[d.user].id), true
	case fUserType:
		return d.userType(), !old
	case fStatus:
		name, _ := d.zstackStatus()
		return name, true
	case fCreateDate:
		return zstackLayouts[d.layout].format(d.created), true
	case fLastOpDate:
		return zstackLayouts[d.layout].format(d.lastOpNanos()), true
	case fResourceUUID:
		return hexID(v.org.users[d.user].id), !old && d.flags&devResource != 0
	case fResourceType:
		return d.userType(), !old && d.flags&devResource != 0
	}
	return "", false
}

func (d *device) userType() string {
	if d.flags&devIAM2User != 0 {
		return "IAM2VirtualIDVO"
	}
	return "AccountVO"
}

// zsCond is one q= condition.
type zsCond struct {
	field  zsField
	op     string
	value  string
	values []string       // ?= and !?=
	like   *regexp.Regexp // ~= and !~=
	when   int64          // dates, Unix nanoseconds
	id     [16]byte       // = on uuid, userUuid, accountUuid
	idOK   bool
}

var zsOps = []string{"!?=", "!~=", "?=", "~=", ">=", "<=", "!=", "=", ">", "<"}

// queryError is a query the REST layer cannot parse (status 400, plain
// text) or one the management node refuses (status 503, SYS.1007).
type queryError struct {
	status int
	msg    string
}

func parseCond(s string) (zsCond, *queryError) {
	var c zsCond
	name, rest := "", ""
	switch {
	case strings.HasSuffix(s, " is null"):
		name, c.op = strings.TrimSpace(strings.TrimSuffix(s, " is null")), "is null"
	case strings.HasSuffix(s, " not null"):
		name, c.op = strings.TrimSpace(strings.TrimSuffix(s, " not null")), "not null"
	default:
		i := strings.IndexAny(s, "=!?~<>")
		if i <= 0 {
			return c, &queryError{http.StatusBadRequest, "the query condition is not in the format 'field<operator>value'"}
		}
		name, rest = s[:i], s[i:]
		for _, op := range zsOps {
			if v, ok := strings.CutPrefix(rest, op); ok {
				c.op, c.value = op, v
				break
			}
		}
		if c.op == "" {
			return c, &queryError{http.StatusBadRequest, "the query condition has an unknown operator"}
		}
	}
	f, ok := zsFieldNames[name]
	if !ok {
		return c, &queryError{http.StatusServiceUnavailable, "the field[" + echo(name) + "] is not a queryable field of TwoFactorAuthenticationSecretInventory"}
	}
	c.field = f
	switch c.op {
	case "?=", "!?=":
		c.values = strings.Split(c.value, ",")
	case "~=", "!~=":
		c.like = likePattern(c.value)
	}
	if f == fCreateDate || f == fLastOpDate {
		if c.op != "is null" && c.op != "not null" {
			t, ok := parseQueryDate(c.value)
			if !ok || c.values != nil || c.like != nil {
				return c, &queryError{http.StatusServiceUnavailable, "the value of the date condition on " + name + " is invalid"}
			}
			c.when = t
		}
	}
	if c.op == "=" && (f == fUUID || f == fUserUUID || f == fAccountUUID) {
		c.id, c.idOK = parseID(c.value)
	}
	return c, nil
}

// likePattern turns an SQL LIKE pattern (% and _) into a regexp.
func likePattern(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// parseQueryDate reads a date condition: Unix milliseconds, SQL text,
// RFC 3339 or one of the layouts the API writes.
func parseQueryDate(s string) (int64, bool) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return ms * int64(time.Millisecond), true
	}
	for _, layout := range []string{"2006-01-02 15:04:05", time.RFC3339Nano, zstackLayouts[0].layout, zstackLayouts[1].layout} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

func (v *zstackVendor) matches(d *device, c *zsCond) bool {
	if c.field == fCreateDate || c.field == fLastOpDate {
		n := d.created
		if c.field == fLastOpDate {
			n = d.lastOpNanos()
		}
		switch c.op {
		case "is null":
			return false
		case "not null":
			return true
		}
		return compare(cmpInt64(n, c.when), c.op)
	}
	if c.op == "=" && (c.field == fUUID || c.field == fUserUUID || c.field == fAccountUUID) {
		if !c.idOK {
			return false
		}
		if c.field == fUUID {
			return d.id == c.id
		}
		return v.org.users[d.user].id == c.id
	}
	val, ok := v.value(d, c.field)
	switch c.op {
	case "is null":
		return !ok
	case "not null":
		return ok
	}
	if !ok {
		return false
	}
	switch c.op {
	case "?=":
		return slices.Contains(c.values, val)
	case "!?=":
		return !slices.Contains(c.values, val)
	case "~=":
		return c.like.MatchString(val)
	case "!~=":
		return !c.like.MatchString(val)
	}
	return compare(strings.Compare(val, c.value), c.op)
}

func compare(cmp int, op string) bool {
	switch op {
	case "=":
		return cmp == 0
	case "!=":
		return cmp != 0
	case ">":
		return cmp > 0
	case "<":
		return cmp < 0
	case ">=":
		return cmp >= 0
	case "<=":
		return cmp <= 0
	}
	return false
}

// queryParams are the parsed parameters of a query.
type queryParams struct {
	conds     []zsCond
	limit     int
	start     int
	count     bool
	withCount bool
	sortBy    zsField
	sorted    bool
	desc      bool
	fields    []string
}

func nonNegative(q map[string][]string, name string, def int) (int, *queryError) {
	vals, ok := q[name]
	if !ok || len(vals) == 0 {
		return def, nil
	}
	n, err := strconv.Atoi(vals[0])
	if err != nil || n < 0 {
		return 0, &queryError{http.StatusBadRequest, "the parameter '" + name + "' must be a non-negative integer"}
	}
	return n, nil
}

func parseQuery(r *http.Request, uuid string) (queryParams, *queryError) {
	q := r.URL.Query()
	p := queryParams{count: q.Get("count") == "true", withCount: q.Get("replyWithCount") == "true"}
	var qe *queryError
	if p.limit, qe = nonNegative(q, "limit", zsDefaultLimit); qe != nil {
		return p, qe
	}
	if p.start, qe = nonNegative(q, "start", 0); qe != nil {
		return p, qe
	}
	conds := q["q"]
	if uuid != "" {
		conds = append(slices.Clone(conds), "uuid="+uuid)
	}
	for _, s := range conds {
		c, qe := parseCond(s)
		if qe != nil {
			return p, qe
		}
		p.conds = append(p.conds, c)
	}
	// sort=+field or -field ("+" arrives as a space when not escaped);
	// also sortBy=field&sortDirection=asc|desc.
	sortField := q.Get("sort")
	switch {
	case sortField == "":
		if sortField = q.Get("sortBy"); sortField != "" {
			p.desc = strings.EqualFold(q.Get("sortDirection"), "desc")
		}
	case sortField[0] == '-':
		p.desc, sortField = true, sortField[1:]
	case sortField[0] == '+' || sortField[0] == ' ':
		sortField = sortField[1:]
	}
	if sortField != "" {
		f, ok := zsFieldNames[sortField]
		if !ok || (f != fUUID && f != fCreateDate && f != fLastOpDate && f != fUserUUID && f != fAccountUUID) {
			return p, &queryError{http.StatusServiceUnavailable, "cannot sort by the field[" + echo(sortField) + "]"}
		}
		p.sortBy, p.sorted = f, true
	}
	if fs := q.Get("fields"); fs != "" {
		for name := range strings.SplitSeq(fs, ",") {
			name = strings.TrimSpace(name)
			if _, ok := zsFieldNames[name]; !ok {
				return p, &queryError{http.StatusServiceUnavailable, "the field[" + echo(name) + "] is not a field of TwoFactorAuthenticationSecretInventory"}
			}
			p.fields = append(p.fields, name)
		}
	}
	return p, nil
}

// order returns the device indexes to visit, in answer order. It narrows
// to a few candidates when a condition pins the uuid or the owner.
func (v *zstackVendor) order(p *queryParams) (idx []int32, reverse bool) {
	g := v.org
	for i := range p.conds {
		c := &p.conds[i]
		if c.op != "=" {
			continue
		}
		switch {
		case c.field == fUUID:
			if !c.idOK {
				return []int32{}, false
			}
			j, found := slices.BinarySearchFunc(g.byUUID, c.id, func(e int32, id [16]byte) int {
				return compareID(g.devices[e].id, id)
			})
			if !found {
				return []int32{}, false
			}
			return []int32{g.byUUID[j]}, false
		case c.field == fUserUUID || c.field == fAccountUUID:
			if !c.idOK {
				return []int32{}, false
			}
			u, found := g.findUser(c.value)
			if !found {
				return []int32{}, false
			}
			usr := &g.users[u]
			idx = make([]int32, usr.n)
			for k := range idx {
				idx[k] = usr.first + int32(k)
			}
			if p.sorted {
				slices.SortStableFunc(idx, func(a, b int32) int { return v.compareBy(p.sortBy, a, b) })
			}
			return idx, p.desc
		}
	}
	if !p.sorted {
		return nil, false
	}
	switch p.sortBy {
	case fUUID:
		return g.byUUID, p.desc
	case fCreateDate:
		return g.createdOrder(), p.desc
	case fLastOpDate:
		return g.lastOpOrder(), p.desc
	}
	// userUuid/accountUuid: the default order is by owner.
	return nil, p.desc
}

func compareID(a, b [16]byte) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

func (v *zstackVendor) compareBy(f zsField, a, b int32) int {
	da, db := &v.org.devices[a], &v.org.devices[b]
	switch f {
	case fUUID:
		return compareID(da.id, db.id)
	case fCreateDate:
		return cmpInt64(da.created, db.created)
	case fLastOpDate:
		return cmpInt64(da.lastOpNanos(), db.lastOpNanos())
	}
	return int(da.user - db.user)
}

// query answers GET .../secrets (uuid "") and GET .../secrets/{uuid}.
func (v *zstackVendor) query(w http.ResponseWriter, r *http.Request, uuid string) {
	p, qe := parseQuery(r, uuid)
	if qe != nil {
		if qe.status == http.StatusBadRequest {
			writeText(w, qe.status, contentText, qe.msg)
		} else {
			argumentError(w, qe.msg)
		}
		return
	}
	idx, reverse := v.order(&p)
	n := len(v.org.devices)
	if idx != nil {
		n = len(idx)
	}
	needTotal := p.count || p.withCount
	var page []int32
	total := 0
	for k := range n {
		if reverse {
			k = n - 1 - k
		}
		e := int32(k)
		if idx != nil {
			e = idx[k]
		}
		d := &v.org.devices[e]
		ok := true
		for i := range p.conds {
			if !v.matches(d, &p.conds[i]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if total >= p.start && len(page) < p.limit && !p.count {
			page = append(page, e)
		}
		total++
		if !needTotal && (len(page) >= p.limit) {
			break
		}
	}
	if p.count {
		writeJSON(w, http.StatusOK, struct {
			Total int `json:"total"`
		}{total})
		return
	}
	l := startList(w, http.StatusOK, `{"inventories":[`)
	for _, e := range page {
		if p.fields != nil {
			l.item(v.selected(&v.org.devices[e], p.fields))
		} else {
			l.item(v.inventory(&v.org.devices[e]))
		}
	}
	suffix := "]}"
	if p.withCount {
		suffix = `],"total":` + strconv.Itoa(total) + "}"
	}
	l.end(suffix)
}

type zsStatus struct {
	Name    string `json:"name"`
	Ordinal int    `json:"ordinal"`
}

type zsInventory struct {
	UUID         string `json:"uuid"`
	Secret       string `json:"secret"`
	UserUUID     string `json:"userUuid,omitempty"`
	UserType     string `json:"userType,omitempty"`
	AccountUUID  string `json:"accountUuid,omitempty"`
	ResourceUUID string `json:"resourceUuid,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	Status       any    `json:"status"`
	CreateDate   string `json:"createDate"`
	LastOpDate   string `json:"lastOpDate"`
}

// inventory is the JSON form of one secret: the status as a string or an
// object, the owner as userUuid/userType or (older releases) accountUuid.
func (v *zstackVendor) inventory(d *device) zsInventory {
	owner := hexID(v.org.users[d.user].id)
	layout := zstackLayouts[d.layout]
	inv := zsInventory{
		UUID: hexID(d.id), Secret: d.secretText(),
		CreateDate: layout.format(d.created), LastOpDate: layout.format(d.lastOpNanos()),
	}
	name, ordinal := d.zstackStatus()
	inv.Status = name
	if d.flags&devStatusObject != 0 {
		inv.Status = zsStatus{Name: name, Ordinal: ordinal}
	}
	if d.flags&devOldOwner != 0 {
		inv.AccountUUID = owner
		return inv
	}
	inv.UserUUID, inv.UserType = owner, d.userType()
	if d.flags&devResource != 0 {
		inv.ResourceUUID, inv.ResourceType = owner, d.userType()
	}
	return inv
}

// selected is the inventory limited to fields (fields=a,b).
func (v *zstackVendor) selected(d *device, fields []string) map[string]any {
	inv := v.inventory(d)
	all := map[string]any{
		"uuid": inv.UUID, "secret": inv.Secret, "status": inv.Status, "createDate": inv.CreateDate, "lastOpDate": inv.LastOpDate,
		"userUuid": inv.UserUUID, "userType": inv.UserType, "accountUuid": inv.AccountUUID,
		"resourceUuid": inv.ResourceUUID, "resourceType": inv.ResourceType,
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if val := all[f]; val != "" {
			out[f] = val
		}
	}
	return out
}
