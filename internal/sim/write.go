package sim

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

const (
	contentJSON = "application/json;charset=UTF-8"
	contentXML  = "application/xml"
	contentText = "text/plain;charset=UTF-8"
	contentHTML = "text/html; charset=utf-8"
)

// maxRequestBody bounds the request bodies the emulators read.
const maxRequestBody = 1 << 20

// writeJSON answers v as JSON, encoded straight to w. net/http adds the
// Content-Length of small bodies by itself.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeText answers a plain-text body with its Content-Length.
func writeText(w http.ResponseWriter, status int, contentType, body string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func writeHTML(w http.ResponseWriter, status int, page string) {
	writeText(w, status, contentHTML, page)
}

// badGatewayPage is what a proxy in front of an API answers when the API
// does not.
const badGatewayPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// portalPage is a 200 page of a proxy that wants its user to sign in.
const portalPage = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Sign in</title></head>\n" +
	"<body><h1>Network access</h1><p>Please sign in to continue.</p>" +
	"<form method=\"post\" action=\"/login\"><input name=\"user\"><input name=\"password\" type=\"password\"></form></body>\n</html>\n"

// listWriter streams a JSON document whose one list may be long: the
// items are encoded one by one into a pooled buffer flushed to the
// response, so no page is ever held whole in memory.
type listWriter struct {
	bw    *bufio.Writer
	enc   *json.Encoder
	first bool
}

var bufPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// startList writes status, headers and prefix (such as `{"items":[`).
func startList(w http.ResponseWriter, status int, prefix string) *listWriter {
	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(status)
	bw := bufPool.Get().(*bufio.Writer)
	bw.Reset(w)
	_, _ = bw.WriteString(prefix)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &listWriter{bw: bw, enc: enc, first: true}
}

func (l *listWriter) item(v any) {
	if !l.first {
		_ = l.bw.WriteByte(',')
	}
	l.first = false
	_ = l.enc.Encode(v)
}

// end writes suffix (such as `]}`), flushes and recycles the buffer.
func (l *listWriter) end(suffix string) {
	_, _ = l.bw.WriteString(suffix)
	_ = l.bw.WriteByte('\n')
	_ = l.bw.Flush()
	l.bw.Reset(nil)
	bufPool.Put(l.bw)
}

// segments splits the escaped path of r into unescaped segments, so an id
// with an escaped "/" stays one segment. It returns nil for a path that
// does not start with "/" or does not unescape.
func segments(r *http.Request) []string {
	p := r.URL.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		return nil
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		if strings.IndexByte(s, '%') < 0 {
			continue
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil
		}
		parts[i] = u
	}
	return parts
}

// match reports whether segs has the shape of pattern, where "*" matches
// any one segment.
func match(segs []string, pattern ...string) bool {
	if len(segs) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		if p != "*" && p != segs[i] {
			return false
		}
	}
	return true
}

// xmlEscape escapes s for an XML attribute value or text.
func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// readBody reads at most maxRequestBody bytes of the request body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
}
