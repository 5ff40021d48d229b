package alb

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/listenercerts/alicloud"
)

func TestPlanRotation(t *testing.T) {
	cert := func(id, status string) ListenerCertificate {
		return ListenerCertificate{CertificateID: id, Status: status}
	}
	listed := map[string]ListenerCertificate{
		"def":     {CertificateID: "def", Status: StatusAssociated, IsDefault: true},
		"a-done":  cert("a-done", "associated"),
		"a-going": cert("a-going", StatusAssociating),
		"a-dying": cert("a-dying", StatusDissociating), // being removed: associate it again afterwards
		"r-here":  cert("r-here", StatusAssociated),
		"r-new":   cert("r-new", StatusAssociating), // still coming: remove it after
		"r-going": cert("r-going", StatusDissociating),
		"r-old":   cert("r-old", StatusDissociated),
	}
	in := &RotateCertificatesInput{ListenerID: "lsn-1",
		Add:    []string{"a-new", "a-done", "a-going", "a-dying", "def"},
		Remove: []string{"r-here", "r-new", "r-going", "r-old", "r-absent"}}
	p, err := planRotation(in, listed)
	require.NoError(t, err)
	assert.Equal(t, RotationPlan{ListenerID: "lsn-1", DefaultCertificateID: "def",
		Associate:          [][]string{{"a-dying", "a-new"}}, // sorted,
		Dissociate:         [][]string{{"r-here", "r-new"}},
		AlreadyAssociated:  []string{"a-done", "a-going", "def"},
		AlreadyDissociated: []string{"r-going", "r-old", "r-absent"},
		AwaitAssociated:    []string{"a-going"},
		AwaitDissociated:   []string{"r-going"},
	}, p)
	assert.Equal(t, 2, p.Calls())

	in.Remove = append(in.Remove, "def")
	_, err = planRotation(in, listed)
	var ve *alicloud.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Remove[5]", ve.Field)
	assert.ErrorIs(t, err, ErrDefaultCertificateUsed)
	assert.NotErrorIs(t, err, alicloud.ErrConflict, "refused on the client side: an invalid parameter, not a conflict")
}

func TestRotationErrorChain(t *testing.T) {
	cause := &JobFailedError{JobID: "j", ErrorCode: "X", ErrorMessage: "m"}
	err := error(&RotationError{ListenerID: "lsn-1", ClientToken: "base", Step: alicloud.StepWait,
		Err:  &alicloud.ClientTokenError{ClientToken: "derived", Err: cause},
		Done: RotateCertificatesOutput{Associated: []string{"a"}}, NotDissociated: names(12)})
	assert.Equal(t, "base", alicloud.ClientTokenOf(err), "the rotation's base token comes first")
	var jf *JobFailedError
	assert.True(t, errors.As(err, &jf))
	assert.ErrorIs(t, err, alicloud.ErrConflict)
	assert.Contains(t, err.Error(), "dissociate 12 [c0 c1 c2 c3 c4 c5 c6 c7 c8 c9 …]")
	assert.Contains(t, err.Error(), `ClientToken "base"`)
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "c" + string(rune('0'+i%10))
	}
	return out
}
