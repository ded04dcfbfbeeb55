package sim

import (
	"bytes"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// kind identifies one of the four emulated APIs.
type kind uint8

const (
	kindIAM kind = iota
	kindWorkspace
	kindRackspace
	kindZStack
)

// kindNames are the API names, equal to the default provider names of the
// vendor clients.
var kindNames = [...]string{"huawei-iam", "huawei-workspace", "rackspace", "zstack"}

// draw is what was drawn for a user or a device: one of the three device
// states, or (for a user) no factor at all.
type draw uint8

const (
	drawActive draw = iota
	drawPending
	drawUnknown
	drawNone
)

var statusOf = [...]mfa.Status{mfa.StatusActive, mfa.StatusPending, mfa.StatusUnknown, mfa.StatusUnknown}

// user is one user of an organisation, stored compactly: a seeded user's
// texts derive from its id, index, draw and flags on demand, so a million
// users fit in a few tens of megabytes.
type user struct {
	id    [16]byte
	first int32 // index of the user's first device in org.devices
	n     int32 // number of devices
	draw  draw  // what was drawn for the user's first device (or drawNone)
	flags uint8 // see the user flag constants
}

// User flag bits of a seeded user.
const (
	userEnforceMask = 3      // Rackspace: index into enforcementLevels
	userNotEnforced = 1 << 2 // Rackspace: a verified factor, multiFactorEnabled false
	userByEmail     = 1 << 3 // Huawei IAM: SMS-only by e-mail rather than sms
	userSMSMethod   = 1 << 4 // Huawei IAM: protection off, method sms rather than vmfa
	userPendingSMS  = 1 << 5 // Rackspace: a pending user also has an unverified phone
	userMFALocked   = 3 << 6 // Rackspace: both bits clear → multiFactorState LOCKED
)

// device is one device, stored compactly; every text the APIs serve is
// derived from it on demand (or, in an explicit organisation, read from
// org.dx).
type device struct {
	id      [16]byte
	secret  [10]byte // ZStack: 16 base32 characters
	user    int32
	state   draw  // drawActive, drawPending or drawUnknown
	variant uint8 // picks the vendor word of an unknown status, a name, ...
	layout  uint8 // date layout index of the API
	flags   uint8 // see the device flag constants
	created int64 // Unix nanoseconds, exactly what the served text says
	lastOp  int32 // ZStack: seconds from createDate to lastOpDate
}

// Device flag bits: the wire variants, chosen by device index so seeded and
// explicit organisations both show every form.
const (
	devStatusObject = 1 << 0 // ZStack: status as {"name":..,"ordinal":..}
	devOldOwner     = 1 << 1 // ZStack: accountUuid instead of userUuid/userType (accounts only)
	devResource     = 1 << 2 // ZStack: resourceUuid/resourceType present
	devPhone        = 1 << 3 // Rackspace: a mobile phone, not an OTP device
	devBareXML      = 1 << 4 // Rackspace: single device in XML not wrapped
	devColonSerial  = 1 << 5 // Huawei IAM: serial "iam:<id>:mfa"
	devPhoneDigits  = 1 << 6 // Rackspace: a seeded number as digits only
)

func deviceVariants(k kind, j int) (flags, layout uint8) {
	switch k {
	case kindIAM:
		if j%2 == 1 {
			flags |= devColonSerial
		}
	case kindWorkspace:
		layout = uint8(j % len(workspaceLayouts))
	case kindRackspace:
		if j%2 == 1 {
			flags |= devBareXML
		}
		if j/2%2 == 1 {
			flags |= devPhoneDigits
		}
	case kindZStack:
		layout = uint8(zstackLayoutCycle[j%len(zstackLayoutCycle)])
		if j%2 == 1 {
			flags |= devStatusObject
		}
		if j%5 == 3 {
			flags |= devOldOwner
		}
		if j%3 == 0 {
			flags |= devResource
		}
	}
	return flags, layout
}

// org is the organisation of one API. It is immutable once built.
type org struct {
	kind    kind
	users   []user   // seeded: sorted by id; explicit: in the given order
	devices []device // grouped by user, in user order

	// Explicit organisations only: the filled records, index for index with
	// users and devices, and the user ids.
	ux   []User
	dx   []Device
	byID map[string]int32

	// ZStack only: whether some users are IAM2 virtual ids, the user
	// indexes of accounts and of virtual ids, and device indexes sorted by
	// uuid (built at start) and by createDate and lastOpDate (built on
	// first use).
	iam2        bool
	accounts    []int32
	virtualIDs  []int32
	byUUID      []int32
	byCreated   []int32
	byLastOp    []int32
	createdOnce sync.Once
	lastOpOnce  sync.Once
}

// epoch is the newest creation date of a sample device (the date of the
// ZStack reference example); dates are spread over the three years before.
var epoch = time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC)

