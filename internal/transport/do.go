package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/safetext"
	"github.com/listenercerts/alicloud/internal/signer"
	"github.com/listenercerts/alicloud/internal/validate"
)

// MaxResponseBytes bounds how much of a response body is read.
const MaxResponseBytes = 1 << 20

const formContentType = "application/x-www-form-urlencoded"

// Response is the JSON body of a successful answer; every answer carries a RequestId.
type Response interface {
	RequestID() string
}

// Validator is implemented by responses with required fields beyond
// RequestId (an ALB write's JobId, say). Do calls Validate after decoding
// a 2xx answer; an error makes the answer a decode error that names what
// is missing.
type Validator interface {
	Validate() error
}

// Do performs the call req and decodes a successful JSON answer into out.
// It sorts req.Params in place.
//
// Service errors come back as *alicloud.APIError, also when a 2xx answer
// carries a Code; a done ctx as an error matching ctx.Err(); a nil ctx as a
// *alicloud.ValidationError. A 2xx answer that is not JSON, has no
// RequestId or fails out's Validate is a decode error. Once a request was
// sent, the error of an Idempotent call is an *alicloud.ClientTokenError
// carrying the token; before that (nothing reached the network) it carries
// none. See alicloud.RetryPolicy for what is retried.
func (c *Client) Do(ctx context.Context, req *Request, out Response) (Result, error) {
	res := Result{}
	if err := validate.Context(ctx); err != nil {
		return res, err
	}
	params := req.Params
	if req.Idempotent {
		res.ClientToken = req.ClientToken
		if res.ClientToken == "" {
			res.ClientToken = alicloud.NewClientToken()
		}
		params = append(params[:len(params):len(params)], signer.Param{Key: "ClientToken", Value: res.ClientToken})
	}
	signer.SortParams(params)
	err := c.do(ctx, req.Operation, params, out, &res)
	if err != nil && req.Idempotent && res.Sent {
		err = &alicloud.ClientTokenError{ClientToken: res.ClientToken, Err: err}
	}
	return res, err
}

// payload is what every attempt of a call sends, prepared once.
type payload struct {
	sent   bool           // an attempt of the call may have reached the service (set once, never reset)
	params []signer.Param // sorted
	body   []byte         // V3: the form body; V1 builds its own per attempt
	hash   string         // V3: hex SHA-256 of body
}

func (c *Client) do(ctx context.Context, op string, params []signer.Param, out Response, res *Result) (err error) {
	if c.observer != nil {
		ctx = c.startCall(ctx, op, res)
		defer c.endCall(ctx, res, &err)
	}
	p := payload{params: params}
	if c.sigV == alicloud.SignatureV3 { // the V3 body does not depend on the attempt
		p.body = signer.AppendQuery(make([]byte, 0, 256), params)
		p.hash = signer.HashHex(p.body)
	}
	start := c.now()
	var retries, conflictRetries int
	var last error // the previous attempt's error
	for {
		if err := c.limiter.Wait(ctx, c.svc.Name, op); err != nil {
			return c.limiterRefused(ctx, op, res.Attempts, err, last)
		}
		res.Attempts++
		began := c.now()
		status, rid, hint, err := c.attempt(ctx, op, &p, out)
		res.HTTPStatus, res.RequestID, res.Sent = status, rid, p.sent
		var apiErr *alicloud.APIError
		code := ""
		if errors.As(err, &apiErr) {
			apiErr.Attempts = res.Attempts
			code = apiErr.Code
		}
		if err == nil || ctx.Err() != nil {
			c.log(ctx, op, *res, began, code, noRetry, err, apiErr)
			if err != nil {
				return c.canceled(ctx, op, res.Attempts, err)
			}
			return nil
		}

		var delay time.Duration
		switch {
		case !c.retry.DisableConflictRetry && c.isBusy(apiErr):
			left := c.retry.MaxConflictWait - c.now().Sub(start)
			if left <= 0 {
				c.log(ctx, op, *res, began, code, noRetry, err, apiErr)
				return err
			}
			delay = min(c.busyBackoff(conflictRetries), left)
			conflictRetries++
		case c.retryable(status, code, err) && retries+1 < c.retry.MaxAttempts:
			delay = c.backoff(c.retry.BaseDelay, c.retry.MaxDelay, retries)
			if hint > delay { // the service said when its quota refills
				delay = min(hint, c.retry.MaxDelay)
			}
			retries++
		default:
			c.log(ctx, op, *res, began, code, noRetry, err, apiErr)
			return err
		}
		c.log(ctx, op, *res, began, code, delay, err, apiErr)
		last = err
		if serr := c.sleep(ctx, delay); serr != nil {
			return c.canceled(ctx, op, res.Attempts, err)
		}
	}
}

