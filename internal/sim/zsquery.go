package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ZStack's query API is the same for every resource: conditions, paging,
// counting, sorting and field selection. A zsTable is one queryable
// resource; query answers any of them.

// fieldKind is how a condition compares a field.
type fieldKind uint8

const (
	textField fieldKind = iota
	idField             // a uuid: "=" compares the parsed id
	dateField           // compared as a time
)

// zsField is a queryable field of a table.
type zsField struct {
	name     string
	kind     fieldKind
	sortable bool
}

// zsTable is one queryable resource. Rows are record indexes (device or
// user indexes of the org).
type zsTable interface {
	inventoryName() string
	fields() []zsField
	size() int
	// at returns the k-th row in the default order.
	at(k int) int32
	// text returns field f of row e as served, and whether the row has it.
	text(e int32, f int) (string, bool)
	// when returns date field f of row e in Unix nanoseconds.
	when(e int32, f int) int64
	// id returns id field f of row e.
	id(e int32, f int) [16]byte
	// narrow returns the rows whose id field f equals id, when it can find
	// them without a scan.
	narrow(f int, id [16]byte) ([]int32, bool)
	// sorted returns every row sorted by sortable field f, or nil when the
	// default order is that order.
	sorted(f int) []int32
	// item returns the JSON inventory of row e.
	item(e int32) any
}

func fieldIndex(t zsTable, name string) (int, bool) {
	for i, f := range t.fields() {
		if f.name == name {
			return i, true
		}
	}
	return 0, false
}

// ---- secrets ----

// secretTable is GET /zstack/v1/twofactorauthentication/secrets.
type secretTable struct{ g *org }

const (
	sUUID = iota
	sSecret
	sUserUUID
	sAccountUUID
	sUserType
	sStatus
	sCreateDate
	sLastOpDate
	sResourceUUID
	sResourceType
)

var secretFields = []zsField{
	{"uuid", idField, true}, {"secret", textField, false}, {"userUuid", idField, true}, {"accountUuid", idField, true},
	{"userType", textField, false}, {"status", textField, false}, {"createDate", dateField, true},
	{"lastOpDate", dateField, true}, {"resourceUuid", textField, false}, {"resourceType", textField, false},
}

func (t *secretTable) inventoryName() string { return "TwoFactorAuthenticationSecretInventory" }
func (t *secretTable) fields() []zsField     { return secretFields }
func (t *secretTable) size() int             { return len(t.g.devices) }
func (t *secretTable) at(k int) int32        { return int32(k) }

func (t *secretTable) userType(d *device) string {
	if t.g.isVirtual(int(d.user)) {
		return "IAM2VirtualIDVO"
	}
	return "AccountVO"
}

// oldOwner reports whether secret d is in the older form (accountUuid,
// no userType): only an account's secret can be, as older releases have
// no IAM2.
func (t *secretTable) oldOwner(d *device) bool {
	return d.flags&devOldOwner != 0 && !t.g.isVirtual(int(d.user))
}

// text returns a field of a secret. userUuid and accountUuid both name the
// owner, whatever the record's form, so a condition on either finds old
// and new records alike.
func (t *secretTable) text(e int32, f int) (string, bool) {
	d := &t.g.devices[e]
	old := t.oldOwner(d)
	switch f {
	case sUUID:
		return t.g.devID(int(e)), true
	case sSecret:
		return t.g.devSecret(int(e)), true
	case sUserUUID, sAccountUUID:
		return t.g.userID(int(d.user)), true
	case sUserType:
		return t.userType(d), !old
	case sStatus:
		return t.g.devWord(int(e)), true
	case sCreateDate:
		return zstackLayouts[d.layout].format(d.created), true
	case sLastOpDate:
		return zstackLayouts[d.layout].format(d.lastOpNanos()), true
	case sResourceUUID:
		return t.g.userID(int(d.user)), !old && d.flags&devResource != 0
	case sResourceType:
		return t.userType(d), !old && d.flags&devResource != 0
	}
	return "", false
}

func (t *secretTable) when(e int32, f int) int64 {
	d := &t.g.devices[e]
	if f == sLastOpDate {
		return d.lastOpNanos()
	}
	return d.created
}