const spreadSeconds = 3 * 365 * 24 * 3600

// maxDevices is the most TOTP devices one user can have at each API.
func maxDevices(k kind, opt int) int {
	switch k {
	case kindIAM:
		return 1
	case kindWorkspace:
		return min(opt, 55)
	}
	return opt
}

func newOrg(k kind, o *Options) (*org, error) {
	var g *org
	if o.Explicit {
		var err error
		if g, err = explicitOrg(k, o); err != nil {
			return nil, err
		}
	} else {
		g = seededOrg(k, o)
	}
	if k == kindZStack {
		g.indexZStack()
	}
	return g, nil
}

// orgRand is the random stream of one API: each API draws from its own, so
// its organisation depends only on the seed and the options.
func orgRand(k kind, seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^uint64(k+1)))
}

// seededOrg builds the sample organisation of one API.
func seededOrg(k kind, o *Options) *org {
	rng := orgRand(k, o.Seed)
	g := &org{kind: k, users: make([]user, o.Users), iam2: k == kindZStack && o.IAM2 == IAM2Installed}
	for i := range g.users {
		fillID(&g.users[i].id, rng)
	}
	slices.SortFunc(g.users, func(a, b user) int { return bytes.Compare(a.id[:], b.id[:]) })

	weights := [4]int{o.Active, o.Pending, o.Unknown, o.NoDevice}
	total := sum(weights[:])
	for i := range g.users {
		g.users[i].draw = pick(rng, weights[:], total)
		g.users[i].flags = uint8(rng.Uint32()) &^ userNotEnforced
	}
	drawEveryWeight(g.users, weights)

	maxDev := maxDevices(k, o.MaxDevicesPerUser)
	g.devices = make([]device, 0, o.Users*(maxDev+1)/2)
	actives := 0
	for i := range g.users {
		u := &g.users[i]
		u.first = int32(len(g.devices))
		n := 0
		switch {
		case u.draw == drawNone:
		case u.draw == drawUnknown && k == kindIAM:
			// SMS-only: login protection by sms or email, no device.
		case u.draw == drawUnknown && k == kindRackspace:
			g.add(rng, int32(i), drawActive, true)
		default:
			n = 1
			if maxDev > 1 {
				n += rng.IntN(maxDev)
			}
		}
		for j := range n {
			st := u.draw
			if j > 0 {
				// A user's first device is its best: further ones draw
				// from its own status and the ones after it.
				rest := weights[u.draw:3]
				if total := sum(rest); total > 0 {
					st = u.draw + pick(rng, rest, total)
				}
			}
			g.add(rng, int32(i), st, false)
		}
		if k == kindRackspace {
			if u.draw == drawActive {
				if actives%3 == 1 {
					u.flags |= userNotEnforced
				}
				actives++
			}
			if u.draw == drawPending && u.flags&userPendingSMS != 0 {
				g.add(rng, int32(i), drawPending, true)
			}
		}
		u.n = int32(len(g.devices)) - u.first
	}
	return g
}

