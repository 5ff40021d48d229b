package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain", "The specified resource lsn-1 is not found.", 100, "The specified resource lsn-1 is not found."},
		{"unicode kept", "监听 lsn-1 不存在 ✓", 100, "监听 lsn-1 不存在 ✓"},
		{"newline and cr", "a\nb\r\nc\td", 100, `a\nb\r\nc\td`},
		{"esc and nul", "\x1b[31mred\x00", 100, `\x1b[31mred\x00`},
		{"del and c1", "a\x7fb\u0085c\u009b", 100, `a\x7fb\u0085c\u009b`},
		{"separators and bidi", "a\u2028b\u2029c\u202ed\u2066e", 100, `a\u2028b\u2029c\u202ed\u2066e`},
		{"not utf-8", "a\xffb\xc3", 100, `a\xffb\xc3`},
		{"exactly max", "abcdef", 6, "abcdef"},
		{"cut", strings.Repeat("x", 40), 20, "xxxxxx" + Truncated},
		{"cut never splits a rune", "ééééééééééééé", 21, "ééé" + Truncated},
		{"cut never splits an escape", "\n\n\n\n\n\n\n\n\n\n\n", 21, `\n\n\n` + Truncated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in, tc.max)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, len(got), tc.max)
			assert.Equal(t, got, string(Append(nil, tc.in, tc.max)))
		})
	}
}

// FuzzString: whatever the input, the output is valid UTF-8, holds no
// control character, and fits in max bytes.
func FuzzString(f *testing.F) {
	f.Add("a\nb\x1b\x00\xff\u2028", 16)
	f.Add(strings.Repeat("é", 100), 33)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max = 16 + (max&0x7fffffff)%4096
		got := String(s, max)
		if len(got) > max {
			t.Fatalf("%d bytes > max %d", len(got), max)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || unicode.Is(unicode.Bidi_Control, r) {
				t.Fatalf("control %U in %q", r, got)
			}
		}
		if len(s) <= max/6 && !strings.HasSuffix(got, Truncated) && len(got) < len(s) {
			t.Fatalf("short input shortened: %q -> %q", s, got)
		}
	})
}
