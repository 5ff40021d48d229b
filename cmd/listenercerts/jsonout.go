package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"

	"github.com/listenercerts/alicloud"
)

// jsonError is the Error member of the JSON output of a failed run (exit
// status 1, 3, 130): what the service said, when it refused, and the
// -client-token that resumes the run, when something was sent. Its text is
// the service's, escaped by encoding/json.
type jsonError struct {
	Code        string // the service's error code; "" when the service did not refuse
	Message     string
	RequestID   string
	Recommend   string // the diagnosis link
	HTTPStatus  int
	ClientToken string // to pass to -client-token to resume; "" when nothing was sent
}

// errorObject describes err for the JSON output.
func errorObject(inv *invocation, err error) *jsonError {
	e := &jsonError{Message: err.Error()}
	var apiErr *alicloud.APIError
	if errors.As(err, &apiErr) {
		e.Code, e.Message, e.RequestID, e.HTTPStatus = apiErr.Code, apiErr.Message, apiErr.RequestID, apiErr.HTTPStatus
		e.Recommend = diagnosisURL(apiErr)
	}
	if errors.Is(err, context.Canceled) {
		e.Message = "interrupted: " + e.Message
	}
	if inv.spec.resumable() && (alicloud.ClientTokenOf(err) != "" || inv.accepted) {
		e.ClientToken = inv.o.clientToken
	}
	return e
}

// writeJSON prints one JSON object: the operation's output (its lists
// [] rather than null), plus, when the run failed, an Error member. With
// no output, the object holds only the Error.
func writeJSON(w io.Writer, out any, jerr *jsonError) error {
	body := []byte("{}")
	if out != nil {
		normalize(reflect.ValueOf(out))
		var err error
		if body, err = marshal(out); err != nil {
			return err
		}
	}
	if jerr != nil {
		e, err := marshal(struct{ Error *jsonError }{jerr})
		if err != nil {
			return err
		}
		// Splice {"Error":...} into the output's object, keeping its order.
		if inner := bytes.TrimSpace(body[1 : len(body)-1]); len(inner) > 0 {
			body = append(append(append([]byte("{"), inner...), ','), e[1:]...)
		} else {
			body = e
		}
	}
	var b bytes.Buffer
	if err := json.Indent(&b, body, "", "  "); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// marshal is json.Marshal without the HTML escapes (a diagnosis link keeps
// its "&"); control characters are still escaped.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b.Bytes()), nil
}

// normalize replaces the nil slices reachable from v (through pointers,
// structs, slices and arrays) with empty ones, so that JSON shows [] where
// a list is empty, never null. The SDK's types are left as they are.
func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			normalize(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				normalize(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			normalize(v.Index(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			normalize(v.Index(i))
		}
	}
}