func sum(weights []int) int {
	n := 0
	for _, w := range weights {
		n += w
	}
	return n
}

// pick draws an index with the given relative weights.
func pick(rng *rand.Rand, weights []int, total int) draw {
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return draw(i)
		}
		n -= w
	}
	return draw(len(weights) - 1)
}

// drawEveryWeight gives each draw of non-zero weight that no enabled user
// drew to an enabled user of the most frequent draw, so that a small
// organisation still shows every kind of user its weights ask for.
func drawEveryWeight(users []user, weights [4]int) {
	var counts [4]int
	enabled, nonZero := 0, 0
	for i, u := range users {
		if inactiveForm(i) == formActive {
			counts[u.draw]++
			enabled++
		}
	}
	for _, w := range weights {
		if w > 0 {
			nonZero++
		}
	}
	if enabled < nonZero {
		return
	}
	for d, w := range weights {
		if w == 0 || counts[d] > 0 {
			continue
		}
		big := 0
		for c := range counts {
			if counts[c] > counts[big] {
				big = c
			}
		}
		for i := range users {
			if users[i].draw == draw(big) && inactiveForm(i) == formActive {
				users[i].draw = draw(d)
				counts[big]--
				counts[d]++
				break
			}
		}
	}
}

func fillID(id *[16]byte, rng *rand.Rand) {
	a, b := rng.Uint64(), rng.Uint64()
	binary.LittleEndian.PutUint64(id[:8], a)
	binary.LittleEndian.PutUint64(id[8:], b)
}

// add appends a seeded device of user u.
func (g *org) add(rng *rand.Rand, u int32, st draw, phone bool) {
	d := device{user: u, state: st, variant: uint8(rng.Uint32())}
	d.flags, d.layout = deviceVariants(g.kind, len(g.devices))
	fillID(&d.id, rng)
	created := epoch.Unix() - rng.Int64N(spreadSeconds)
	var nanos int64
	switch g.kind {
	case kindIAM:
		// The IAM API has no device status: a device is bound.
		d.state = drawActive
	case kindWorkspace:
		if workspaceLayouts[d.layout].fraction {
			nanos = int64(1+rng.IntN(999)) * int64(time.Millisecond)
		}
	case kindRackspace:
		if st == drawUnknown {
			// Rackspace has only verified true/false.
			d.state = drawPending
		}
		if phone {
			d.flags |= devPhone
		}
	case kindZStack:
		d.lastOp = int32(rng.IntN(30 * 24 * 3600))
		d.secret = drawSecret(rng)
	}
	d.created = created*int64(time.Second) + nanos
	g.devices = append(g.devices, d)
}

// indexZStack sorts the ZStack users into accounts and virtual ids and the
// devices by uuid.
func (g *org) indexZStack() {
	for i := range g.users {
		if g.isVirtual(i) {
			g.virtualIDs = append(g.virtualIDs, int32(i))
		} else {
			g.accounts = append(g.accounts, int32(i))
		}
	}
	g.byUUID = g.sortedIndex(func(a, b *device) int { return bytes.Compare(a.id[:], b.id[:]) })
}

// sortedIndex returns the device indexes sorted by cmp (stable: ties keep
// the default order).
func (g *org) sortedIndex(cmp func(a, b *device) int) []int32 {
	idx := make([]int32, len(g.devices))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return cmp(&g.devices[a], &g.devices[b]) })
	return idx
}

func (g *org) createdOrder() []int32 {
	g.createdOnce.Do(func() {
		g.byCreated = g.sortedIndex(func(a, b *device) int { return cmpInt64(a.created, b.created) })
	})
	return g.byCreated
}

