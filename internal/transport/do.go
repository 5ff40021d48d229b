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
	"strings"
	"syscall"
	"time"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/signer"
)

// MaxResponseBytes bounds how much of a response body is read.
const MaxResponseBytes = 1 << 20

const formContentType = "application/x-www-form-urlencoded"

// Response is the JSON body of a successful answer; every answer carries a RequestId.
type Response interface {
	RequestID() string
}

// Do performs the call req and decodes a successful JSON answer into out.
// It sorts req.Params in place.
// Service errors come back as *alicloud.APIError; a done ctx as an error
// matching ctx.Err(). See alicloud.RetryPolicy for what is retried.
func (c *Client) Do(ctx context.Context, req *Request, out Response) (Result, error) {
	res := Result{}
	params := req.Params
	if req.Idempotent {
		res.ClientToken = req.ClientToken
		if res.ClientToken == "" {
			res.ClientToken = alicloud.NewClientToken()
		}
		params = append(params[:len(params):len(params)], signer.Param{Key: "ClientToken", Value: res.ClientToken})
	}
	signer.SortParams(params)
	// The V3 body does not depend on the attempt: encode it once.
	var body []byte
	if c.sigV == alicloud.SignatureV3 {
		body = signer.AppendQuery(make([]byte, 0, 256), params)
	}

	start := c.now()
	var retries, conflictRetries int
	for {
		res.Attempts++
		if err := c.limiter.Wait(ctx, c.svc.Name, req.Operation); err != nil {
			res.Attempts--
			if ctx.Err() != nil {
				return res, c.canceled(ctx, req.Operation, res.Attempts, nil)
			}
			return res, errorf(c.svc.Name, req.Operation, "rate limiter: %w", err)
		}
		began := c.now()
		status, rid, err := c.attempt(ctx, req.Operation, params, body, out)
		res.HTTPStatus, res.RequestID = status, rid
		if err == nil {
			c.log(ctx, req.Operation, res, began, "", 0)
			return res, nil
		}
		if ctx.Err() != nil {
			c.log(ctx, req.Operation, res, began, "", 0)
			return res, c.canceled(ctx, req.Operation, res.Attempts, err)
		}

		var apiErr *alicloud.APIError
		code := ""
		if errors.As(err, &apiErr) {
			apiErr.Attempts = res.Attempts
			code = apiErr.Code
		}
		var delay time.Duration
		switch {
		case c.retry.RetryOnConflict && c.svc.IsConflict != nil && c.svc.IsConflict(code):
			if c.now().Sub(start) >= c.retry.MaxConflictWait {
				c.log(ctx, req.Operation, res, began, code, 0)
				return res, err
			}
			delay = c.backoff(c.retry.ConflictBaseDelay, c.retry.ConflictMaxDelay, conflictRetries)
			conflictRetries++
		case c.retryable(status, code, err) && retries+1 < c.retry.MaxAttempts:
			delay = c.backoff(c.retry.BaseDelay, c.retry.MaxDelay, retries)
			retries++
		default:
			c.log(ctx, req.Operation, res, began, code, 0)
			return res, err
		}
		c.log(ctx, req.Operation, res, began, code, delay)
		if serr := c.sleep(ctx, delay); serr != nil {
			return res, c.canceled(ctx, req.Operation, res.Attempts, err)
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

// retryCodes are retried whatever the HTTP status.
var retryCodes = map[string]bool{
	"Throttling": true, "Throttling.User": true, "Throttling.Api": true, "Throttling.Concurrent": true,
	"Rejected.Throttling": true, "ServiceUnavailable": true, "InternalError": true,
	"SystemBusy": true, "ServiceBusy": true, "UnknownError": true,
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
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
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
// response arrived), the RequestId, and nil or the attempt's error.
func (c *Client) attempt(ctx context.Context, op string, params []signer.Param, v3body []byte, out Response) (int, string, error) {
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return 0, "", errorf(c.svc.Name, op, "credentials: %w", err)
	}
	sc := signer.Credentials{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, SecurityToken: creds.SecurityToken}
	if sc.AccessKeyID == "" || sc.AccessKeySecret == "" {
		return 0, "", &alicloud.ValidationError{Field: "Config.Credentials", Reason: "the provider returned an empty AccessKeyID or AccessKeySecret"}
	}
	now, nonce := c.now(), c.nonce()

	header := make(http.Header, 12)
	var body []byte
	if c.sigV == alicloud.SignatureV1 {
		all := make([]signer.Param, 0, len(params)+10)
		all = append(all, params...)
		all = append(all, signer.V1CommonParams(op, c.svc.Version, "JSON", sc, now, nonce)...)
		all = append(all, signer.Param{Key: "Signature", Value: signer.SignV1(http.MethodPost, all, sc.AccessKeySecret)})
		signer.SortParams(all)
		body = signer.AppendQuery(make([]byte, 0, 512), all)
	} else {
		body = v3body
		hs := signer.V3Headers(c.host, formContentType, op, c.svc.Version, body, now, nonce, sc.SecurityToken)
		for _, h := range hs {
			if h.Key != "host" && h.Key != "content-type" { // both are set below
				header[h.Key] = []string{h.Value}
			}
		}
		header["Authorization"] = []string{signer.SignV3(&signer.V3Request{Method: http.MethodPost, Headers: hs}, sc)}
	}
	header["Content-Type"] = []string{formContentType}
	header["Accept"] = []string{"application/json"}
	header["User-Agent"] = []string{c.userAgent}

	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, "", errorf(c.svc.Name, op, "build request: %w", err)
	}
	hreq.Header = header
	resp, err := c.http.Do(hreq)
	if err != nil {
		return 0, "", errorf(c.svc.Name, op, "send: %w", stripURL(err))
	}
	defer resp.Body.Close()
	data, rerr := readBounded(resp.Body)
	if rerr != nil {
		// A cut-off body is transient (the ClientToken makes a repeat safe);
		// an oversized one is not.
		return resp.StatusCode, "", errorf(c.svc.Name, op, "read response (HTTP %d): %w", resp.StatusCode, rerr)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, "", errorf(c.svc.Name, op, "decode response (HTTP %d, %s): %w",
				resp.StatusCode, describeBody(resp, data), err)
		}
		return resp.StatusCode, out.RequestID(), nil
	}
	apiErr := c.decodeError(op, resp, data, creds)
	return resp.StatusCode, apiErr.RequestID, apiErr
}

func readBounded(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxResponseBytes {
		return nil, errBodyTooLarge
	}
	return data, nil
}

type errorBody struct {
	RequestId string
	HostId    string
	Code      string
	Message   string
	Recommend string
}

// decodeError turns a non-2xx answer into an APIError. A body that is not
// the service's JSON (a proxy page, a truncated body) still gives an
// APIError with the HTTP status, an empty Code and a Message saying so.
func (c *Client) decodeError(op string, resp *http.Response, data []byte, creds alicloud.Credentials) *alicloud.APIError {
	e := &alicloud.APIError{Service: c.svc.Name, Operation: op, HTTPStatus: resp.StatusCode}
	var b errorBody
	if err := json.Unmarshal(data, &b); err != nil || (b.Code == "" && b.RequestId == "") {
		e.Message = "the response is not a service error body (" + describeBody(resp, data) + ")"
		e.RequestID = resp.Header.Get("x-acs-request-id")
		return e
	}
	e.Code, e.RequestID, e.HostID, e.Recommend = b.Code, b.RequestId, b.HostId, b.Recommend
	e.Message = redact(b.Message, creds)
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
	return fmt.Sprintf("%s, %d bytes", ct, len(data))
}

// redact removes the secret and the security token from s: the service
// echoes its string-to-sign in SignatureDoesNotMatch messages, and with V1
// that includes the SecurityToken.
func redact(s string, creds alicloud.Credentials) string {
	for _, secret := range []string{creds.AccessKeySecret, creds.SecurityToken} {
		if len(secret) < 4 {
			continue
		}
		s = strings.ReplaceAll(s, secret, "<redacted>")
		if enc := signer.Encode(secret); enc != secret {
			s = strings.ReplaceAll(s, enc, "<redacted>")
			s = strings.ReplaceAll(s, signer.Encode(enc), "<redacted>")
		}
	}
	return s
}

// stripURL drops the URL from a *url.Error: it names only our endpoint, and
// the error text stays short.
func stripURL(err error) error {
	type unwrapper interface{ Unwrap() error }
	if u, ok := err.(interface {
		unwrapper
		Timeout() bool
	}); ok {
		if inner := u.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

func (c *Client) log(ctx context.Context, op string, res Result, began time.Time, code string, backoff time.Duration) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "alicloud request",
		slog.String("service", c.svc.Name),
		slog.String("action", op),
		slog.Int("attempt", res.Attempts),
		slog.Int("status", res.HTTPStatus),
		slog.String("code", code),
		slog.String("request_id", res.RequestID),
		slog.String("client_token", res.ClientToken),
		slog.Duration("duration", c.now().Sub(began)),
		slog.Duration("backoff", backoff),
	)
}
