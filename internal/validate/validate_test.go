package validate

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
)

func TestChecks(t *testing.T) {
	long := strings.Repeat("a", MaxIDLength+1)
	tests := []struct {
		name   string
		err    error
		field  string // "" = valid
		reason string
	}{
		{"id", ID("ListenerID", "lsn-1"), "", ""},
		{"empty id", ID("ListenerID", ""), "ListenerID", "must not be empty"},
		{"id of the longest length", ID("ListenerID", long[1:]), "", ""},
		{"id too long", ID("ListenerID", long), "ListenerID", "is 257 bytes long; at most 256 are allowed"},
		{"10 KB id", ID("ListenerID", strings.Repeat("x", 10<<10)), "ListenerID", "is 10240 bytes long"},
		{"2 MB id", ID("ListenerID", strings.Repeat("x", 2<<20)), "ListenerID", "is 2097152 bytes long"},
		{"id with a space", ID("ListenerID", "lsn 1"), "ListenerID", "contains a space"},
		{"list", List("CertificateIDs", []string{"a", "A"}, 15), "", ""},
		{"list with a duplicate", List("CertificateIDs", []string{"a", "b", "a"}, 15), "CertificateIDs[2]", `"a" repeats CertificateIDs[0]`},
		{"list with a long item", List("CertificateIDs", []string{"a", long}, 15), "CertificateIDs[1]", "at most 256"},
		{"domains", Domains("Domains", []string{"a.example.com", "b.example.com"}, 10), "", ""},
		{"domains differing in case", Domains("Domains", []string{"Example.com", "a.com", "example.COM"}, 10), "Domains[2]",
			`"example.COM" repeats Domains[0] (domains are compared case-insensitively)`},
		{"too many domains", Domains("Domains", make([]string, 11), 10), "Domains", "at most 10"},
		{"a long domain", Domains("Domains", []string{long}, 10), "Domains[0]", "is 257 bytes long"},
		{"maxWait", MaxWait(time.Nanosecond), "", ""},
		{"zero maxWait", MaxWait(0), "maxWait", "must be positive"},
		{"negative maxWait", MaxWait(-time.Second), "maxWait", "must be positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.field == "" {
				assert.NoError(t, tc.err)
				return
			}
			var ve *alicloud.ValidationError
			require.ErrorAs(t, tc.err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, ve.Reason, tc.reason)
			assert.Less(t, len(tc.err.Error()), 300, "the value is not repeated")
		})
	}
}
