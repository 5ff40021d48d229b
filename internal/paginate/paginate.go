// Package paginate turns token-paged list operations into iterators.
package paginate

import (
	"errors"
	"iter"
	"strconv"

	"github.com/listenercerts/alicloud/internal/safetext"
)

// ErrRepeatedToken is matched by the error that ends a listing whose
// service answered a NextToken it had already given in the same listing:
// following it would loop forever (a, b, a, b, ...).
var ErrRepeatedToken = errors.New("the service repeated a NextToken of this listing")

// All returns an iterator over the items of every page, starting at the
// page of token first. fetch returns one page and the next token; an empty
// token ends the walk. A token seen before in the same walk (first
// included) ends it with an error matching ErrRepeatedToken, after the
// items of the page that gave it. The first error is yielded and ends it.
func All[T any](first string, fetch func(token string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := first
		seen := map[string]bool{}
		for page := 1; ; page++ {
			seen[token] = true
			items, next, err := fetch(token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if seen[next] {
				var zero T
				yield(zero, &repeatedTokenError{token: next, page: page})
				return
			}
			token = next
		}
	}
}

type repeatedTokenError struct {
	token string
	page  int
}

func (e *repeatedTokenError) Error() string {
	return ErrRepeatedToken.Error() + ": page " + strconv.Itoa(e.page) + " gave NextToken " +
		strconv.Quote(safetext.String(e.token, 128)) + " again; the listing would loop"
}

func (e *repeatedTokenError) Unwrap() error { return ErrRepeatedToken }

// Error returns an iterator that yields err once.
func Error[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
