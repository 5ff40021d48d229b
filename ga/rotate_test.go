package ga

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/testserver"
)

func TestRotationValidationSendsNothing(t *testing.T) {
	srv := testserver.New(t, testserver.OK(`{"RequestId":"R"}`))
	c := newClient(t, srv)
	dc := func(d, id string) DomainCertificate { return DomainCertificate{Domain: d, CertificateID: id} }
	in := func(set []DomainCertificate, remove ...string) *RotateCertificatesInput {
		return &RotateCertificatesInput{AcceleratorID: "ga-1", ListenerID: "lsr-1", Set: set, Remove: remove}
	}
	tests := []struct {
		name    string
		in      *RotateCertificatesInput
		maxWait time.Duration
		field   string
	}{
		{"nil", nil, time.Minute, "input"},
		{"no accelerator", &RotateCertificatesInput{ListenerID: "l", Remove: []string{"a"}}, time.Minute, "AcceleratorID"},
		{"no listener", &RotateCertificatesInput{AcceleratorID: "g", Remove: []string{"a"}}, time.Minute, "ListenerID"},
		{"nothing to rotate", in(nil), time.Minute, "Set"},
		{"empty domain", in([]DomainCertificate{dc("", "c")}), time.Minute, "Set[0].Domain"},
		{"empty certificate", in([]DomainCertificate{dc("a.com", "")}), time.Minute, "Set[0].CertificateID"},
		{"long domain", in([]DomainCertificate{dc(strings.Repeat("a", 257), "c")}), time.Minute, "Set[0].Domain"},
		{"domain twice, two certificates", in([]DomainCertificate{dc("a.com", "c1"), dc("A.com", "c2")}), time.Minute, "Set[1]"},
		{"domain in Set and Remove", in([]DomainCertificate{dc("a.com", "c1")}, "b.com", "A.COM"), time.Minute, "Remove[1]"},
		{"empty Remove domain", in(nil, "a.com", ""), time.Minute, "Remove[1]"},
		{"bad token", &RotateCertificatesInput{AcceleratorID: "g", ListenerID: "l", Remove: []string{"a"}, ClientToken: "a b"}, time.Minute, "ClientToken"},
		{"maxWait zero", in(nil, "a.com"), 0, "maxWait"},
		{"maxWait negative", in(nil, "a.com"), -time.Second, "maxWait"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.RotateCertificates(context.Background(), tc.in, tc.maxWait)
			assert.Nil(t, out)
			var ve *alicloud.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, alicloud.ErrInvalidParameter)
		})
	}
	assert.Empty(t, srv.Requests())
}

// The same pair twice, or a Remove domain twice, counts once.
func TestRotationInputRepeats(t *testing.T) {
	set, remove, err := (&RotateCertificatesInput{AcceleratorID: "g", ListenerID: "l",
		Set:    []DomainCertificate{{"a.com", "c1"}, {"A.com", "c1"}, {"b.com", "c2"}},
		Remove: []string{"x.com", "X.COM", "y.com"}}).validate()
	require.NoError(t, err)
	assert.Equal(t, []DomainCertificate{{"a.com", "c1"}, {"b.com", "c2"}}, set)
	assert.Equal(t, []string{"x.com", "y.com"}, remove)
}

func TestPlanRotation(t *testing.T) {
	certs := map[string]ListenerCertificate{
		"a.com": {CertificateID: "old-a", Domain: "a.com", State: "active"},
		"b.com": {CertificateID: "c-b", Domain: "B.com", State: "active"},
		"r.com": {CertificateID: "c-r", Domain: "r.com", State: "active"},
	}
	var set []DomainCertificate
	set = append(set, DomainCertificate{"a.com", "new-a"}, DomainCertificate{"b.com", "c-b"})
	for _, d := range []string{"n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10", "n11", "n12"} {
		set = append(set, DomainCertificate{d + ".com", "c-" + d})
	}
	p := planRotation("ga-1", "lsr-1", set, []string{"R.com", "gone.com"}, certs)
	assert.Equal(t, []PlannedUpdate{{Domain: "a.com", CertificateID: "new-a", CurrentCertificateID: "old-a"}}, p.Update)
	require.Len(t, p.Associate, 2, "at most 10 per call")
	assert.Len(t, p.Associate[0], MaxDomainsPerCall)
	// Batches are sorted (n1, n10, n11, n12, n2, ...): any order of Set gives the same calls.
	assert.Equal(t, []DomainCertificate{{"n8.com", "c-n8"}, {"n9.com", "c-n9"}}, p.Associate[1])
	assert.Equal(t, [][]string{{"R.com"}}, p.Dissociate)
	assert.Equal(t, []string{"b.com"}, p.Unchanged)
	assert.Equal(t, []string{"gone.com"}, p.AlreadyDissociated)
	assert.Equal(t, 4, p.Calls())
}

