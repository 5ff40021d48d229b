package ga

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
	"github.com/listenercerts/alicloud/internal/testserver"
)

func TestDissociateRejectsSuspiciousInputBeforeSending(t *testing.T) {
	tests := []struct {
		name   string
		in     DissociateAdditionalCertificatesFromListenerInput
		field  string
		reason string
	}{
		{"domains differing only in case", DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
			Domains: []string{"WWW.Example.com", "www.example.com"}}, "Domains[1]", "case-insensitively"},
		{"a 10 KB domain", DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: "lsr-1",
			Domains: []string{strings.Repeat("a", 10<<10) + ".com"}}, "Domains[0]", "10244 bytes long; at most 256"},
		{"a 2 MB listener id", DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: "ga-1", ListenerID: strings.Repeat("l", 2<<20),
			Domains: []string{"a.com"}}, "ListenerID", "2097152 bytes long"},
		{"a long accelerator id", DissociateAdditionalCertificatesFromListenerInput{AcceleratorID: strings.Repeat("g", 257), ListenerID: "lsr-1",
			Domains: []string{"a.com"}}, "AcceleratorID", "257 bytes long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.New(t, testserver.OK(`{"RequestId":"R"}`))
			_, err := newClient(t, srv).DissociateAdditionalCertificatesFromListener(context.Background(), &tc.in)
			var ve *alicloud.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, ve.Reason, tc.reason)
			assert.Less(t, len(err.Error()), 300)
			assert.Empty(t, srv.Requests(), "nothing was sent")
		})
	}
}