// canceled wraps ctx's error; the error of the last attempt stays reachable
// with errors.As.
func (c *Client) canceled(ctx context.Context, op string, attempts int, last error) error {
	if last == nil {
		return errorf(c.svc.Name, op, "%w (after %d attempt(s))", ctx.Err(), attempts)
	}
	return errorf(c.svc.Name, op, "%w after %d attempt(s); last: %w", ctx.Err(), attempts, last)
}

// limiterRefused is the error of a call whose rate limiter refused an
// attempt; the previous attempt's error, if any, stays reachable with
// errors.As.
func (c *Client) limiterRefused(ctx context.Context, op string, attempts int, err, last error) error {
	if ctx.Err() != nil {
		return c.canceled(ctx, op, attempts, last)
	}
	if last == nil {
		return errorf(c.svc.Name, op, "rate limiter: %w", err)
	}
	return errorf(c.svc.Name, op, "rate limiter: %w (after %d attempt(s); last: %w)", err, attempts, last)
}

// backoff returns a full-jitter delay: uniform in [0, min(max, base*2^n)).
func (c *Client) backoff(base, max time.Duration, n int) time.Duration {
	ceil := max
	if n < 30 {
		if d := base << n; d > 0 && d < max {
			ceil = d
		}
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(c.jitter(int64(ceil)))
}

// busyBackoff returns the delay before busy retry n: uniform in [c/2, c)
// with c = min(ConflictMaxDelay, ConflictBaseDelay*2^n). The floor keeps a
// busy listener from being asked again at once: it stays busy for seconds.
func (c *Client) busyBackoff(n int) time.Duration {
	ceil := c.retry.ConflictMaxDelay
	if n < 30 {
		if d := c.retry.ConflictBaseDelay << n; d > 0 && d < ceil {
			ceil = d
		}
	}
	half := ceil / 2
	if half <= 0 {
		return ceil
	}
	return half + time.Duration(c.jitter(int64(ceil-half)))
}

// busyCodes are answered by both services while a resource is still
// applying an earlier change (or this ClientToken is still being processed).
var busyCodes = map[string]bool{"IdempotenceProcessing": true, "SystemBusy": true}

// isBusy reports whether the answer e means "busy, try again later": the
// codes of both services and those of this one.
func (c *Client) isBusy(e *alicloud.APIError) bool {
	if e == nil {
		return false
	}
	return busyCodes[e.Code] || (c.svc.IsConflict != nil && c.svc.IsConflict(e.Code, e.Message))
}

// retryCodes are retried whatever the HTTP status.
var retryCodes = map[string]bool{
	"Throttling": true, "Throttling.User": true, "Throttling.Api": true, "Throttling.Concurrent": true,
	"Rejected.Throttling": true, "ServiceUnavailable": true, "InternalError": true,
	"ServiceBusy": true, "UnknownError": true,
	"SignatureNonceUsed": true, // every attempt has a fresh nonce
}

func (c *Client) retryable(status int, code string, err error) bool {
	if status == 0 {
		return transient(err)
	}
	if retryCodes[code] || strings.HasPrefix(code, "Throttling.") {
		return true
	}
	if alicloud.CategoryOf(code) != nil {
		return false // a classified client-side problem, whatever the status
	}
	return status >= 500 || status == http.StatusTooManyRequests || (status < 300 && transient(err))
}

// transient reports network errors worth another attempt: the request may
// or may not have arrived, and the ClientToken makes a repeat safe.
func transient(err error) bool {
	if errors.Is(err, errAttemptTimeout) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// attempt sends one signed request. It returns the HTTP status (0 when no
// response arrived), the RequestId, the service's hint of when to try again
// (0 when none), and nil or the attempt's error.
func (c *Client) attempt(ctx context.Context, op string, p *payload, out Response) (status int, requestID string, retryAfter time.Duration, err error) {
	parent := ctx
	if d := c.retry.AttemptTimeout; d > 0 {
		if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > d { // else ctx bounds it already
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
	}
	// An attempt cut short by AttemptTimeout (not by the caller's ctx) says
	// so, rather than looking like the caller's deadline.
	timedOut := func(err error) error {
		if ctx.Err() != nil && parent.Err() == nil {
			return fmt.Errorf("%w after %s (%v)", errAttemptTimeout, c.retry.AttemptTimeout, err)
		}
		return err
	}
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return 0, "", 0, errorf(c.svc.Name, op, "credentials: %w", err)
	}
	sc := signer.Credentials{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, SecurityToken: creds.SecurityToken}
	if sc.AccessKeyID == "" || sc.AccessKeySecret == "" {
		return 0, "", 0, errEmptyCredential()
	}
	now, nonce := c.now(), c.nonce()

	// One backing array for every header value: fewer allocations.
	vals := make([]string, 0, 10)
	header := make(http.Header, 10)
	set := func(name, value string) {
		vals = append(vals, value)
		header[name] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	var body []byte
	var sig string // the attempt's signature: never to be echoed back into an error or a log
	if c.sigV == alicloud.SignatureV1 {
		var common [9]signer.Param
		all := signer.AppendMerged(make([]signer.Param, 0, len(p.params)+9), p.params,
			signer.AppendV1CommonParams(common[:0], op, c.svc.Version, "JSON", sc, now, nonce))
		sig = signer.SignV1Sorted(http.MethodPost, all, sc.AccessKeySecret)
		body = signer.AppendQuery(make([]byte, 0, 512), all)
		body = append(body, "&Signature="...) // the order of form fields does not matter
		body = signer.AppendEncoded(body, sig)
	} else {
		body = p.body
		hs := signer.V3Headers(c.host, formContentType, op, c.svc.Version, p.hash, now, nonce, sc.SecurityToken)
		for _, h := range hs {
			if h.Key != "host" && h.Key != "content-type" { // both are set below
				set(h.Key, h.Value)
			}
		}
		auth := signer.SignV3(&signer.V3Request{Method: http.MethodPost, Headers: hs}, sc)
		set("Authorization", auth)
		sig = signer.V3Signature(auth)
	}
	set("Content-Type", formContentType)
	set("Accept", "application/json")
	set("User-Agent", c.userAgent)

	u := *c.u
	hreq := (&http.Request{
		Method:        http.MethodPost,
		URL:           &u, // a copy per attempt: a RoundTripper may rewrite it
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(body)),
		GetBody:       func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil },
		ContentLength: int64(len(body)),
		Host:          c.u.Host,
	}).WithContext(ctx)
	resp, err := c.http.Do(hreq)
	if err != nil {
		if !neverLeft(err) {
			p.sent = true // the service may have acted on it
		}
		return 0, "", 0, errorf(c.svc.Name, op, "send: %w", timedOut(stripURL(err)))
	}
	p.sent = true
	defer resp.Body.Close()
	buf := bufferPool.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	if rerr := readBounded(buf, resp.Body, resp.ContentLength); rerr != nil {
		// A cut-off body is transient (the ClientToken makes a repeat safe);
		// an oversized one is not.
		return resp.StatusCode, "", 0, errorf(c.svc.Name, op, "read response (HTTP %d): %w", resp.StatusCode, timedOut(rerr))
	}
	data := buf.Bytes() // json.Unmarshal copies what it keeps, so buf can be reused
	red := redactor{sc.AccessKeySecret, sc.SecurityToken, sig}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		rid, err := c.decodeSuccess(op, resp, data, out, &red)
		if err != nil {
			var apiErr *alicloud.APIError
			if errors.As(err, &apiErr) {
				return resp.StatusCode, rid, timeLeft(resp.Header), err
			}
		}
		return resp.StatusCode, rid, 0, err
	}
	apiErr := c.decodeError(op, resp, data, &red)
	return resp.StatusCode, apiErr.RequestID, timeLeft(resp.Header), apiErr
}