func TestRotationErrorMessageAndToken(t *testing.T) {
	cause := &alicloud.ClientTokenError{ClientToken: "call-token", Err: errors.New("boom")}
	e := &RotationError{ListenerID: "lsr-1", ClientToken: "base", Step: alicloud.StepWait, CallClientToken: "call-token",
		Done: RotateCertificatesOutput{Updated: []string{"a.com"}}, NotServed: []string{"d.com"}, NotDissociated: []string{"c.com"}, Err: cause}
	var err error = e
	assert.Equal(t, "base", alicloud.ClientTokenOf(err), "the base token: re-run with it")
	assert.ErrorIs(t, err, cause)
	msg := err.Error()
	for _, want := range []string{"lsr-1", "wait", "call-token", "boom", "updated 1 [a.com]", "serve 1 [d.com]",
		"dissociate 1 [c.com]", "nothing was dissociated", `re-run RotateCertificates with the same input (ClientToken "base")`} {
		assert.Contains(t, msg, want)
	}
}

func TestCheckCertificateLimit(t *testing.T) {
	plan := func(n int) RotationPlan {
		var batch []DomainCertificate
		for i := range n {
			batch = append(batch, DomainCertificate{Domain: "n" + strconv.Itoa(i) + ".com", CertificateID: "c"})
		}
		return RotationPlan{ListenerID: "lsr-1", Associate: slices.Collect(slices.Chunk(batch, MaxDomainsPerCall)),
			Dissociate: [][]string{{"old.com"}}}
	}
	assert.NoError(t, checkCertificateLimit(plan(2), 23), "25 at the peak")
	assert.NoError(t, checkCertificateLimit(plan(0), 30), "no association, nothing added")
	assert.NoError(t, checkCertificateLimit(plan(25), 0))
	err := checkCertificateLimit(plan(12), 14)
	var le *CertificateLimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, CertificateLimitError{ListenerID: "lsr-1", Listed: 14, Associate: 12}, *le)
	assert.ErrorIs(t, err, ErrCertificateQuotaExceeded)
	assert.Contains(t, err.Error(), "26 additional certificates at once (14 listed + 12 to associate")
}

// The error advises a re-run only where one can help.
func TestRotationErrorAdvisesARerunOnlyWhenItCanHelp(t *testing.T) {
	apiErr := func(code string) error {
		return &alicloud.APIError{Service: ServiceName, Code: code, HTTPStatus: 400}
	}
	for cause, resumable := range map[error]bool{
		context.Canceled:                            true,
		context.DeadlineExceeded:                    true,
		alicloud.ErrWaitTimeout:                     true,
		apiErr("StateError.Accelerator"):            true,
		apiErr("SystemBusy"):                        true,
		apiErr("Throttling.User"):                   true,
		apiErr("UnknownError"):                      true,
		errors.New("connection reset"):              true,
		apiErr("QuotaExceeded.Certificate"):         false,
		apiErr("Exist.Certificate"):                 true, // the listing was out of date: a re-run plans afresh
		apiErr("ProtocolIllegal.Listener"):          false,
		apiErr("NotExist.Listener"):                 false,
		apiErr("NotExist.Accelerator"):              false,
		apiErr("NotExist.Certificate"):              true,
		apiErr("IdempotentParameterMismatch"):       false,
		apiErr("Forbidden.RAM"):                     false,
		&ListenerDeletingError{ListenerID: "lsr-1"}: false,
		&AcceleratorLockedError{AcceleratorID: "ga-1", State: "finacialLocked"}: false,
	} {
		e := &RotationError{ListenerID: "lsr-1", ClientToken: "base", Step: alicloud.StepAssociate, Err: cause}
		assert.Equal(t, resumable, e.Resumable(), cause.Error())
		if resumable {
			assert.Contains(t, e.Error(), `re-run RotateCertificates with the same input (ClientToken "base") to resume`, cause.Error())
		} else {
			assert.NotContains(t, e.Error(), "to resume", cause.Error())
			assert.Contains(t, e.Error(), "the cause does not pass on its own", cause.Error())
		}
	}
}