func (g *org) lastOpOrder() []int32 {
	g.lastOpOnce.Do(func() {
		g.byLastOp = g.sortedIndex(func(a, b *device) int { return cmpInt64(a.lastOpNanos(), b.lastOpNanos()) })
	})
	return g.byLastOp
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (d *device) lastOpNanos() int64 { return d.created + int64(d.lastOp)*int64(time.Second) }

// findUser returns the index of the user whose id is s.
func (g *org) findUser(s string) (int, bool) {
	if g.byID != nil {
		i, ok := g.byID[s]
		return int(i), ok
	}
	id, ok := parseID(s)
	if !ok {
		return 0, false
	}
	return slices.BinarySearchFunc(g.users, id, func(u user, id [16]byte) int { return bytes.Compare(u.id[:], id[:]) })
}

// userDevices returns the device indexes of user i.
func (g *org) userDevices(i int) (first, end int) {
	u := &g.users[i]
	return int(u.first), int(u.first + u.n)
}

// parseID decodes 32 lower-case hex digits.
func parseID(s string) ([16]byte, bool) {
	var id [16]byte
	if len(s) != 32 {
		return id, false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return id, false
		}
	}
	_, err := hex.Decode(id[:], []byte(s))
	return id, err == nil
}

func hexID(id [16]byte) string { return hex.EncodeToString(id[:]) }

var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// drawSecret draws a ZStack TOTP seed of 10 bytes (16 base32 characters):
// the 8 bytes of one draw, little-endian, and the 2 low bytes of another.
// Seeded and explicit organisations share it so that both keep drawing the
// same seeds for the same Options.
func drawSecret(rng *rand.Rand) [10]byte {
	a, b := rng.Uint64(), rng.Uint64()
	var s [10]byte
	binary.LittleEndian.PutUint64(s[:8], a)
	s[8], s[9] = byte(b), byte(b>>8)
	return s
}

func (d *device) createdTime() time.Time { return time.Unix(0, d.created).UTC() }

// ---- the fields of users and devices, seeded or explicit ----

// userID is the id of user i.
func (g *org) userID(i int) string {
	if g.ux != nil {
		return g.ux[i].ID
	}
	return hexID(g.users[i].id)
}

// isVirtual reports whether ZStack user i is an IAM2 virtual id: every
// third seeded user when IAM2 is installed.
func (g *org) isVirtual(i int) bool {
	if g.ux != nil {
		return g.ux[i].VirtualID
	}
	return g.iam2 && i%3 == 2
}

// devID is the id of device j as a client reports it.
func (g *org) devID(j int) string {
	if g.dx != nil {
		return g.dx[j].ID
	}
	d := &g.devices[j]
	switch {
	case g.kind == kindIAM:
		uid := hexID(g.users[d.user].id)
		if d.flags&devColonSerial != 0 {
			return "iam:" + uid + ":mfa"
		}
		return "iam/mfa/" + uid
	case d.flags&devPhone != 0:
		return strconv.FormatUint(uint64(binary.LittleEndian.Uint32(d.id[:4])%90_000_000+10_000_000), 10)
	}
	return hexID(d.id)
}

// devWord is the vendor's status word of device j.
func (g *org) devWord(j int) string {
	if g.dx != nil {
		return g.dx[j].VendorStatus
	}
	d := &g.devices[j]
	switch g.kind {
	case kindWorkspace:
		return [...]string{"REGISTERED", "UNREGISTER", workspaceUnknownWords[int(d.variant)%len(workspaceUnknownWords)]}[d.state]
	case kindRackspace:
		return strconv.FormatBool(d.state == drawActive)
	case kindZStack:
		return [...]string{"Logined", "NewCreated", zstackUnknownWords[int(d.variant)%len(zstackUnknownWords)]}[d.state]
	}
	return ""
}

// devSecret is the TOTP seed of ZStack device j.
func (g *org) devSecret(j int) string {
	if g.dx != nil {
		return g.dx[j].Secret
	}
	return secretEncoding.EncodeToString(g.devices[j].secret[:])
}

