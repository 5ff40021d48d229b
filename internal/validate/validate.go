// Package validate checks operation inputs before anything is sent, with
// errors that name the field.
package validate

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
)

// MaxClientTokenLength is the longest ClientToken the services accept.
const MaxClientTokenLength = 64

// MaxIDLength is the longest id or domain sent: no resource id or DNS name
// comes near it (a domain name has at most 253 characters).
const MaxIDLength = 256

// ID checks a required resource id or domain: non-empty, at most
// MaxIDLength bytes, printable ASCII without spaces.
func ID(field, v string) error {
	if v == "" {
		return &alicloud.ValidationError{Field: field, Reason: "must not be empty"}
	}
	if len(v) > MaxIDLength {
		return &alicloud.ValidationError{Field: field, Reason: "is " + strconv.Itoa(len(v)) + " bytes long; at most " +
			strconv.Itoa(MaxIDLength) + " are allowed"}
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return &alicloud.ValidationError{Field: field, Reason: strconv.Quote(v) + " contains a space, a control or a non-ASCII character"}
		}
	}
	return nil
}

// List checks a required list: 1..max items, each a valid ID, no duplicates.
func List(field string, items []string, max int) error {
	return list(field, items, max, func(a, b string) bool { return a == b }, "")
}

// Domains checks a required list of domains like List, but two domains that
// differ only in case are duplicates: DNS names are case-insensitive, and
// the GA waiters compare them so.
func Domains(field string, items []string, max int) error {
	return list(field, items, max, strings.EqualFold, " (domains are compared case-insensitively)")
}

func list(field string, items []string, max int, same func(a, b string) bool, note string) error {
	if len(items) == 0 {
		return &alicloud.ValidationError{Field: field, Reason: "must hold at least one item"}
	}
	if len(items) > max {
		return &alicloud.ValidationError{Field: field, Reason: "holds " + strconv.Itoa(len(items)) + " items; at most " + strconv.Itoa(max) + " are allowed per call"}
	}
	item := func(i int) string { return field + "[" + strconv.Itoa(i) + "]" } // only built for an error
	for i, v := range items {
		if ID(field, v) != nil {
			return ID(item(i), v)
		}
		for j := 0; j < i; j++ { // lists are at most a few dozen items
			if same(items[j], v) {
				return &alicloud.ValidationError{Field: item(i), Reason: strconv.Quote(v) + " repeats " + item(j) + note}
			}
		}
	}
	return nil
}

// Context checks the context a call was given: not nil (a fresh error each
// time: a caller may modify the *ValidationError it gets).
func Context(ctx context.Context) error {
	if ctx == nil {
		return &alicloud.ValidationError{Field: "ctx", Reason: "must not be nil (use context.Background())"}
	}
	return nil
}

// MaxWait checks the maxWait of a waiter or a waiting operation: it must be
// positive.
func MaxWait(d time.Duration) error {
	if d <= 0 {
		return &alicloud.ValidationError{Field: "maxWait", Reason: "must be positive"}
	}
	return nil
}

// ClientToken checks an optional ClientToken: at most 64 printable ASCII characters.
func ClientToken(v string) error {
	if len(v) > MaxClientTokenLength {
		return &alicloud.ValidationError{Field: "ClientToken", Reason: "is longer than " + strconv.Itoa(MaxClientTokenLength) + " characters"}
	}
	if v == "" {
		return nil
	}
	return ID("ClientToken", v)
}
