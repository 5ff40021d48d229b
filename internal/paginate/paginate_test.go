package paginate

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAll(t *testing.T) {
	pages := map[string][]int{"": {1, 2}, "p2": {3}, "p3": {4, 5}}
	next := map[string]string{"": "p2", "p2": "p3", "p3": ""}
	var tokens []string
	fetch := func(token string) ([]int, string, error) {
		tokens = append(tokens, token)
		return pages[token], next[token], nil
	}
	var got []int
	for v, err := range All("", fetch) {
		assert.NoError(t, err)
		got = append(got, v)
	}
	assert.Equal(t, []int{1, 2, 3, 4, 5}, got)
	assert.Equal(t, []string{"", "p2", "p3"}, tokens)

	tokens = nil
	for v := range All("p2", fetch) {
		if v == 3 {
			break
		}
	}
	assert.Equal(t, []string{"p2"}, tokens, "stopping early fetches no more pages")

	loops := 0
	for range All("", func(string) ([]int, string, error) { loops++; return []int{1}, "same", nil }) {
	}
	assert.Equal(t, 2, loops, "a repeated token ends the walk")

	boom := errors.New("boom")
	var errs []error
	for _, err := range All("", func(string) ([]int, string, error) { return nil, "", boom }) {
		errs = append(errs, err)
	}
	assert.Equal(t, []error{boom}, errs)
	for _, err := range Error[int](boom) {
		assert.Equal(t, boom, err)
	}
}
