package alicloudtest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// call is one request on its way through the emulator.
type call struct {
	r         *http.Request
	body      []byte
	params    url.Values // query and form parameters, merged (query first)
	query     url.Values // the URL query alone (V3 signs only this)
	action    string
	version   string
	service   service // the service the Version names; zero when unknown
	requestID string
	keyID     string // the AccessKeyId the request names, if any
	account   string // whose rate limit and ClientTokens the request uses
	mode      string // "V3", "V1" or "" (unsigned)
	xml       bool   // answer in XML (Format=XML or Accept: application/xml)
}

// operation is the handler of one (Version, Action).
type operation func(c *call) (any, *apiError)

// rawResult is a response already encoded as a JSON object, without RequestId.
type rawResult []byte

const (
	albVersion = "2020-06-16"
	gaVersion  = "2019-11-20"
)

// service names the service that answers: the product of the Recommend URL
// and the HostId of error bodies.
type service struct {
	product string // "Alb" or "Ga"
	host    string // the service's endpoint host name
}

// The services' public endpoints: ALB is regional, GA global (every request
// goes to cn-hangzhou).
var (
	albService = service{product: "Alb", host: "alb." + Region + ".aliyuncs.com"}
	gaService  = service{product: "Ga", host: "ga.cn-hangzhou.aliyuncs.com"}
)

// opTable is the operations of one API version.
type opTable struct {
	service
	ops map[string]operation
}

func (e *Emulator) buildOperations() map[string]opTable {
	return map[string]opTable{
		albVersion: {service: albService, ops: map[string]operation{
			"DissociateAdditionalCertificatesFromListener": e.ALB.opDissociate,
			"ListListenerCertificates":                     e.ALB.opListListenerCertificates,
			"ListAsynJobs":                                 e.ALB.opListAsynJobs,
			"AssociateAdditionalCertificatesWithListener":  e.ALB.opAssociate,
		}},
		gaVersion: {service: gaService, ops: e.GA.operations()}, // ga_ops.go
	}
}

// operations returns the handlers of version and the service that has them
// (nil and the zero service for an unknown version).
func (e *Emulator) operations(version string) (map[string]operation, service) {
	t := e.ops[version]
	return t.ops, t.service
}

// ServeHTTP answers one RPC-style request: parse, inject faults, authenticate,
// dispatch on Version and Action, rate-limit, act, answer. It never panics:
// an unexpected failure is answered 500 InternalError.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{r: r, requestID: newRequestID()}
	status, code := 0, ""
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel identity is the contract
				e.record(c, 0, "")
				panic(v)
			}
			status, code = e.writeError(w, c, internalError())
		}
		e.record(c, status, code)
	}()
	e.stats.request()
	status, code = e.serve(w, c)
}

// serve runs the request pipeline and returns the status and error code it
// answered with (0 when the connection was dropped).
func (e *Emulator) serve(w http.ResponseWriter, c *call) (int, string) {
	if aerr := e.parse(w, c); aerr != nil {
		e.stats.action(c.action)
		return e.writeError(w, c, aerr)
	}
	e.stats.action(c.action)

	// Faults other than FaultDropAfterAction strike before authentication:
	// the request leaves no trace (nonce unused, no rate-limit token taken,
	// nothing done).
	if f, ok := e.faults.pick(c.action, false); ok {
		e.stats.fault()
		switch f.Kind {
		case FaultThrottle:
			return e.writeError(w, c, throttled())
		case FaultInternalError:
			return e.writeError(w, c, internalError())
		case FaultServiceUnavailable:
			return e.writeError(w, c, errorf(http.StatusServiceUnavailable, CodeServiceUnavailable, msgServiceUnavailable))
		case FaultDropConnection:
			dropConnection(w)
			return 0, ""
		case FaultDelay:
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-c.r.Context().Done():
				t.Stop()
				return 0, ""
			case <-e.done:
				t.Stop()
			}
		}
	}

	if aerr := e.authenticate(c); aerr != nil {
		return e.writeError(w, c, aerr)
	}
	if c.action == "" {
		return e.writeError(w, c, missingParameter("Action"))
	}
	if c.version == "" {
		return e.writeError(w, c, missingParameter("Version"))
	}
	ops, svc := e.operations(c.version)
	if ops == nil {
		return e.writeError(w, c, errorf(http.StatusNotFound, CodeInvalidVersion,
			"Specified parameter Version %q is not valid.", c.version))
	}
	c.service = svc
	op := ops[c.action]
	if op == nil {
		return e.writeError(w, c, errorf(http.StatusNotFound, CodeInvalidAction,
			"Specified api %q is not found for version %s, please check your url and method.", c.action, c.version))
	}
	if ok, wait := e.limiter.allow(c.account, c.action, e.now()); !ok {
		e.stats.throttled()
		aerr := throttled()
		aerr.header = http.Header{"X-Ratelimit-User-Api": {"TimeLeft:" + strconv.FormatInt(wait.Milliseconds()+1, 10)}}
		return e.writeError(w, c, aerr)
	}

	result, aerr := op(c)

	if _, ok := e.faults.pick(c.action, true); ok {
		e.stats.fault()
		dropConnection(w)
		return 0, ""
	}
	if aerr != nil {
		return e.writeError(w, c, aerr)
	}
	return e.writeResult(w, c, result), ""
}

