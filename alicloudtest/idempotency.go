package alicloudtest

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// commonParams are not part of what a ClientToken promises: they change
// from attempt to attempt.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "AccessKeyId": true,
	"Signature": true, "SignatureMethod": true, "SignatureVersion": true,
	"SignatureNonce": true, "SignatureType": true, "Timestamp": true,
	"SecurityToken": true, "ClientToken": true,
}

// maxIdempotencyEntries bounds the store; the oldest entries go first.
const maxIdempotencyEntries = 100000

// idempotencyStore remembers the result of every successful action made
// with a ClientToken, per account, API version and operation. Guarded by
// Emulator.mu, as it must be checked and updated atomically with the state.
type idempotencyStore struct {
	entries map[string]idemEntry
	order   []string
}

type idemEntry struct {
	fingerprint string
	result      rawResult
}

func (s *idempotencyStore) init() {
	s.entries = map[string]idemEntry{}
}

func idemKey(c *call, token string) string {
	return c.account + "\x00" + c.version + "\x00" + c.action + "\x00" + token
}

// fingerprint is a canonical form of the operation's own parameters.
func fingerprint(params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if !commonParams[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range params[k] {
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(v)
			b.WriteByte(0)
		}
	}
	return b.String()
}

// replay looks the ClientToken up: the remembered result for the same
// parameters, a mismatch error for others, or (nil, nil) when the token is
// new. The caller holds Emulator.mu.
func (s *idempotencyStore) replay(c *call, token string) (rawResult, *apiError) {
	if token == "" {
		return nil, nil
	}
	ent, ok := s.entries[idemKey(c, token)]
	if !ok {
		return nil, nil
	}
	if ent.fingerprint != fingerprint(c.params) {
		return nil, errorf(http.StatusBadRequest, CodeIdempotentParameterMismatch,
			"The request uses the same client token %q as a previous, but non-identical request.", token)
	}
	return ent.result, nil
}

// remember stores the result of a successful action. The caller holds
// Emulator.mu.
func (s *idempotencyStore) remember(c *call, token string, result rawResult) {
	if token == "" {
		return
	}
	k := idemKey(c, token)
	if _, ok := s.entries[k]; !ok {
		s.order = append(s.order, k)
	}
	s.entries[k] = idemEntry{fingerprint: fingerprint(c.params), result: result}
	if len(s.order) > maxIdempotencyEntries {
		drop := len(s.order) - maxIdempotencyEntries + maxIdempotencyEntries/10 // amortized
		for _, old := range s.order[:drop] {
			delete(s.entries, old)
		}
		s.order = append(s.order[:0], s.order[drop:]...)
	}
}
