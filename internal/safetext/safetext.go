// Package safetext makes text that came from the network safe to print in
// an error message or a log record: control characters are escaped and the
// length is bounded.
package safetext

import (
	"unicode/utf8"
)

// Truncated marks text cut short by [Append].
const Truncated = "…(truncated)"

const hexDigits = "0123456789abcdef"

// Append appends s to dst, escaping every byte or rune that could forge or
// hide text on a terminal or in a log: C0 and C1 control characters and DEL
// (\n, \r, \t, \x1b, \u0085, ...), the line and paragraph separators,
// bidirectional controls, and bytes that are not UTF-8 (\xff). Everything
// else is copied. At most max bytes are appended: longer text is cut at a
// character boundary and ends with [Truncated].
func Append(dst []byte, s string, max int) []byte {
	if escapedLen(s) <= max {
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			dst = appendRune(dst, s[i:i+size], r, size)
			i += size
		}
		return dst
	}
	room := max - len(Truncated)
	start := len(dst)
	for i := 0; i < len(s) && room > 0; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if n := runeLen(r, size); len(dst)-start+n > room {
			break
		}
		dst = appendRune(dst, s[i:i+size], r, size)
		i += size
	}
	if max >= len(Truncated) {
		dst = append(dst, Truncated...)
	}
	return dst
}

// String returns s as [Append] would append it.
func String(s string, max int) string {
	if escapedLen(s) <= max && !needsEscape(s) {
		return s
	}
	return string(Append(make([]byte, 0, min(len(s), max)+8), s, max))
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if escaped(r, size) {
			return true
		}
		i += size
	}
	return false
}

func escapedLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		n += runeLen(r, size)
		i += size
	}
	return n
}

// escaped reports whether the rune r (size bytes in the input) is written
// as an escape.
func escaped(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1: // not UTF-8
		return true
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi controls
		return true
	}
	return false
}

func runeLen(r rune, size int) int {
	if !escaped(r, size) {
		return size
	}
	switch {
	case size == 1 && (r == '\n' || r == '\r' || r == '\t'):
		return 2
	case size == 1: // \xNN, also for a byte that is not UTF-8
		return 4
	default: // \uNNNN
		return 6
	}
}

func appendRune(dst []byte, raw string, r rune, size int) []byte {
	if !escaped(r, size) {
		return append(dst, raw...)
	}
	switch {
	case size == 1 && r == '\n':
		return append(dst, `\n`...)
	case size == 1 && r == '\r':
		return append(dst, `\r`...)
	case size == 1 && r == '\t':
		return append(dst, `\t`...)
	case size == 1:
		b := raw[0]
		return append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&0xf])
	default:
		return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
	}
}