func (t *secretTable) id(e int32, f int) [16]byte {
	d := &t.g.devices[e]
	if f == sUUID {
		return d.id
	}
	return t.g.users[d.user].id
}

func (t *secretTable) narrow(f int, id [16]byte) ([]int32, bool) {
	g := t.g
	if f == sUUID {
		j, found := slices.BinarySearchFunc(g.byUUID, id, func(e int32, id [16]byte) int {
			return bytes.Compare(g.devices[e].id[:], id[:])
		})
		if !found {
			return []int32{}, true
		}
		return []int32{g.byUUID[j]}, true
	}
	u, found := g.findUser(hexID(id))
	if !found {
		return []int32{}, true
	}
	first, end := g.userDevices(u)
	idx := make([]int32, 0, end-first)
	for j := first; j < end; j++ {
		idx = append(idx, int32(j))
	}
	return idx, true
}

func (t *secretTable) sorted(f int) []int32 {
	switch f {
	case sUUID:
		return t.g.byUUID
	case sCreateDate:
		return t.g.createdOrder()
	case sLastOpDate:
		return t.g.lastOpOrder()
	}
	if t.g.ux == nil {
		// A seeded organisation's default order is by owner id.
		return nil
	}
	rows := make([]int32, len(t.g.devices))
	for i := range rows {
		rows[i] = int32(i)
	}
	return sortRows(t, rows, f)
}

type zsStatus struct {
	Name    string `json:"name"`
	Ordinal int    `json:"ordinal"`
}

