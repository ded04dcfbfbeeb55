package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/openmfa/mfa-go/mfa"
)

// A report's rows repeat what most rows share: the provider, the login
// method, the kind and statuses, a device's user. UserList and DeviceList
// keep each such value once, and in each row its own strings (ids and
// names) and the indices of the rest: a user row takes 48 bytes where a
// UserRow takes 112, a device row 56 where a DeviceRow takes 152.

// UserList is a list of user rows kept compact. Its JSON form is an array
// of UserRow objects. The zero value is an empty list ready to use.
type UserList struct {
	rows   []user
	shapes table[userShape]
}

// user is one UserRow.
type user struct {
	id, name      string
	shape         uint32 // in UserList.shapes
	devices       int32
	activeFactors int32
	enabled       bool
	audited       bool
}

// userShape is what many users share.
type userShape struct {
	provider       string
	loginMFA       mfa.Enforcement
	loginMFAMethod string
}

func (l *UserList) user(u UserRow) user {
	return user{id: u.UserID, name: u.UserName, shape: l.shapes.of(userShape{u.Provider, u.LoginMFA, u.LoginMFAMethod}),
		devices: count32(u.Devices), activeFactors: count32(u.ActiveFactors), enabled: u.Enabled, audited: u.Audited}
}

// count32 keeps a count in 32 bits: no user holds two billion devices, and
// a count past that is kept as the most there is room for.
func count32(n int) int32 { return int32(min(max(n, math.MinInt32), math.MaxInt32)) }

func (l *UserList) row(i int) UserRow {
	u := &l.rows[i]
	return u.row(&l.shapes.list[u.shape])
}

func (u *user) row(sh *userShape) UserRow {
	return UserRow{Provider: sh.provider, UserID: u.id, UserName: u.name, Enabled: u.enabled, LoginMFA: sh.loginMFA,
		LoginMFAMethod: sh.loginMFAMethod, Devices: int(u.devices), ActiveFactors: int(u.activeFactors), Audited: u.audited}
}

// Len returns the number of rows.
func (l *UserList) Len() int { return len(l.rows) }

// All yields the rows in order.
func (l *UserList) All() iter.Seq[UserRow] { return rows(len(l.rows), l.row) }

// Append adds u at the end. Devices and ActiveFactors are kept up to
// 2^31-1.
func (l *UserList) Append(u UserRow) { l.rows = append(l.rows, l.user(u)) }

// MarshalJSON writes the rows as an array of UserRow objects.
func (l UserList) MarshalJSON() ([]byte, error) { return marshalRows(l.All()) }

// UnmarshalJSON reads an array of UserRow objects. As for a slice, what
// the list held before is dropped; null leaves it empty. A count past
// 2^31-1 is an error.
func (l *UserList) UnmarshalJSON(data []byte) error {
	*l = UserList{}
	return unmarshalRows(data, func(u UserRow) error {
		if int(count32(u.Devices)) != u.Devices || int(count32(u.ActiveFactors)) != u.ActiveFactors {
			return fmt.Errorf("user %q: a count past %d", u.UserID, math.MaxInt32)
		}
		l.Append(u)
		return nil
	})
}

// DeviceList is a list of device rows kept compact. Its JSON form is an
// array of DeviceRow objects. The zero value is an empty list ready to
// use.
type DeviceList struct {
	rows []device
	// owners are the rows' users; in a Report, the rows of its Users
	// (both lists are clipped: appending to either copies its rows).
	owners UserList
	shapes table[deviceShape]
}

// device is one DeviceRow, in 56 bytes.
type device struct {
	id, name string
	// The creation time, as time.Unix takes it: a time.Time would add 8
	// bytes to every row.
	sec   int64
	nsec  int32
	owner int32  // in DeviceList.owners
	shape uint32 // in DeviceList.shapes
}

func newDevice(id, name string, created time.Time, owner int, shape uint32) device {
	return device{id: id, name: name, sec: created.Unix(), nsec: int32(created.Nanosecond()), owner: int32(owner), shape: shape}
}

