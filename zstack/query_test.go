package zstack_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openmfa/mfa-go/mfa"
	"github.com/openmfa/mfa-go/zstack"
)

func TestConditionsOnTheWire(t *testing.T) {
	tests := []struct {
		cond zstack.Condition
		want string
	}{
		{zstack.Eq("userUuid", "264d446f"), "userUuid=264d446f"},
		{zstack.NotEq("status", "Logined"), "status!=Logined"},
		{zstack.Gt("createDate", "2025-01-01 00:00:00"), "createDate>2025-01-01 00:00:00"},
		{zstack.Lt("createDate", "2025-01-01"), "createDate<2025-01-01"},
		{zstack.Gte("createDate", "2025-01-01"), "createDate>=2025-01-01"},
		{zstack.Lte("createDate", "2025-01-01"), "createDate<=2025-01-01"},
		{zstack.In("userUuid", "a", "b", "c"), "userUuid?=a,b,c"},
		{zstack.NotIn("userType", "AccountVO"), "userType!?=AccountVO"},
		{zstack.Like("userUuid", "264d%"), "userUuid~=264d%"},
		{zstack.NotLike("userUuid", "%x_"), "userUuid!~=%x_"},
		{zstack.IsNull("resourceUuid"), "resourceUuid is null"},
		{zstack.NotNull("resourceUuid"), "resourceUuid not null"},
		{zstack.Where("vmNics.ip", zstack.OpEq, "10.0.0.1"), "vmNics.ip=10.0.0.1"},
		{zstack.Eq("name", "a=b"), "name=a=b"},
		{zstack.Eq("name", "a<b>c"), "name=a<b>c"},
		{zstack.Eq("name", ""), "name="},
		{zstack.Eq("name", "with space"), "name=with space"},
		{zstack.Eq("name", "日本"), "name=日本"},
		{zstack.NotEq("name", "="), "name!=="},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			require.NoError(t, tt.cond.Validate())
			assert.Equal(t, tt.want, tt.cond.String())
		})
	}
}

func TestConditionsTheServerWouldMisreadAreRefused(t *testing.T) {
	tests := []struct {
		name string
		cond zstack.Condition
	}{
		{"empty field", zstack.Eq("", "x")},
		{"field with operator", zstack.Eq("a!", "x")},
		{"field with space", zstack.Eq("user uuid", "x")},
		{"control in value", zstack.Eq("userUuid", "a\nb")},
		{"NUL in value", zstack.Eq("userUuid", "a\x00b")},
		{"DEL in value", zstack.Eq("userUuid", "a\x7fb")},
		{"bad UTF-8", zstack.Eq("userUuid", "a\xffb")},
		{"gt read as gte", zstack.Gt("n", "=5")},
		{"eq read as not-eq", zstack.Eq("n", "x!=y")},
		{"eq read as like", zstack.Eq("n", "~=x")},
		{"eq read as in", zstack.Eq("n", "a?=b")},
		{"leading separator dropped", zstack.Eq("n", "=x")},
		{"lt read as lte", zstack.Lt("n", "=1")},
		{"in with comma", zstack.In("n", "a,b")},
		{"in with nothing", zstack.In("n")},
		{"null with value", zstack.Where("n", zstack.OpIsNull, "x")},
		{"unknown operator", zstack.Where("n", zstack.Operator("=="), "x")},
		{"zero condition", zstack.Condition{}},
		{"huge value", zstack.Eq("n", string(make([]byte, 5000)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cond.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, mfa.ErrBadRequest)

			mt := newMock(t)
			c := newSessionClient(t, mt)
			_, err = c.QuerySecrets(context.Background(), zstack.QueryOptions{Conditions: zstack.Conditions{tt.cond}})
			assert.ErrorIs(t, err, mfa.ErrBadRequest)
			for range c.Secrets(context.Background(), zstack.QueryOptions{Conditions: zstack.Conditions{tt.cond}}) {
			}
			assert.Zero(t, mt.GetTotalCallCount(), "refused before any request")
		})
	}
}

