package alicloudtest

import (
	"net/http"
	"net/http/httptest"

	"github.com/listenercerts/alicloud"
)

// Server is an [Emulator] served by a local HTTP test server on 127.0.0.1
// with a random port, like [httptest.Server]. Its methods and fields (ALB,
// GA, AccessKeyID, ...) are those of the embedded Emulator.
type Server struct {
	*Emulator
	// URL is the base URL of the server, "http://127.0.0.1:<port>".
	URL string

	hs *httptest.Server
}

// NewServer starts an emulator on a random local port. The caller must call
// Close. It panics if it cannot listen or a seed option is invalid, as
// httptest.NewServer does.
func NewServer(opts ...Option) *Server {
	e := New(opts...)
	hs := httptest.NewUnstartedServer(e)
	hs.Start()
	return &Server{Emulator: e, URL: hs.URL, hs: hs}
}

// Close stops the emulator's background timers, then shuts the server down,
// waiting for outstanding requests. It is idempotent.
func (s *Server) Close() {
	s.Emulator.Close()
	s.hs.Close()
}

// Config returns a client configuration for this server: region cn-hangzhou,
// Endpoint s.URL and the primary AccessKey pair.
func (s *Server) Config() alicloud.Config {
	return s.Emulator.Config(s.URL)
}

// Client returns an HTTP client for the server, with no timeout of its own.
func (s *Server) Client() *http.Client {
	return s.hs.Client()
}
