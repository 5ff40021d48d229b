package alicloudtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTimingOptions(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		want Timing
	}{
		{"defaults", nil, Timing{ALBAssociate: DefaultALBAssociateDelay, ALBDissociate: DefaultALBDissociateDelay,
			GAAssociate: DefaultGAAssociateDelay, GAUpdate: DefaultGAUpdateDelay, GADissociate: DefaultGADissociateDelay,
			GAAcceleratorLag: DefaultGADissociateDelay / 2}},
		{"production", []Option{WithProductionTiming()}, Timing{ALBAssociate: ProductionALBJobDelay, ALBDissociate: ProductionALBJobDelay,
			GAAssociate: ProductionGAChangeDelay, GAUpdate: ProductionGAChangeDelay, GADissociate: ProductionGAChangeDelay,
			GAAcceleratorLag: ProductionGAAcceleratorLag}},
		{"production, then one override", []Option{WithProductionTiming(), WithALBAssociateDelay(time.Second)},
			Timing{ALBAssociate: time.Second, ALBDissociate: ProductionALBJobDelay,
				GAAssociate: ProductionGAChangeDelay, GAUpdate: ProductionGAChangeDelay, GADissociate: ProductionGAChangeDelay,
				GAAcceleratorLag: ProductionGAAcceleratorLag}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(tc.opts...)
			defer e.Close()
			assert.Equal(t, tc.want, e.Timing())
		})
	}
}

// The delays the package doc and the README state, as values.
func TestDocumentedTimings(t *testing.T) {
	assert.Equal(t, 2*time.Second, DefaultALBAssociateDelay)
	assert.Equal(t, 2*time.Second, DefaultALBDissociateDelay)
	assert.Equal(t, 2*time.Second, DefaultGADissociateDelay)
	assert.Equal(t, 2*time.Second, DefaultGAAssociateDelay)
	assert.Equal(t, 2*time.Second, DefaultGAUpdateDelay)
	assert.Equal(t, 7*time.Second, ProductionALBJobDelay)
	assert.Equal(t, 15*time.Second, ProductionGAChangeDelay)
	assert.Equal(t, 10*time.Second, ProductionGAAcceleratorLag)
}
