package main

import (
	"context"
	"strings"
	"time"

	"github.com/listenercerts/alicloud"
)

// The write commands of both services have two shapes: one change (send),
// and a rotation (rotate).

// send makes the write call of a dissociate or associate: the converging
// ...AndWait form, which waits up to -wait for the change to take effect,
// or, with -wait 0 or when there is nothing to wait for (noWait: a dry
// run), the single call, which returns once the service accepted it.
func send[In, Out any](ctx context.Context, a *app, inv *invocation, in *In, noWait bool,
	call func(context.Context, *In) (*Out, error),
	andWait func(context.Context, *In, time.Duration, ...func(*alicloud.WaiterOptions)) (*Out, error)) (any, error) {
	var out *Out
	var err error
	if inv.global.wait > 0 && !noWait {
		out, err = andWait(ctx, in, inv.global.wait, a.waitOptions)
	} else {
		out, err = call(ctx, in)
	}
	return orNil(out), err
}

// announce prints the client token before anything is sent, so that an
// interrupted run can be resumed. The converging form (-wait) reads the
// listener first and sends only what is not already so: the result says
// what was sent.
func (a *app) announce(inv *invocation, verb, items, prep, listener, token string) {
	if inv.global.wait > 0 {
		a.progress.note("%s %s %s %s (client token %s): the listener is read first; what is already so is not sent",
			verb, items, prep, listener, token)
		return
	}
	a.progress.note("%sing %s %s %s (client token %s)", strings.TrimSuffix(verb, "e"), items, prep, listener, token)
}

// rotate runs a RotateCertificates; in carries the -client-token (the base
// of its calls' tokens, printed first so that an interrupted run can be
// resumed) and the progress display as its Progress. -wait bounds each of
// its waits (the check makes it positive).
func rotate[In, Out any](ctx context.Context, a *app, inv *invocation,
	run func(context.Context, *In, time.Duration, ...func(*alicloud.WaiterOptions)) (*Out, error), in *In) (any, error) {
	if !inv.o.dryRun {
		a.progress.note("rotating the certificates of %s (client token %s)", inv.o.listener, inv.clientToken())
	}
	out, err := run(ctx, in, inv.global.wait)
	return orNil(out), err
}

// orNil turns a nil *T into a nil interface, so that "no output" is seen.
func orNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}