// device returns device j as a faithful client reads it.
func (g *org) device(j int) Device {
	if g.dx != nil {
		return g.dx[j]
	}
	d := &g.devices[j]
	r := Device{ID: g.devID(j), Kind: mfa.KindTOTP, VendorStatus: g.devWord(j), Status: statusOf[d.state]}
	switch g.kind {
	case kindWorkspace:
		r.Created = d.createdTime()
	case kindRackspace:
		if d.flags&devPhone == 0 {
			r.Name = raxDeviceNames[int(d.variant)%len(raxDeviceNames)]
			break
		}
		r.Kind = mfa.KindSMS
		digits := hexToDigits(d.id[4:], 10)
		r.Number = "1" + digits
		if d.flags&devPhoneDigits == 0 {
			r.Number = "+1 " + digits[:3] + "-" + digits[3:6] + "-" + digits[6:]
		}
	case kindZStack:
		r.Created = d.createdTime()
		r.Secret = g.devSecret(j)
	}
	return r
}

// hexToDigits derives n decimal digits from b.
func hexToDigits(b []byte, n int) string {
	out := make([]byte, n)
	for i := range out {
		out[i] = '0' + b[i%len(b)]%10
		if i == 0 && out[i] == '0' {
			out[i] = '2'
		}
	}
	return string(out)
}

// Inactive forms of a seeded user: every fourth user is disabled, locked
// or expired in turn. The APIs without locked or expired users read those
// their own way (see User).
const (
	formActive = iota
	formDisabled
	formLocked
	formExpired
)

func inactiveForm(i int) int {
	if i%4 != 3 {
		return formActive
	}
	return 1 + i/4%3
}

// user returns user i, without its devices, as a faithful client reads it.
func (g *org) user(i int) User {
	if g.ux != nil {
		return g.ux[i]
	}
	u := &g.users[i]
	r := User{ID: hexID(u.id), Name: g.seedName(i)}
	form := inactiveForm(i)
	switch g.kind {
	case kindIAM:
		r.Disabled = form == formDisabled
		switch u.draw {
		case drawActive:
			r.LoginProtect, r.LoginMethod = true, "vmfa"
		case drawPending:
			// A bound device that login does not ask for.
			r.LoginMethod = "vmfa"
		case drawUnknown:
			r.LoginProtect, r.LoginMethod = true, "sms"
			if u.flags&userByEmail != 0 {
				r.LoginMethod = "email"
			}
		default:
			r.LoginMethod = "vmfa"
			if u.flags&userSMSMethod != 0 {
				r.LoginMethod = "sms"
			}
		}
	case kindWorkspace:
		r.Email = r.Name + "@example.com"
		r.Disabled, r.Locked, r.Expired = form == formDisabled, form == formLocked, form == formExpired
	case kindRackspace:
		r.Email = r.Name + "@example.com"
		r.Disabled = form == formDisabled
		r.Created = g.userCreated(i)
		var otp, sms bool
		first, end := g.userDevices(i)
		for j := first; j < end; j++ {
			d := &g.devices[j]
			otp = otp || (d.state == drawActive && d.flags&devPhone == 0)
			sms = sms || (d.state == drawActive && d.flags&devPhone != 0)
		}
		r.Enforcement = enforcementLevels[u.flags&userEnforceMask]
		r.MFAEnabled = (otp || sms) && u.flags&userNotEnforced == 0
		switch {
		case u.flags&userNotEnforced != 0:
			r.Enforcement = "OPTIONAL"
		case r.MFAEnabled:
			r.MFAState, r.FactorType = "ACTIVE", "SMS"
			if u.flags&userMFALocked == 0 {
				r.MFAState = "LOCKED"
			}
			if otp {
				r.FactorType = "OTP"
			}
		}
	case kindZStack:
		r.Created = g.userCreated(i)
		r.VirtualID = g.isVirtual(i)
		switch {
		case r.VirtualID:
			r.Type, r.State = "ZStack", "Enabled"
			if form == formDisabled || form == formLocked {
				r.State = "Disabled"
			}
		default:
			r.Type, r.State = "Normal", "Enabled"
			switch {
			case i == 0:
				r.Type = "SystemAdmin"
			case form == formDisabled:
				r.State = "Disabled"
			case form == formLocked:
				r.State = "Staled"
			case i%8 == 1:
				r.State = "" // an older release
			}
		}
	}
	return r
}

