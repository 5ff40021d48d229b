package paginate

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestRepeatedTokenEndsTheListingWithAnError(t *testing.T) {
	tests := []struct {
		name   string
		first  string
		next   map[string]string // token -> next token
		fetchs int               // pages fetched before the error
		items  int
	}{
		{"same token again", "", map[string]string{"": "a", "a": "a"}, 2, 2},
		{"a, b, a, b", "", map[string]string{"": "a", "a": "b", "b": "a"}, 3, 3},
		{"back to an earlier page", "", map[string]string{"": "a", "a": "b", "b": "c", "c": "a"}, 4, 4},
		{"back to the caller's token", "start", map[string]string{"start": "x", "x": "start"}, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fetches := 0
			// The service answers a page of one item and the scripted token.
			fetch := func(token string) ([]int, string, error) {
				fetches++
				if fetches > 100 {
					t.Fatal("the listing loops")
				}
				return []int{fetches}, tc.next[token], nil
			}
			var items []int
			var errs []error
			for v, err := range All(tc.first, fetch) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				items = append(items, v)
			}
			assert.Equal(t, tc.fetchs, fetches)
			assert.Len(t, items, tc.items, "the items before the repeat are yielded")
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], ErrRepeatedToken)
			assert.Contains(t, errs[0].Error(), "again; the listing would loop")
		})
	}
}
