package sim

import (
	"bytes"
	"encoding/base32"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"
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

// draw is what was drawn for a user or a device: one of the three
// device states, or (for a user) no device at all.
type draw uint8

const (
	drawActive draw = iota
	drawPending
	drawUnknown
	drawNone
)

// Status values of Device.Status. They equal the mfa.Status values a
// faithful client reports for the device.
const (
	StatusActive  = "active"
	StatusPending = "pending"
	StatusUnknown = "unknown"
)

var statusNames = [...]string{StatusActive, StatusPending, StatusUnknown}

// user is one user of a sample organisation. Users are kept sorted by id, so
// a path id is found by binary search; names are derived from the index.
type user struct {
	id    [16]byte
	first int32 // index of the user's first device in org.devices
	n     int32 // number of devices
	draw  draw  // what was drawn for the user's first device (or drawNone)
	flags uint8 // vendor-specific variants (see the user flag constants)
}

// User flag bits.
const (
	userMFAString    = 1 << 0 // Rackspace: RAX-AUTH:multiFactorEnabled as a string
	userEnforceShift = 1      // Rackspace: bits 1-2 index enforcementLevels
)

// device is one device, stored compactly; every text the APIs serve is
// derived from it on demand.
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

// Device flag bits.
const (
	devStatusObject = 1 << 0 // ZStack: status as {"name":..,"ordinal":..}
	devOldOwner     = 1 << 1 // ZStack: accountUuid instead of userUuid/userType
	devResource     = 1 << 2 // ZStack: resourceUuid/resourceType present
	devIAM2User     = 1 << 3 // ZStack: userType IAM2VirtualIDVO
	devBareXML      = 1 << 4 // Rackspace: single device in XML not wrapped
	devColonSerial  = 1 << 5 // Huawei IAM: serial "iam:<id>:mfa"
)

// org is the sample organisation of one API. It is immutable once built.
type org struct {
	kind    kind
	users   []user   // sorted by id
	devices []device // grouped by user, in user order

	// ZStack only: device indexes sorted by uuid (built at start) and
	// by createDate and lastOpDate (built on first use).
	byUUID      []int32
	byCreated   []int32
	byLastOp    []int32
	createdOnce sync.Once
	lastOpOnce  sync.Once
}

// epoch is the newest creation date of a sample device (the date of the
// ZStack reference example); devices are spread over the three years before.
var epoch = time.Date(2025, 10, 28, 14, 9, 26, 0, time.UTC)

const spreadSeconds = 3 * 365 * 24 * 3600

// maxDevices is the most devices one user can have at each API.
func maxDevices(k kind, opt int) int {
	switch k {
	case kindIAM:
		return 1
	case kindWorkspace:
		return min(opt, 55)
	}
	return opt
}

// buildOrg builds the organisation of one API. Each API draws from its own
// PCG stream, so its organisation depends only on the seed and the options.
func buildOrg(k kind, seed int64, o *Options) *org {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^uint64(k+1)))
	g := &org{kind: k, users: make([]user, o.Users)}
	for i := range g.users {
		fillID(&g.users[i].id, rng)
	}
	slices.SortFunc(g.users, func(a, b user) int { return bytes.Compare(a.id[:], b.id[:]) })

	weights := [4]int{o.Active, o.Pending, o.Unknown, o.NoDevice}
	userTotal := weights[0] + weights[1] + weights[2] + weights[3]
	devTotal := weights[0] + weights[1] + weights[2]
	maxDev := maxDevices(k, o.MaxDevicesPerUser)
	g.devices = make([]device, 0, o.Users*(maxDev+1)/2)
	for i := range g.users {
		u := &g.users[i]
		u.first = int32(len(g.devices))
		u.draw = pick(rng, weights[:], userTotal)
		u.flags = uint8(rng.Uint32())
		if u.draw == drawNone {
			continue
		}
		n := 1
		if maxDev > 1 {
			n += rng.IntN(maxDev)
		}
		for j := range n {
			st := u.draw
			if j > 0 {
				st = pick(rng, weights[:3], devTotal)
			}
			g.devices = append(g.devices, g.newDevice(rng, int32(i), st))
		}
		u.n = int32(len(g.devices)) - u.first
	}
	if k == kindZStack {
		g.byUUID = g.sortedIndex(func(a, b *device) int { return bytes.Compare(a.id[:], b.id[:]) })
	}
	return g
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

func fillID(id *[16]byte, rng *rand.Rand) {
	a, b := rng.Uint64(), rng.Uint64()
	for i := range 8 {
		id[i] = byte(a >> (8 * i))
		id[8+i] = byte(b >> (8 * i))
	}
}

