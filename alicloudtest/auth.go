package alicloudtest

import (
	"crypto/hmac"
	"net/http"
	"strings"
	"sync"
	"time"
)

// accessKey is one AccessKey the emulator accepts.
type accessKey struct {
	secret   string
	account  string
	disabled bool
	// For STS credentials: the token that must accompany the key, and when
	// both expire.
	token   string
	expires time.Time
}

// keyStore holds the accepted AccessKeys.
type keyStore struct {
	mu      sync.RWMutex
	keys    map[string]*accessKey
	byToken map[string]string // STS token -> AccessKeyId
}

func (s *keyStore) init() {
	s.keys = map[string]*accessKey{}
	s.byToken = map[string]string{}
}

func (s *keyStore) add(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[id] = &accessKey{secret: secret, account: id}
}

func (s *keyStore) addSTS(id, secret, token, account string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[id] = &accessKey{secret: secret, account: account, token: token, expires: expires}
	s.byToken[token] = id
}

func (s *keyStore) disable(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[id]
	if k == nil {
		return false
	}
	k.disabled = true
	return true
}

// lookup returns a copy of the key, so the caller needs no lock.
func (s *keyStore) lookup(id string) (accessKey, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.keys[id]
	if k == nil {
		return accessKey{}, false
	}
	return *k, true
}

func (s *keyStore) tokenOwner(token string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byToken[token]
	return id, ok
}

// nonceStore remembers the nonces used in the last SignatureWindow, per
// AccessKey. Entries expire in insertion order; the store is also capped so
// a long benchmark cannot grow it without bound.
type nonceStore struct {
	mu    sync.Mutex
	seen  map[string]time.Time
	queue []nonceEntry
	head  int
}

type nonceEntry struct {
	key string
	at  time.Time
}

const maxNonces = 1 << 20

// use records the nonce and reports whether it was unused.
func (s *nonceStore) use(keyID, nonce string, now time.Time) bool {
	key := keyID + "\x00" + nonce
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]time.Time{}
	}
	cutoff := now.Add(-SignatureWindow)
	for s.head < len(s.queue) {
		e := s.queue[s.head]
		if !e.at.Before(cutoff) && len(s.seen) < maxNonces {
			break
		}
		if at, ok := s.seen[e.key]; ok && at.Equal(e.at) {
			delete(s.seen, e.key)
		}
		s.queue[s.head] = nonceEntry{}
		s.head++
	}
	if s.head > 1024 && s.head*2 > len(s.queue) {
		s.queue = append(s.queue[:0], s.queue[s.head:]...)
		s.head = 0
	}
	if at, ok := s.seen[key]; ok && !at.Before(cutoff) {
		return false
	}
	s.seen[key] = now
	s.queue = append(s.queue, nonceEntry{key, now})
	return true
}

// credential is what a request claims, before it is verified.
type credential struct {
	keyID, nonce, date, token string
}

// authenticate verifies the request's signature (V3 when an Authorization
// header is present, else V1 from the parameters), then the key's state, the
// timestamp, the STS token and the nonce. On success c.account is set.
func (e *Emulator) authenticate(c *call) *apiError {
	authz := c.r.Header.Get(headerAuthz)
	if !e.checkAuth {
		switch {
		case authz != "":
			if a, ok := parseACS3Authorization(authz); ok {
				c.keyID = a.credential
			}
		default:
			c.keyID = c.params.Get("AccessKeyId")
		}
		c.account = c.keyID
		return nil
	}

	var (
		cred credential
		key  accessKey
		aerr *apiError
	)
	if authz != "" {
		c.mode = "V3"
		cred, key, aerr = e.verifyV3(c, authz)
	} else {
		c.mode = "V1"
		cred, key, aerr = e.verifyV1(c)
	}
	if aerr != nil {
		return aerr
	}

	now := e.now()
	t, err := time.Parse(time.RFC3339, cred.date)
	if err != nil {
		return errorf(http.StatusBadRequest, CodeTimestampFormat,
			"Specified time stamp or date value %q is not well formatted; use 2006-01-02T15:04:05Z (UTC).", cred.date)
	}
	if d := now.Sub(t); d > SignatureWindow || d < -SignatureWindow {
		return errorf(http.StatusBadRequest, CodeTimestampExpired,
			"Specified time stamp or date value is expired: %s is more than %v away from the server time %s.",
			cred.date, SignatureWindow, now.UTC().Format(time.RFC3339))
	}
	if aerr := e.checkToken(cred, key, now); aerr != nil {
		return aerr
	}
	if !e.nonces.use(cred.keyID, cred.nonce, now) {
		return errorf(http.StatusBadRequest, CodeSignatureNonceUsed,
			"Specified signature nonce was used already.")
	}
	c.account = key.account
	return nil
}