// deviceShape is what many devices share.
type deviceShape struct {
	kind         mfa.Kind
	status       mfa.Status
	vendorStatus string
}

func (l *DeviceList) row(i int) DeviceRow {
	d := &l.rows[i]
	u := &l.owners.rows[d.owner]
	return d.row(u, &l.owners.shapes.list[u.shape], &l.shapes.list[d.shape])
}

func (d *device) row(u *user, us *userShape, sh *deviceShape) DeviceRow {
	return DeviceRow{Provider: us.provider, UserID: u.id, UserName: u.name, DeviceID: d.id, Name: d.name,
		Kind: sh.kind, Status: sh.status, VendorStatus: sh.vendorStatus, CreatedAt: time.Unix(d.sec, int64(d.nsec)).UTC()}
}

// Len returns the number of rows.
func (l *DeviceList) Len() int { return len(l.rows) }

// All yields the rows in order.
func (l *DeviceList) All() iter.Seq[DeviceRow] { return rows(len(l.rows), l.row) }

// Append adds d at the end, CreatedAt in UTC. The user strings of
// consecutive rows of one user are kept once.
func (l *DeviceList) Append(d DeviceRow) {
	owner := l.owners.user(UserRow{Provider: d.Provider, UserID: d.UserID, UserName: d.UserName})
	if n := len(l.owners.rows); n == 0 || l.owners.rows[n-1] != owner {
		l.owners.rows = append(l.owners.rows, owner)
	}
	l.rows = append(l.rows, newDevice(d.DeviceID, d.Name, d.CreatedAt, len(l.owners.rows)-1, l.shapes.of(deviceShape{d.Kind, d.Status, d.VendorStatus})))
}

// MarshalJSON writes the rows as an array of DeviceRow objects.
func (l DeviceList) MarshalJSON() ([]byte, error) { return marshalRows(l.All()) }

// UnmarshalJSON reads an array of DeviceRow objects. As for a slice, what
// the list held before is dropped; null leaves it empty.
func (l *DeviceList) UnmarshalJSON(data []byte) error {
	*l = DeviceList{}
	return unmarshalRows(data, func(d DeviceRow) error { l.Append(d); return nil })
}

// table keeps each value once, for rows to hold its index. A vendor has a
// handful of kinds and statuses; past maxShapes values (a server that
// makes one up per row), a value is added for every row, and the index
// grows no more.
type table[T comparable] struct {
	index map[T]uint32
	list  []T
}

const maxShapes = 1 << 12

func (t *table[T]) of(v T) uint32 {
	// The index of a copy of the table may name a value this one has not.
	if i, ok := t.index[v]; ok && int(i) < len(t.list) && t.list[i] == v {
		return i
	}
	i := uint32(len(t.list))
	t.list = append(t.list, v)
	if len(t.index) < maxShapes {
		if t.index == nil {
			t.index = map[T]uint32{}
		}
		t.index[v] = i
	}
	return i
}

// rows yields row(0), ..., row(n-1).
func rows[T any](n int, row func(int) T) iter.Seq[T] {
	return func(yield func(T) bool) {
		for i := range n {
			if !yield(row(i)) {
				return
			}
		}
	}
}

func marshalRows[T any](rows iter.Seq[T]) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for row := range rows {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		b, err := json.Marshal(row)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
	}
	buf.WriteByte(']')
	return buf.Bytes(), nil
}

// unmarshalRows reads an array of rows one at a time: a million rows are
// never held whole.
func unmarshalRows[T any](data []byte, add func(T) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("audit: want an array of rows, got %v", tok)
	}
	for n := 0; dec.More(); n++ {
		var row T
		if err := dec.Decode(&row); err != nil {
			return fmt.Errorf("audit: row %d: %w", n, err)
		}
		if err := add(row); err != nil {
			return fmt.Errorf("audit: row %d: %w", n, err)
		}
	}
	_, err = dec.Token()
	return err
}