func (g *org) newDevice(rng *rand.Rand, u int32, st draw) device {
	idx := len(g.devices)
	d := device{user: u, state: st, variant: uint8(rng.Uint32())}
	fillID(&d.id, rng)
	d.flags = uint8(rng.Uint32()) &^ devStatusObject
	created := epoch.Unix() - rng.Int64N(spreadSeconds)
	var nanos int64
	switch g.kind {
	case kindIAM:
		if st != drawActive {
			// The IAM API has no device status: a device is bound.
			d.state = drawActive
		}
		d.flags &^= devColonSerial
		if idx%2 == 1 {
			d.flags |= devColonSerial
		}
	case kindWorkspace:
		d.layout = uint8(idx % len(workspaceLayouts))
		if workspaceLayouts[d.layout].fraction {
			nanos = int64(1+rng.IntN(999)) * int64(time.Millisecond)
		}
	case kindRackspace:
		if st == drawUnknown {
			// Rackspace has only verified true/false.
			d.state = drawPending
		}
		d.flags &^= devBareXML
		if idx%2 == 1 {
			d.flags |= devBareXML
		}
	case kindZStack:
		d.layout = uint8(zstackLayoutCycle[idx%len(zstackLayoutCycle)])
		if idx%2 == 1 {
			d.flags |= devStatusObject
		}
		// About one record in five has the older owner form.
		d.flags &^= devOldOwner
		if rng.IntN(5) == 0 {
			d.flags |= devOldOwner
		}
		d.lastOp = int32(rng.IntN(30 * 24 * 3600))
		a, b := rng.Uint64(), rng.Uint64()
		for i := range 8 {
			d.secret[i] = byte(a >> (8 * i))
		}
		d.secret[8], d.secret[9] = byte(b), byte(b>>8)
	}
	d.created = created*int64(time.Second) + nanos
	return d
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

// findUser returns the index of the user whose id is the hex text s.
func (g *org) findUser(s string) (int, bool) {
	id, ok := parseID(s)
	if !ok {
		return 0, false
	}
	return slices.BinarySearchFunc(g.users, id, func(u user, id [16]byte) int { return bytes.Compare(u.id[:], id[:]) })
}

// userDevices returns the devices of user i.
func (g *org) userDevices(i int) []device {
	u := &g.users[i]
	return g.devices[u.first : u.first+u.n]
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

func (d *device) secretText() string { return secretEncoding.EncodeToString(d.secret[:]) }

func (d *device) createdTime() time.Time { return time.Unix(0, d.created).UTC() }

// User names, derived from the user's index (unique within an API).
var (
	chineseNames = []string{"zhangsan", "lisi", "wangwu", "zhaoliu", "sunqi", "zhouba", "wujiu", "zhengshi",
		"chenjing", "liuyang", "huangmin", "linfeng", "heping", "guoxin", "mali", "luoyun"}
	westernNames = []string{"jdoe", "asmith", "bjones", "cgarcia", "dmiller", "edavis", "frodriguez", "gwilson",
		"hmartinez", "ianderson", "jtaylor", "kthomas", "lmoore", "mjackson", "nmartin", "olee"}
)

func (g *org) userName(i int) string {
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

// workspaceLayouts are the create_time layouts of vendors.md, section 1.
var workspaceLayouts = []dateLayout{
	{layout: "2006-01-02 15:04:05", zone: time.UTC},
	{layout: "2006-01-02T15:04:05Z", zone: time.UTC},
	{layout: "2006-01-02T15:04:05", zone: time.UTC},
	{layout: time.RFC3339, zone: beijing},
	{layout: "2006-01-02T15:04:05.000Z07:00", zone: time.UTC, fraction: true},
	{layout: "2006-01-02T15:04:05.000000Z07:00", zone: beijing, fraction: true},
}

// zstackLayouts are the createDate/lastOpDate layouts of vendors.md,
// section 4; zstackLayoutCycle serves Java's default text half the time.
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

// workspaceStatus is the Workspace word for a device state.
func (d *device) workspaceStatus() string {
	switch d.state {
	case drawActive:
		return "REGISTERED"
	case drawPending:
		return "UNREGISTER"
	}
	return workspaceUnknownWords[int(d.variant)%len(workspaceUnknownWords)]
}

// zstackStatus is the ZStack status name and ordinal of a device state.
func (d *device) zstackStatus() (string, int) {
	switch d.state {
	case drawActive:
		return "Logined", 1
	case drawPending:
		return "NewCreated", 0
	}
	i := int(d.variant) % len(zstackUnknownWords)
	return zstackUnknownWords[i], 2 + i
}

func (d *device) raxName() string { return raxDeviceNames[int(d.variant)%len(raxDeviceNames)] }

func (d *device) raxVerified() bool { return d.state == drawActive }

// iamSerial is the serial number of a Huawei IAM virtual MFA device.
func (g *org) iamSerial(d *device) string {
	uid := hexID(g.users[d.user].id)
	if d.flags&devColonSerial != 0 {
		return "iam:" + uid + ":mfa"
	}
	return "iam/mfa/" + uid
}

// groundTruth returns every device as a client should read it.
func (g *org) groundTruth() []Device {
	out := make([]Device, 0, len(g.devices))
	for i := range g.devices {
		d := &g.devices[i]
		uid := hexID(g.users[d.user].id)
		dev := Device{UserID: uid, Status: statusNames[d.state]}
		switch g.kind {
		case kindIAM:
			dev.ID = g.iamSerial(d)
		case kindWorkspace:
			dev.ID = hexID(d.id)
			dev.UserName = g.userName(int(d.user))
			dev.VendorStatus = d.workspaceStatus()
			dev.Created = d.createdTime()
		case kindRackspace:
			dev.ID = hexID(d.id)
			dev.Name = d.raxName()
			dev.VendorStatus = strconv.FormatBool(d.raxVerified())
		case kindZStack:
			dev.ID = hexID(d.id)
			dev.VendorStatus, _ = d.zstackStatus()
			dev.Created = d.createdTime()
			dev.Secret = d.secretText()
		}
		out = append(out, dev)
	}
	return out
}