var (
	errNoRequestID    = errors.New("the answer has no RequestId")
	errCodeNotAString = errors.New("the answer's Code is not a string")
)

// Fresh values each time: a caller may modify the *ValidationError it gets.
func errNilCredsFunc() error {
	return &alicloud.ValidationError{Field: "Config.Credentials", Reason: "is a nil CredentialsProviderFunc"}
}

func errEmptyCredential() error {
	return &alicloud.ValidationError{Field: "Config.Credentials", Reason: "the provider returned an empty AccessKeyID or AccessKeySecret"}
}

// decodeSuccess decodes a 2xx answer into out and returns its RequestId
// (redacted). A body carrying a Code is that service error (an
// *alicloud.APIError, classified and retried like any other; DryRunOperation
// included). A body that is not JSON, has no RequestId, or fails out's
// Validate is a decode error naming what is wrong.
func (c *Client) decodeSuccess(op string, resp *http.Response, data []byte, out Response, red *redactor) (string, error) {
	if mayHoldCode(data) {
		var probe struct{ Code json.RawMessage }
		if json.Unmarshal(data, &probe) == nil && len(probe.Code) > 0 && string(probe.Code) != "null" {
			var code string
			if json.Unmarshal(probe.Code, &code) != nil {
				return "", c.decodeFailed(op, resp, data, errCodeNotAString)
			}
			if code != "" {
				apiErr := c.decodeError(op, resp, data, red)
				return apiErr.RequestID, apiErr
			}
		}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return "", c.decodeFailed(op, resp, data, err)
	}
	rid := out.RequestID()
	if rid == "" {
		return "", c.decodeFailed(op, resp, data, errNoRequestID)
	}
	rid = red.apply(rid)
	if v, ok := out.(Validator); ok {
		if err := v.Validate(); err != nil {
			return rid, c.decodeFailed(op, resp, data, err)
		}
	}
	return rid, nil
}