// userCreated is the creation date of seeded user i, to the second.
func (g *org) userCreated(i int) time.Time {
	back := int64(binary.LittleEndian.Uint32(g.users[i].id[4:8])) % spreadSeconds
	return time.Unix(epoch.Unix()-back, 0).UTC()
}

// groundTruth returns every user with its devices, in the order the APIs
// list them.
func (g *org) groundTruth() []User {
	out := make([]User, len(g.users))
	for i := range g.users {
		out[i] = g.user(i)
		first, end := g.userDevices(i)
		out[i].Devices = make([]Device, 0, end-first)
		for j := first; j < end; j++ {
			out[i].Devices = append(out[i].Devices, g.device(j))
		}
	}
	return out
}

// User names, derived from the user's index (unique within an API).
var (
	chineseNames = []string{"zhangsan", "lisi", "wangwu", "zhaoliu", "sunqi", "zhouba", "wujiu", "zhengshi",
		"chenjing", "liuyang", "huangmin", "linfeng", "heping", "guoxin", "mali", "luoyun"}
	westernNames = []string{"jdoe", "asmith", "bjones", "cgarcia", "dmiller", "edavis", "frodriguez", "gwilson",
		"hmartinez", "ianderson", "jtaylor", "kthomas", "lmoore", "mjackson", "nmartin", "olee"}
)

func (g *org) seedName(i int) string {
	pool := chineseNames
	if g.kind == kindRackspace {
		pool = westernNames
	}
	name := pool[i%len(pool)]
	if i >= len(pool) {
		name += strconv.Itoa(i / len(pool))
	}
	return name
}

// Rackspace device names; one needs escaping in XML and JSON.
var raxDeviceNames = []string{"Phone", "NewOTPDevice", "Google Authenticator", "Authy", "Work phone",
	"Büro & Labor <2>", "YubiKey 5 NFC", "backup"}

// Words the APIs use for a status this module does not know.
var (
	workspaceUnknownWords = []string{"LOCKED", "EXPIRED", "SUSPENDED"}
	zstackUnknownWords    = []string{"Expired", "Locked"}
)

// Rackspace enforcement levels.
var enforcementLevels = [...]string{"DEFAULT", "OPTIONAL", "REQUIRED", "OPTIONAL"}

// dateLayout is one way an API writes a date.
type dateLayout struct {
	layout   string
	zone     *time.Location
	fraction bool
}

var beijing = time.FixedZone("CST", 8*3600)

// workspaceLayouts are the create_time layouts of the Workspace API.
var workspaceLayouts = []dateLayout{
	{layout: "2006-01-02 15:04:05", zone: time.UTC},
	{layout: "2006-01-02T15:04:05Z", zone: time.UTC},
	{layout: "2006-01-02T15:04:05", zone: time.UTC},
	{layout: time.RFC3339, zone: beijing},
	{layout: "2006-01-02T15:04:05.000Z07:00", zone: time.UTC, fraction: true},
	{layout: "2006-01-02T15:04:05.000000Z07:00", zone: beijing, fraction: true},
}

// zstackLayouts are ZStack's date layouts; zstackLayoutCycle serves Java's
// default text half the time.
var (
	zstackLayouts = []dateLayout{
		{layout: "Jan 2, 2006 3:04:05 PM", zone: time.UTC},
		{layout: "Jan 2, 2006 15:04:05", zone: time.UTC},
		{layout: time.RFC3339, zone: time.UTC},
	}
	zstackLayoutCycle = []int{0, 1, 0, 2}
)

func (l dateLayout) format(nanos int64) string {
	return time.Unix(0, nanos).In(l.zone).Format(l.layout)
}
