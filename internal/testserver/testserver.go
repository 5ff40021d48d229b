// Package testserver is a scripted httptest server for the wire tests of
// the transport and the service packages: it answers from a script and
// records every request. It checks nothing about signatures; the emulator
// (alicloudtest) does.
package testserver

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// Request is one request as the server saw it.
type Request struct {
	Header http.Header
	Form   url.Values // the form body, parsed
	Body   string     // the form body, as sent
}

// Answer is one scripted response.
type Answer struct {
	Status      int
	Body        string
	ContentType string      // default application/json;charset=utf-8
	Header      http.Header // more response headers
	Drop        bool        // close the connection without an answer
}

// OK answers 200 with body.
func OK(body string) Answer { return Answer{Status: http.StatusOK, Body: body} }

// Error returns the service's error body for code.
func Error(status int, code string) Answer {
	return Answer{Status: status, Body: fmt.Sprintf(
		`{"RequestId":"RID-%[1]s","HostId":"host.example.com","Code":"%[1]s","Message":"message of %[1]s","Recommend":"https://api.aliyun.com/troubleshoot?q=%[1]s"}`, code)}
}

// Server answers from a script; the last answer repeats.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	script   []Answer
	requests []Request
}

// New starts a server closed when t ends.
func New(t testing.TB, script ...Answer) *Server {
	s := &Server{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	s.mu.Lock()
	s.requests = append(s.requests, Request{Header: r.Header.Clone(), Form: form, Body: string(body)})
	a := s.script[0]
	if len(s.script) > 1 {
		s.script = s.script[1:]
	}
	s.mu.Unlock()
	if a.Drop {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	if a.ContentType == "" {
		a.ContentType = "application/json;charset=utf-8"
	}
	w.Header().Set("Content-Type", a.ContentType)
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.Status)
	io.WriteString(w, a.Body)
}

// Requests returns what arrived so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}
