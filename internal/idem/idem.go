// Package idem derives the ClientTokens of the calls that converging
// operations (DissociateAndWait, RotateCertificates) make on the caller's
// behalf.
//
// A converging operation may send a different parameter list than the
// caller gave (it leaves out what is already done), and a ClientToken may
// be reused only with identical parameters: the service answers
// IdempotentParameterMismatch otherwise. Deriving the token from the
// caller's token and the parameters actually sent keeps both promises: a
// re-run with the same caller token that sends the same list reuses the
// same token (the service acts at most once), and a different list gets a
// different token.
package idem

import (
	"crypto/sha256"

	"github.com/google/uuid"

	"github.com/listenercerts/alicloud"
)

// Derive returns a ClientToken determined by base and parts, in UUID form
// (36 ASCII characters, within the services' 64-character limit). Equal
// inputs give equal tokens; callers sort order-insensitive parts first.
func Derive(base string, parts ...string) string {
	h := sha256.New()
	h.Write([]byte(base))
	for _, p := range parts {
		h.Write([]byte{0}) // parts cannot run into each other
		h.Write([]byte(p))
	}
	var u uuid.UUID
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5 (name-based, SHA), as uuid.NewSHA1 marks it
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

// WithToken makes err carry token, the ClientToken of the call it follows
// (alicloud.ClientTokenOf), unless err is nil, token is empty, or err
// carries a token already (the call that set it is the one to resume).
func WithToken(token string, err error) error {
	if err == nil || token == "" || alicloud.ClientTokenOf(err) != "" {
		return err
	}
	return &alicloud.ClientTokenError{ClientToken: token, Err: err}
}