type zsSecret struct {
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

// zstackOrdinals are the ordinals of ZStack's own status words.
var zstackOrdinals = map[string]int{"NewCreated": 0, "Logined": 1, "Expired": 2, "Locked": 3}

// item is the JSON form of one secret: the status as a string or an
// object, the owner as userUuid/userType or (older releases) accountUuid.
func (t *secretTable) item(e int32) any {
	d := &t.g.devices[e]
	owner := t.g.userID(int(d.user))
	layout := zstackLayouts[d.layout]
	inv := zsSecret{
		UUID: t.g.devID(int(e)), Secret: t.g.devSecret(int(e)),
		CreateDate: layout.format(d.created), LastOpDate: layout.format(d.lastOpNanos()),
	}
	word := t.g.devWord(int(e))
	inv.Status = word
	if d.flags&devStatusObject != 0 {
		ordinal, ok := zstackOrdinals[word]
		if !ok {
			ordinal = len(zstackOrdinals)
		}
		inv.Status = zsStatus{Name: word, Ordinal: ordinal}
	}
	if t.oldOwner(d) {
		inv.AccountUUID = owner
		return inv
	}
	inv.UserUUID, inv.UserType = owner, t.userType(d)
	if d.flags&devResource != 0 {
		inv.ResourceUUID, inv.ResourceType = owner, inv.UserType
	}
	return inv
}

// ---- accounts and IAM2 virtual ids ----

// userTable is GET /zstack/v1/accounts or /zstack/v1/iam2/virtual-ids:
// the users in rows.
type userTable struct {
	g         *org
	rows      []int32
	inventory string
}

const (
	uUUID = iota
	uName
	uType
	uState
	uCreateDate
	uLastOpDate
)

var userFields = []zsField{
	{"uuid", idField, true}, {"name", textField, true}, {"type", textField, false}, {"state", textField, false},
	{"createDate", dateField, true}, {"lastOpDate", dateField, true},
}

func (t *userTable) inventoryName() string { return t.inventory }
func (t *userTable) fields() []zsField     { return userFields }
func (t *userTable) size() int             { return len(t.rows) }
func (t *userTable) at(k int) int32        { return t.rows[k] }

// lastOp is a user's lastOpDate: a day after its creation.
func lastOp(created time.Time) int64 { return created.Add(24 * time.Hour).UnixNano() }

func (t *userTable) text(e int32, f int) (string, bool) {
	u := t.g.user(int(e))
	layout := zstackLayouts[zstackLayoutCycle[int(e)%len(zstackLayoutCycle)]]
	switch f {
	case uUUID:
		return u.ID, true
	case uName:
		return u.Name, true
	case uType:
		return u.Type, true
	case uState:
		return u.State, u.State != ""
	case uCreateDate:
		return layout.format(u.Created.UnixNano()), true
	case uLastOpDate:
		return layout.format(lastOp(u.Created)), true
	}
	return "", false
}

func (t *userTable) when(e int32, f int) int64 {
	created := t.g.user(int(e)).Created
	if f == uLastOpDate {
		return lastOp(created)
	}
	return created.UnixNano()
}

func (t *userTable) id(e int32, _ int) [16]byte { return t.g.users[e].id }

func (t *userTable) narrow(_ int, id [16]byte) ([]int32, bool) {
	i, found := t.g.findUser(hexID(id))
	if !found || !slices.Contains(t.rows, int32(i)) {
		return []int32{}, true
	}
	return []int32{int32(i)}, true
}

func (t *userTable) sorted(f int) []int32 {
	if f == uUUID && t.g.ux == nil {
		// Seeded users are sorted by id.
		return nil
	}
	return sortRows(t, t.rows, f)
}

type zsUser struct {
	UUID       string `json:"uuid"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	State      string `json:"state,omitempty"`
	CreateDate string `json:"createDate"`
	LastOpDate string `json:"lastOpDate"`
}

func (t *userTable) item(e int32) any {
	u := t.g.user(int(e))
	layout := zstackLayouts[zstackLayoutCycle[int(e)%len(zstackLayoutCycle)]]
	return zsUser{
		UUID: u.ID, Name: u.Name, Type: u.Type, State: u.State,
		CreateDate: layout.format(u.Created.UnixNano()), LastOpDate: layout.format(lastOp(u.Created)),
	}
}

// ---- conditions ----

// zsCond is one q= condition.
type zsCond struct {
	field  int
	kind   fieldKind
	op     string
	value  string
	values []string       // ?= and !?=
	like   *regexp.Regexp // ~= and !~=
	when   int64          // dates, Unix nanoseconds
	id     [16]byte       // = on an id field
	idOK   bool
}

var zsOps = []string{"!?=", "!~=", "?=", "~=", ">=", "<=", "!=", "=", ">", "<"}

// queryError is a query the REST layer cannot parse (status 400, plain
// text) or one the management node refuses (status 503, SYS.1007).
type queryError struct {
	status int
	msg    string
}

func parseCond(t zsTable, s string) (zsCond, *queryError) {
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
	f, ok := fieldIndex(t, name)
	if !ok {
		return c, &queryError{http.StatusServiceUnavailable, "the field[" + echo(name) + "] is not a queryable field of " + t.inventoryName()}
	}
	c.field, c.kind = f, t.fields()[f].kind
	switch c.op {
	case "?=", "!?=":
		c.values = strings.Split(c.value, ",")
	case "~=", "!~=":
		c.like = likePattern(c.value)
	}
	if c.kind == dateField && c.op != "is null" && c.op != "not null" {
		t, ok := parseQueryDate(c.value)
		if !ok || c.values != nil || c.like != nil {
			return c, &queryError{http.StatusServiceUnavailable, "the value of the date condition on " + name + " is invalid"}
		}
		c.when = t
	}
	if c.op == "=" && c.kind == idField {
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

func matches(t zsTable, e int32, c *zsCond) bool {
	if c.kind == dateField {
		switch c.op {
		case "is null":
			return false
		case "not null":
			return true
		}
		return compare(cmpInt64(t.when(e, c.field), c.when), c.op)
	}
	if c.op == "=" && c.kind == idField {
		return c.idOK && t.id(e, c.field) == c.id
	}
	val, ok := t.text(e, c.field)
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

// ---- parameters ----

// queryParams are the parsed parameters of a query.
type queryParams struct {
	conds     []zsCond
	limit     int
	start     int
	count     bool
	withCount bool
	sortBy    int
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

// parseQuery reads the parameters of a query on t; uuid is the uuid of
// GET .../{uuid}, or "". No answer holds more than maxPage rows.
func parseQuery(t zsTable, r *http.Request, uuid string, maxPage int) (queryParams, *queryError) {
	q := r.URL.Query()
	p := queryParams{count: q.Get("count") == "true", withCount: q.Get("replyWithCount") == "true"}
	var qe *queryError
	if p.limit, qe = nonNegative(q, "limit", zsDefaultLimit); qe != nil {
		return p, qe
	}
	p.limit = min(p.limit, maxPage)
	if p.start, qe = nonNegative(q, "start", 0); qe != nil {
		return p, qe
	}
	conds := q["q"]
	if uuid != "" {
		conds = append(slices.Clone(conds), "uuid="+uuid)
	}
	for _, s := range conds {
		c, qe := parseCond(t, s)
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
		f, ok := fieldIndex(t, sortField)
		if !ok || !t.fields()[f].sortable {
			return p, &queryError{http.StatusServiceUnavailable, "cannot sort by the field[" + echo(sortField) + "]"}
		}
		p.sortBy, p.sorted = f, true
	}
	if fs := q.Get("fields"); fs != "" {
		for name := range strings.SplitSeq(fs, ",") {
			name = strings.TrimSpace(name)
			if _, ok := fieldIndex(t, name); !ok {
				return p, &queryError{http.StatusServiceUnavailable, "the field[" + echo(name) + "] is not a field of " + t.inventoryName()}
			}
			p.fields = append(p.fields, name)
		}
	}
	return p, nil
}

// order returns the rows to visit, in answer order (nil: the default
// order). It narrows to a few candidates when a condition pins an id.
func order(t zsTable, p *queryParams) (idx []int32, reverse bool) {
	for i := range p.conds {
		c := &p.conds[i]
		if c.op != "=" || c.kind != idField {
			continue
		}
		if !c.idOK {
			return []int32{}, false
		}
		if idx, ok := t.narrow(c.field, c.id); ok {
			if p.sorted {
				idx = sortRows(t, idx, p.sortBy)
			}
			return idx, p.desc
		}
	}
	if !p.sorted {
		return nil, false
	}
	return t.sorted(p.sortBy), p.desc
}

// sortRows returns rows sorted by field f (stable: ties keep their order).
func sortRows(t zsTable, rows []int32, f int) []int32 {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b int32) int {
		switch t.fields()[f].kind {
		case dateField:
			return cmpInt64(t.when(a, f), t.when(b, f))
		case idField:
			ia, ib := t.id(a, f), t.id(b, f)
			return bytes.Compare(ia[:], ib[:])
		}
		sa, _ := t.text(a, f)
		sb, _ := t.text(b, f)
		return strings.Compare(sa, sb)
	})
	return rows
}

// query answers a query on t: GET .../{resource} (uuid "") and GET
// .../{resource}/{uuid}.
func (v *zstackVendor) query(w http.ResponseWriter, r *http.Request, t zsTable, uuid string) {
	p, qe := parseQuery(t, r, uuid, v.maxPage)
	if qe != nil {
		if qe.status == http.StatusBadRequest {
			writeText(w, qe.status, contentText, qe.msg)
		} else {
			argumentError(w, qe.msg)
		}
		return
	}
	idx, reverse := order(t, &p)
	n := t.size()
	if idx != nil {
		n = len(idx)
	}
	row := func(k int) int32 {
		if reverse {
			k = n - 1 - k
		}
		if idx != nil {
			return idx[k]
		}
		return t.at(k)
	}
	var page []int32
	total := 0
	if len(p.conds) == 0 {
		// Every row matches: the page is a slice of the order, and the
		// total needs no scan (a million secrets stay cheap to page).
		total = n
		for k := p.start; k < n && len(page) < p.limit && !p.count; k++ {
			page = append(page, row(k))
		}
	}
	for k := 0; k < n && len(p.conds) > 0; k++ {
		e := row(k)
		ok := true
		for i := range p.conds {
			if !matches(t, e, &p.conds[i]) {
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
		if !p.count && !p.withCount && len(page) >= p.limit {
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
			l.item(selected(t.item(e), p.fields))
		} else {
			l.item(t.item(e))
		}
	}
	suffix := "]}"
	if p.withCount {
		suffix = `],"total":` + strconv.Itoa(total) + "}"
	}
	l.end(suffix)
}

// selected is an inventory limited to fields (fields=a,b).
func selected(inv any, fields []string) map[string]json.RawMessage {
	var all map[string]json.RawMessage
	b, _ := json.Marshal(inv)
	_ = json.Unmarshal(b, &all)
	out := make(map[string]json.RawMessage, len(fields))
	for _, f := range fields {
		if v, ok := all[f]; ok {
			out[f] = v
		}
	}
	return out
}