// lookupKey finds the AccessKey a request names.
func (e *Emulator) lookupKey(id string) (accessKey, *apiError) {
	key, ok := e.keys.lookup(id)
	if !ok {
		return key, errorf(http.StatusNotFound, CodeAccessKeyNotFound, "Specified access key is not found.")
	}
	if key.disabled {
		return key, errorf(http.StatusBadRequest, CodeAccessKeyInactive, "Specified access key is disabled.")
	}
	return key, nil
}

// checkToken verifies the security token that came with the request against
// the key: required for STS keys, refused for permanent ones.
func (e *Emulator) checkToken(cred credential, key accessKey, now time.Time) *apiError {
	mismatch := func() *apiError {
		return errorf(http.StatusBadRequest, CodeSecurityTokenMismatch,
			"Specified SecurityToken mismatch with the AccessKey.")
	}
	malformed := func(why string) *apiError {
		return errorf(http.StatusBadRequest, CodeSecurityTokenMalformed, "Specified SecurityToken is malformed: %s", why)
	}
	if key.token == "" { // a permanent key
		if cred.token == "" {
			return nil
		}
		if _, known := e.keys.tokenOwner(cred.token); known {
			return mismatch()
		}
		return malformed("a permanent AccessKey takes no security token.")
	}
	if cred.token == "" {
		return malformed("temporary (STS) credentials need their security token.")
	}
	if cred.token != key.token {
		if _, known := e.keys.tokenOwner(cred.token); known {
			return mismatch()
		}
		return malformed("the token is not one the emulator issued.")
	}
	if !now.Before(key.expires) {
		return errorf(http.StatusBadRequest, CodeSecurityTokenExpired, "Specified SecurityToken is expired.")
	}
	return nil
}

// acs3Authorization is a parsed "ACS3-HMAC-SHA256 Credential=...,
// SignedHeaders=...,Signature=..." header.
type acs3Authorization struct {
	credential, signedHeaders, signature string
}

// parseACS3Authorization parses the V3 Authorization header; spaces after
// the commas are tolerated, every part is required exactly once.
func parseACS3Authorization(h string) (acs3Authorization, bool) {
	var a acs3Authorization
	rest, ok := strings.CutPrefix(h, acs3Algorithm+" ")
	if !ok {
		return a, false
	}
	seen := 0
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || v == "" {
			return a, false
		}
		var dst *string
		switch k {
		case "Credential":
			dst = &a.credential
		case "SignedHeaders":
			dst = &a.signedHeaders
		case "Signature":
			dst = &a.signature
		default:
			return a, false
		}
		if *dst != "" {
			return a, false
		}
		*dst = v
		seen++
	}
	return a, seen == 3
}

func incompleteSignature(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, CodeIncompleteSignature,
		"The request signature does not conform to Aliyun standards: "+format, args...)
}