func (c *Client) decodeFailed(op string, resp *http.Response, data []byte, err error) error {
	return errorf(c.svc.Name, op, "decode response (HTTP %d, %s): %w", resp.StatusCode, describeBody(resp, data), err)
}

// mayHoldCode reports whether a JSON body may hold a "Code" key. The check
// is cheap and errs on the side of yes: encoding/json matches keys
// case-insensitively and decodes escapes in them, so any spelling of
// "code", or any backslash, counts.
func mayHoldCode(data []byte) bool {
	for i, b := range data {
		if b == '\\' {
			return true
		}
		if b|0x20 == 'c' && i+3 < len(data) && data[i+1]|0x20 == 'o' && data[i+2]|0x20 == 'd' && data[i+3]|0x20 == 'e' {
			return true
		}
	}
	return false
}

// neverLeft reports a send error that proves the request never reached
// the service: no connection could be made (a dial or name resolution
// failure). Anything else may have arrived.
func neverLeft(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// timeLeft reads the throttling hint of x-ratelimit-user-api or
// x-ratelimit-user ("...TimeLeft:<ms>..."), or returns 0.
func timeLeft(h http.Header) time.Duration {
	for _, name := range [...]string{"X-Ratelimit-User-Api", "X-Ratelimit-User"} {
		for _, v := range h[name] {
			_, rest, ok := strings.Cut(v, "TimeLeft:")
			if !ok {
				continue
			}
			end := 0
			for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
				end++
			}
			if ms, err := strconv.ParseInt(rest[:end], 10, 64); err == nil && ms > 0 {
				return time.Duration(ms) * time.Millisecond
			}
		}
	}
	return 0
}

var bufferPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 4096)) }}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 { // let the rare big answer go
		b.Reset()
		bufferPool.Put(b)
	}
}

// readBounded reads r into buf, failing beyond MaxResponseBytes. A known
// length (the usual case) is read exactly, without a limiting wrapper.
func readBounded(buf *bytes.Buffer, r io.Reader, length int64) error {
	if length >= 0 && length <= MaxResponseBytes {
		buf.Grow(int(length))
		b := buf.AvailableBuffer()[:length]
		if _, err := io.ReadFull(r, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // fewer bytes than announced
			}
			return err
		}
		buf.Write(b) // b is buf's own spare room: this only extends buf
		// More than announced (a RoundTripper that rewrote the body, say):
		// read the rest too, within the limit.
		n, err := buf.ReadFrom(io.LimitReader(r, MaxResponseBytes+1-length))
		if err != nil {
			return err
		}
		if length+n > MaxResponseBytes {
			return errBodyTooLarge
		}
		return nil
	}
	if length > MaxResponseBytes {
		return errBodyTooLarge
	}
	n, err := buf.ReadFrom(io.LimitReader(r, MaxResponseBytes+1))
	if err != nil {
		return err
	}
	if n > MaxResponseBytes {
		return errBodyTooLarge
	}
	return nil
}

type errorBody struct {
	RequestId          string
	HostId             string
	Code               string
	Message            string
	Recommend          string
	AccessDeniedDetail json.RawMessage // a string or an object, depending on the service
}

