package main

import (
	"context"

	"github.com/listenercerts/alicloud/ga"
)

// gaClient builds the client (checking -endpoint), then loads the
// credentials.
func gaClient(ctx context.Context, a *app, inv *invocation) (*ga.Client, error) {
	cfg, creds := a.config(inv)
	cfg.Region = "" // GA is global; -region is for alb
	c, err := ga.New(cfg)
	if err != nil {
		return nil, err
	}
	return c, a.loadCredentials(ctx, creds)
}

func gaDissociate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := gaClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	in := &ga.DissociateAdditionalCertificatesFromListenerInput{
		AcceleratorID: inv.o.accelerator, ListenerID: inv.o.listener, Domains: inv.o.domains, ClientToken: inv.clientToken()}
	a.announce(inv, "dissociate", "the certificates of "+joinIDs(in.Domains), "from", in.ListenerID, in.ClientToken)
	return send(ctx, a, inv, in, false, c.DissociateAdditionalCertificatesFromListener, c.DissociateAndWait)
}

// gaAssociate has no -dry-run: GA has no precheck for Associate (ga rotate
// -dry-run prints a plan).
func gaAssociate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := gaClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	in := &ga.AssociateAdditionalCertificatesWithListenerInput{
		AcceleratorID: inv.o.accelerator, ListenerID: inv.o.listener, Certificates: inv.o.pairs, ClientToken: inv.clientToken()}
	a.announce(inv, "associate", joinPairs(inv.o.pairs), "with", in.ListenerID, in.ClientToken)
	return send(ctx, a, inv, in, false, c.AssociateAdditionalCertificatesWithListener, c.AssociateAndWait)
}

func gaRotate(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := gaClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	return rotate(ctx, a, inv, c.RotateCertificates, &ga.RotateCertificatesInput{AcceleratorID: inv.o.accelerator,
		ListenerID: inv.o.listener, Set: inv.o.pairs, Remove: inv.o.remove, DryRun: inv.o.dryRun,
		ClientToken: inv.clientToken(), Progress: a.progress.event})
}

// gaList lists every page, as one ListListenerCertificatesOutput.
func gaList(ctx context.Context, a *app, inv *invocation) (any, error) {
	c, err := gaClient(ctx, a, inv)
	if err != nil {
		return nil, err
	}
	all := &ga.ListListenerCertificatesOutput{Certificates: []ga.ListenerCertificate{}}
	in := &ga.ListListenerCertificatesInput{AcceleratorID: inv.o.accelerator, ListenerID: inv.o.listener, MaxResults: ga.MaxListResults}
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
