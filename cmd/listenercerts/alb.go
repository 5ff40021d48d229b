package main

import (
	"context"

	"github.com/listenercerts/alicloud/alb"
)

// albClient builds the client (checking -region and -endpoint), then
// loads the credentials.
func albClient(ctx context.Context, a *app, inv *invocation) (*alb.Client, error) {
	cfg, creds := a.config(inv)
	c, err := alb.New(cfg)
	if err != nil {
		return nil, err
	}
	return c, a.loadCredentials(ctx, creds)
}

func albDissociate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := albClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	in := &alb.DissociateAdditionalCertificatesFromListenerInput{
		ListenerID: inv.o.listener, CertificateIDs: inv.o.certs, ClientToken: inv.clientToken(), DryRun: inv.o.dryRun}
	if !in.DryRun {
		a.announce(inv, "dissociate", joinIDs(in.CertificateIDs), "from", in.ListenerID, in.ClientToken)
	}
	return send(ctx, a, inv, in, in.DryRun, c.DissociateAdditionalCertificatesFromListener, c.DissociateAndWait)
}

func albAssociate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := albClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	in := &alb.AssociateAdditionalCertificatesWithListenerInput{
		ListenerID: inv.o.listener, CertificateIDs: inv.o.certs, ClientToken: inv.clientToken(), DryRun: inv.o.dryRun}
	if !in.DryRun {
		a.announce(inv, "associate", joinIDs(in.CertificateIDs), "with", in.ListenerID, in.ClientToken)
	}
	return send(ctx, a, inv, in, in.DryRun, c.AssociateAdditionalCertificatesWithListener, c.AssociateAndWait)
}

func albRotate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := albClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	return rotate(ctx, a, inv, c.RotateCertificates, &alb.RotateCertificatesInput{ListenerID: inv.o.listener,
		Add: inv.o.certs, Remove: inv.o.remove, DryRun: inv.o.dryRun, ClientToken: inv.clientToken(), Progress: a.progress.event})
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