// verifyV3 checks an ACS3-HMAC-SHA256 signature, rebuilding the canonical
// request from what arrived.
func (e *Emulator) verifyV3(c *call, authz string) (credential, accessKey, *apiError) {
	var cred credential
	a, ok := parseACS3Authorization(authz)
	if !ok {
		return cred, accessKey{}, incompleteSignature(
			"the Authorization header must be %q.", acs3Algorithm+" Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>")
	}
	cred.keyID = a.credential
	c.keyID = a.credential
	h := c.r.Header
	for _, name := range []string{headerDate, headerNonce, headerContentHash} {
		if h.Get(name) == "" {
			return cred, accessKey{}, incompleteSignature("the header %s is required.", name)
		}
	}
	cred.date = h.Get(headerDate)
	cred.nonce = h.Get(headerNonce)
	cred.token = h.Get(headerToken)

	names := strings.Split(a.signedHeaders, ";")
	signed := make(map[string]bool, len(names))
	for i, n := range names {
		if n == "" || n != strings.ToLower(n) {
			return cred, accessKey{}, incompleteSignature("SignedHeaders must be lower-case names separated by ';'.")
		}
		if i > 0 && names[i-1] >= n {
			return cred, accessKey{}, incompleteSignature("SignedHeaders must be sorted and without duplicates.")
		}
		signed[n] = true
	}
	if !signed["host"] {
		return cred, accessKey{}, incompleteSignature("SignedHeaders must include host.")
	}
	for name := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-acs-") && !signed[lower] {
			return cred, accessKey{}, incompleteSignature("the header %s is sent but not signed.", lower)
		}
	}

	key, aerr := e.lookupKey(a.credential)
	if aerr != nil {
		return cred, key, aerr
	}

	headers := make([]v3Header, len(names))
	for i, n := range names {
		v := c.r.Host
		if n != "host" {
			v = strings.Join(h.Values(n), ",")
		}
		headers[i] = v3Header{n, strings.TrimSpace(v)}
	}
	payloadHash := h.Get(headerContentHash)
	if got := hexSHA256(c.body); payloadHash != got {
		return cred, key, errorf(http.StatusBadRequest, CodeSignatureDoesNotMatch,
			"Specified signature is not matched with our calculation: the header x-acs-content-sha256 %s is not the SHA-256 of the request body (%s).",
			payloadHash, got)
	}
	sts := stringToSignV3(canonicalRequestV3(c.r.Method, c.query, headers, payloadHash))
	want := signatureV3(key.secret, sts)
	if !hmac.Equal([]byte(strings.ToLower(a.signature)), []byte(want)) {
		return cred, key, errorf(http.StatusBadRequest, CodeSignatureDoesNotMatch, "%s%s", msgSignatureNotMatchedServerString, sts)
	}
	return cred, key, nil
}

// verifyV1 checks an HMAC-SHA1 signature carried in the parameters.
func (e *Emulator) verifyV1(c *call) (credential, accessKey, *apiError) {
	p := c.params
	cred := credential{
		keyID: p.Get("AccessKeyId"),
		nonce: p.Get("SignatureNonce"),
		date:  p.Get("Timestamp"),
		token: p.Get("SecurityToken"),
	}
	c.keyID = cred.keyID
	if cred.keyID == "" {
		return cred, accessKey{}, errorf(http.StatusBadRequest, CodeMissingAccessKeyID,
			"AccessKeyId is mandatory for this action: sign with signature V3 (Authorization header) or V1 (parameters).")
	}
	for _, name := range []string{"Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"} {
		if p.Get(name) == "" {
			return cred, accessKey{}, incompleteSignature("the parameter %s is required.", name)
		}
	}
	if m := p.Get("SignatureMethod"); m != "HMAC-SHA1" {
		return cred, accessKey{}, errorf(http.StatusBadRequest, CodeUnsupportedSignatureMethod,
			"The signature method %q is not supported; use HMAC-SHA1.", m)
	}
	if v := p.Get("SignatureVersion"); v != "1.0" {
		return cred, accessKey{}, incompleteSignature("SignatureVersion %q is not supported; use 1.0.", v)
	}
	if len(p["Signature"]) != 1 {
		return cred, accessKey{}, incompleteSignature("the parameter Signature is given more than once.")
	}
	key, aerr := e.lookupKey(cred.keyID)
	if aerr != nil {
		return cred, key, aerr
	}
	sts := stringToSignV1(c.r.Method, p)
	if !hmac.Equal([]byte(p.Get("Signature")), []byte(signatureV1(key.secret, sts))) {
		if cred.token != "" { // the token is a credential too: keep it out of messages
			sts = strings.ReplaceAll(sts, percentEncode(percentEncode(cred.token)), "<redacted>")
		}
		return cred, key, errorf(http.StatusBadRequest, CodeSignatureDoesNotMatch, "%s%s", msgSignatureNotMatchedServerString, sts)
	}
	return cred, key, nil
}