// parse reads the body and the parameters, and finds Action and Version.
func (e *Emulator) parse(w http.ResponseWriter, c *call) *apiError {
	r := c.r
	// Action and Version first, so that even a rejected request is counted
	// under its operation.
	c.action = r.Header.Get(headerAction)
	c.version = r.Header.Get(headerVersion)
	query, qerr := url.ParseQuery(r.URL.RawQuery)
	if c.action == "" {
		c.action = query.Get("Action")
	}
	if c.version == "" {
		c.version = query.Get("Version")
	}
	_, c.service = e.operations(c.version)
	c.xml = wantsXML(query, r.Header)

	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return errorf(http.StatusMethodNotAllowed, CodeUnsupportedHTTPMethod,
			"The HTTP method %s is not supported; use POST or GET.", r.Method)
	}
	if r.URL.Path != "/" && r.URL.Path != "" {
		return errorf(http.StatusNotFound, CodeInvalidAction,
			"Specified api is not found, please check your url and method: path %q.", r.URL.Path)
	}
	if qerr != nil {
		return invalidParameter("QueryString", "the query string is malformed: %v", qerr)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return invalidParameter("Body", "the request body exceeds %d bytes", MaxBodyBytes)
		}
		return invalidParameter("Body", "the request body could not be read: %v", err)
	}
	c.body = body
	c.query = query
	c.params = query
	if len(body) > 0 {
		ct := r.Header.Get("Content-Type")
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return invalidParameter("Content-Type",
				"%q is not supported; send parameters in the query string or an application/x-www-form-urlencoded body", ct)
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return invalidParameter("Body", "the body is not valid application/x-www-form-urlencoded: %v", err)
		}
		merged := make(url.Values, len(query)+len(form))
		for k, vs := range query {
			merged[k] = vs
		}
		for k, vs := range form {
			merged[k] = append(merged[k][:len(merged[k]):len(merged[k])], vs...)
		}
		c.params = merged
		c.xml = wantsXML(merged, r.Header)
		if c.action == "" {
			c.action = form.Get("Action")
		}
		if c.version == "" {
			c.version = form.Get("Version")
			_, c.service = e.operations(c.version)
		}
	}
	return nil
}

// errorBody is the services' error document.
type errorBody struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

// writeError answers aerr. HostId is the host name of the service that
// answers (alb.cn-hangzhou.aliyuncs.com, ga.cn-hangzhou.aliyuncs.com), not
// the address the emulator listens on, and the Recommend link names its
// product. When the Version names no service, neither is known: the link
// names no product and HostId is the Host the request was sent to (the
// endpoint the client reached, which is what a service's HostId reports),
// or "aliyuncs.com" when the request had none.
func (e *Emulator) writeError(w http.ResponseWriter, c *call, aerr *apiError) (int, string) {
	rec := "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(aerr.code)
	if c.service.product != "" {
		rec += "&product=" + c.service.product
	}
	rec += "&requestId=" + c.requestID
	host := c.service.host
	if host == "" {
		host = c.r.Host
	}
	if host == "" {
		host = "aliyuncs.com"
	}
	b, _ := json.Marshal(errorBody{
		RequestID: c.requestID,
		HostID:    host,
		Code:      aerr.code,
		Message:   aerr.message,
		Recommend: rec,
	})
	h := w.Header()
	for k, vs := range aerr.header {
		h[k] = vs
	}
	e.stats.errorCode(aerr.code)
	if c.xml {
		if x, err := jsonToXML("Error", b); err == nil {
			writeBody(w, c, aerr.status, xmlContentType, x)
			return aerr.status, aerr.code
		}
	}
	writeBody(w, c, aerr.status, jsonContentType, b)
	return aerr.status, aerr.code
}

// writeResult answers 200 with {"RequestId": ..., <the fields of result>},
// or the same as <ActionResponse> XML.
func (e *Emulator) writeResult(w http.ResponseWriter, c *call, result any) int {
	var fields []byte
	switch v := result.(type) {
	case rawResult:
		fields = v
	default:
		var err error
		if fields, err = json.Marshal(v); err != nil {
			_, _ = e.writeError(w, c, internalError())
			return http.StatusInternalServerError
		}
	}
	b := make([]byte, 0, len(fields)+64)
	b = append(b, `{"RequestId":`...)
	b = strconv.AppendQuote(b, c.requestID)
	if len(fields) > 2 { // not "{}"
		b = append(b, ',')
		b = append(b, fields[1:]...)
	} else {
		b = append(b, '}')
	}
	if c.xml {
		x, err := jsonToXML(c.action+"Response", b)
		if err != nil {
			_, _ = e.writeError(w, c, internalError())
			return http.StatusInternalServerError
		}
		writeBody(w, c, http.StatusOK, xmlContentType, x)
		return http.StatusOK
	}
	writeBody(w, c, http.StatusOK, jsonContentType, b)
	return http.StatusOK
}

const (
	jsonContentType = "application/json;charset=utf-8"
	xmlContentType  = "text/xml;charset=utf-8"
)

func writeBody(w http.ResponseWriter, c *call, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("x-acs-request-id", c.requestID)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// dropConnection closes the connection without an answer. When the
// connection cannot be hijacked (HTTP/2), the handler aborts instead.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// record notes the finished request for Requests and Stats.
func (e *Emulator) record(c *call, status int, code string) {
	if status == 0 {
		e.stats.dropped()
	}
	params := make(url.Values, len(c.params))
	for k, vs := range c.params {
		params[k] = append([]string(nil), vs...)
	}
	rr := RecordedRequest{
		Time:        e.now(),
		Method:      c.r.Method,
		Action:      c.action,
		Version:     c.version,
		Params:      params,
		Header:      c.r.Header.Clone(),
		AccessKeyID: c.keyID,
		RequestID:   c.requestID,
		StatusCode:  status,
		ErrorCode:   code,
	}
	e.recorder.add(rr)
	if e.onRequest != nil {
		e.onRequest(rr)
	}
}
