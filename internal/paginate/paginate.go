// Package paginate turns token-paged list operations into iterators.
package paginate

import "iter"

// All returns an iterator over the items of every page, starting at the
// page of token first. fetch returns one page and the next token; an empty
// or repeated token ends the walk. The first error is yielded and ends it.
func All[T any](first string, fetch func(token string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := first
		for {
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
			if next == "" || next == token {
				return
			}
			token = next
		}
	}
}

// Error returns an iterator that yields err once.
func Error[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