// decodeError turns an error answer into an APIError. A body that is not
// the service's JSON (a proxy page, a truncated body) still gives an
// APIError with the HTTP status, an empty Code and a Message saying so. A
// field of the wrong JSON type is left empty; the others are kept. Every
// field is redacted: a server or a proxy may echo the request's secrets.
func (c *Client) decodeError(op string, resp *http.Response, data []byte, red *redactor) *alicloud.APIError {
	e := &alicloud.APIError{Service: c.svc.Name, Operation: op, HTTPStatus: resp.StatusCode}
	var b errorBody
	err := json.Unmarshal(data, &b)
	var typeErr *json.UnmarshalTypeError
	if (err != nil && !errors.As(err, &typeErr)) || (b.Code == "" && b.RequestId == "") {
		e.Message = "the response is not a service error body (" + describeBody(resp, data) + ")"
		e.RequestID = red.apply(resp.Header.Get("x-acs-request-id"))
		return e
	}
	e.Code, e.RequestID, e.HostID, e.Recommend = red.apply(b.Code), red.apply(b.RequestId), red.apply(b.HostId), red.apply(b.Recommend)
	e.Message = red.apply(b.Message)
	if len(b.AccessDeniedDetail) > 0 && string(b.AccessDeniedDetail) != "null" {
		var detail string
		if json.Unmarshal(b.AccessDeniedDetail, &detail) != nil {
			detail = string(b.AccessDeniedDetail)
		}
		e.AccessDeniedDetail = red.apply(detail)
	}
	return e
}

func describeBody(resp *http.Response, data []byte) string {
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		ct = mt
	}
	if ct == "" {
		ct = "no Content-Type"
	}
	return fmt.Sprintf("%s, %d bytes", safetext.String(ct, 64), len(data))
}

// redactor removes one attempt's secrets from text taken from its answer:
// the AccessKeySecret, the SecurityToken and the signature (which, with the
// AccessKeyId, would let a reader replay the request), raw or
// percent-encoded once or twice (the service echoes its string-to-sign in
// SignatureDoesNotMatch messages, and with V1 that includes the token).
type redactor [3]string

// redacted replaces a secret in text taken from an answer.
const redacted = "<redacted>"

func (r *redactor) apply(s string) string {
	if s == "" {
		return s
	}
	for _, secret := range r {
		if len(secret) < 4 { // too short to find without mangling the text
			continue
		}
		s = strings.ReplaceAll(s, secret, redacted)
		if strings.IndexByte(s, '%') < 0 {
			continue // no encoded form can be in s
		}
		if enc := signer.Encode(secret); enc != secret {
			s = strings.ReplaceAll(s, enc, redacted)
			s = strings.ReplaceAll(s, signer.Encode(enc), redacted)
		}
	}
	return s
}

// stripURL drops the URL from a *url.Error: it names only our endpoint, and
// the error text stays short.
func stripURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// maxLoggedField bounds what one log record carries of a field the service
// sent (already redacted): a record stays far below 8 KiB.
const maxLoggedField = 256

// noRetry is the backoff log is given for a call's last attempt: a retry
// may sleep 0 (full jitter), so 0 cannot say it.
const noRetry time.Duration = -1

// log writes one debug record per attempt; backoff is the sleep before the
// retry, or noRetry.
func (c *Client) log(ctx context.Context, op string, res Result, began time.Time, code string, backoff time.Duration,
	err error, apiErr *alicloud.APIError) {
	retrying := backoff != noRetry
	backoff = max(backoff, 0)
	if c.observer != nil {
		c.observeAttempt(ctx, alicloud.AttemptInfo{Attempt: res.Attempts, HTTPStatus: res.HTTPStatus, Code: code,
			RequestID: res.RequestID, Duration: c.now().Sub(began), Backoff: backoff, Retrying: retrying,
			Throttled: throttled(res.HTTPStatus, code), Busy: c.isBusy(apiErr), Err: err})
	}
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "alicloud request",
		slog.String("service", c.svc.Name),
		slog.String("action", op),
		slog.Int("attempt", res.Attempts),
		slog.Int("status", res.HTTPStatus),
		slog.String("code", safetext.String(code, maxLoggedField)),
		slog.String("request_id", safetext.String(res.RequestID, maxLoggedField)),
		slog.String("client_token", res.ClientToken),
		slog.Duration("duration", c.now().Sub(began)),
		slog.Duration("backoff", backoff),
	)
}