func TestQueryOptionsOnTheWire(t *testing.T) {
	mt := newMock(t)
	var got url.Values
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		got = req.URL.Query()
		return respond(200, fixture(t, "secrets_total.json"))(req)
	})
	c := newSessionClient(t, mt)
	page, err := c.QuerySecrets(context.Background(), zstack.QueryOptions{
		Conditions:     zstack.Conditions{zstack.Eq("userUuid", "u 1&x"), zstack.In("status", "NewCreated", "Logined"), zstack.IsNull("resourceUuid")},
		Limit:          50,
		Start:          100,
		ReplyWithCount: true,
		Sort:           zstack.Desc("createDate"),
		Fields:         []string{"uuid", "userUuid", "status"},
	})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Total)
	assert.Equal(t, url.Values{
		"q":              {"userUuid=u 1&x", "status?=NewCreated,Logined", "resourceUuid is null"},
		"limit":          {"50"},
		"start":          {"100"},
		"replyWithCount": {"true"},
		"sort":           {"-createDate"},
		"fields":         {"uuid,userUuid,status"},
	}, got)

	_, err = c.QuerySecrets(context.Background(), zstack.QueryOptions{Sort: zstack.Asc("uuid")})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"limit": {"1000"}, "start": {"0"}, "sort": {"+uuid"}}, got, "the page size is the default limit")
}

func TestQueryOptionsRefused(t *testing.T) {
	mt := newMock(t)
	c := newSessionClient(t, mt)
	for _, opts := range []zstack.QueryOptions{
		{Limit: -1},
		{Limit: zstack.MaxPageSize + 1},
		{Start: -5},
		{Sort: zstack.Asc("create date")},
		{Fields: []string{"uuid,secret"}},
		{Fields: []string{""}},
	} {
		_, err := c.QuerySecrets(context.Background(), opts)
		assert.ErrorIs(t, err, mfa.ErrBadRequest, "%+v", opts)
		_, err = c.CountSecrets(context.Background(), zstack.QueryOptions{Conditions: zstack.Conditions{zstack.Eq("n", "\t")}})
		assert.ErrorIs(t, err, mfa.ErrBadRequest)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestSortAccessors(t *testing.T) {
	assert.True(t, zstack.Sort{}.IsZero())
	s := zstack.Desc("createDate")
	assert.False(t, s.IsZero())
	assert.Equal(t, "createDate", s.Field())
	assert.True(t, s.Descending())
	assert.Equal(t, "+uuid", zstack.Asc("uuid").String())
	c := zstack.In("userUuid", "a", "b")
	assert.Equal(t, "userUuid", c.Field())
	assert.Equal(t, zstack.OpIn, c.Op())
	assert.Equal(t, "a,b", c.Value())
}

func TestCountSecrets(t *testing.T) {
	mt := newMock(t)
	var got url.Values
	mt.RegisterResponder(http.MethodGet, secretsURL, func(req *http.Request) (*http.Response, error) {
		got = req.URL.Query()
		return respond(200, fixture(t, "count.json"))(req)
	})
	c := newSessionClient(t, mt)
	n, err := c.CountSecrets(context.Background(), zstack.QueryOptions{Conditions: zstack.Conditions{zstack.Eq("status", "Logined")}, Limit: 5})
	require.NoError(t, err)
	assert.Equal(t, 2500, n)
	assert.Equal(t, url.Values{"q": {"status=Logined"}, "count": {"true"}}, got)

	mt.RegisterResponder(http.MethodGet, secretsURL, respond(200, fixture(t, "secrets_empty.json")))
	_, err = c.CountSecrets(context.Background(), zstack.QueryOptions{})
	assert.ErrorIs(t, err, mfa.ErrInvalidResponse, "a count reply without total")
}
