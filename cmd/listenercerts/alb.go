package main

import (
	"context"

	"github.com/listenercerts/alicloud/alb"
)

func albClient(ctx context.Context, a *app, inv *invocation) (*alb.Client, error) {
	cfg, err := a.config(ctx, inv)
	if err != nil {
		return nil, err
	}
	return alb.New(cfg)
}

func albDissociate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := albClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	in := &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: inv.o.listener, CertificateIDs: inv.o.certs, ClientToken: inv.clientToken(), DryRun: inv.o.dryRun}
	if !in.DryRun {
		a.progress.note("dissociating %s from %s (client token %s)", joinIDs(in.CertificateIDs), in.ListenerID, in.ClientToken)
	}
	var out *alb.DissociateAdditionalCertificatesFromListenerOutput
	if inv.global.wait > 0 && !in.DryRun {
		out, err = c.DissociateAndWait(ctx, in, inv.global.wait, a.waitOptions)
	} else {
		out, err = c.DissociateAdditionalCertificatesFromListener(ctx, in)
	}
	return orNil(out), err
}

func albAssociate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := albClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	in := &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: inv.o.listener, CertificateIDs: inv.o.certs, ClientToken: inv.clientToken(), DryRun: inv.o.dryRun}
	if !in.DryRun {
		a.progress.note("associating %s with %s (client token %s)", joinIDs(in.CertificateIDs), in.ListenerID, in.ClientToken)
	}
	var out *alb.AssociateAdditionalCertificatesWithListenerOutput
	if inv.global.wait > 0 && !in.DryRun {
		out, err = c.AssociateAndWait(ctx, in, inv.global.wait, a.waitOptions)
	} else {
		out, err = c.AssociateAdditionalCertificatesWithListener(ctx, in)
	}
	return orNil(out), err
}

func albRotate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := albClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	in := &alb.RotateCertificatesInput{ListenerID: inv.o.listener, Add: inv.o.certs, Remove: inv.o.remove,
		DryRun: inv.o.dryRun, ClientToken: inv.clientToken(), Progress: a.progress.event}
	if !in.DryRun {
		a.progress.note("rotating the certificates of %s (client token %s)", in.ListenerID, in.ClientToken)
	}
	out, err := c.RotateCertificates(ctx, in, inv.global.wait)
	return orNil(out), err
}

// albList lists every page; the output is one ListListenerCertificatesOutput
// holding all certificates (RequestID of the last page).
func albList(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := albClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	all := &alb.ListListenerCertificatesOutput{Certificates: []alb.ListenerCertificate{}}
	in := &alb.ListListenerCertificatesInput{ListenerID: inv.o.listener, MaxResults: alb.MaxListResults}
	for {
		out, err := c.ListListenerCertificates(ctx, in)
		if err != nil {
			return nil, err
		}
		all.Certificates = append(all.Certificates, out.Certificates...)
		all.TotalCount, all.RequestID = out.TotalCount, out.RequestID
		if out.NextToken == "" {
			return all, nil
		}
		in.NextToken = out.NextToken
	}
}

// orNil turns a nil *T into a nil interface, so that "no output" is seen.
func orNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}
