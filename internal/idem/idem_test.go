package idem

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDerive(t *testing.T) {
	a := Derive("token-1", "DissociateAdditionalCertificatesFromListener", "lsn-1", "c1", "c2")
	assert.Equal(t, a, Derive("token-1", "DissociateAdditionalCertificatesFromListener", "lsn-1", "c1", "c2"), "deterministic")
	others := []string{
		Derive("token-2", "DissociateAdditionalCertificatesFromListener", "lsn-1", "c1", "c2"),
		Derive("token-1", "DissociateAdditionalCertificatesFromListener", "lsn-1", "c1"),
		Derive("token-1", "DissociateAdditionalCertificatesFromListener", "lsn-1", "c1c2"),
		Derive("token-1", "AssociateAdditionalCertificatesWithListener", "lsn-1", "c1", "c2"),
	}
	for _, o := range others {
		assert.NotEqual(t, a, o)
	}
	u, err := uuid.Parse(a)
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(5), u.Version())
	assert.Equal(t, uuid.RFC4122, u.Variant())
	assert.Len(t, a, 36)
}

// Derived tokens must not change between versions: a re-run after an
// upgrade must reuse the tokens of the calls it repeats.
func TestDeriveIsStable(t *testing.T) {
	assert.Equal(t, "8b619f6d-1c76-5c82-840e-44dffacd6d7e", Derive("token-1", "DissociateAdditionalCertificatesFromListener", "lsn-1", "c1", "c2"))
}
