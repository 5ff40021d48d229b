package alicloudtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Seed is initial state for the emulator, built in Go or read from JSON
// with [LoadSeed]:
//
//	{
//	  "alb": {"listeners": [{"id": "lsn-1", "protocol": "HTTPS", "status": "Running",
//	          "defaultCertificateId": "cert-0", "certificates": ["cert-1", "cert-2"]}]},
//	  "ga": {"accelerators": [{"id": "ga-1", "state": "active"}],
//	         "listeners": [{"id": "lsr-1", "acceleratorId": "ga-1", "protocol": "https", "state": "active",
//	                        "defaultCertificateId": "cert-0", "certificates": {"example.com": "cert-1"}}]}
//	}
type Seed struct {
	ALB SeedALB `json:"alb"`
	GA  SeedGA  `json:"ga"`
}

// SeedALB is the ALB part of a [Seed].
type SeedALB struct {
	Listeners []ALBListener `json:"listeners"`
}

// SeedGA is the GA part of a [Seed].
type SeedGA struct {
	Accelerators []GAAccelerator `json:"accelerators"`
	Listeners    []GAListener    `json:"listeners"`
}

// fieldError is a validation failure of one field.
type fieldError struct{ field, msg string }

// String is "field: message".
func (f *fieldError) String() string { return f.field + ": " + f.msg }

func oneOf(field, value string, allowed []string) *fieldError {
	return &fieldError{field, fmt.Sprintf("%q is not one of %s", value, strings.Join(allowed, ", "))}
}

// LoadSeed reads a JSON seed. Unknown fields are rejected. Errors name the
// place: line and column for malformed JSON, the JSON path for invalid
// values, e.g.
//
//	seed: alb.listeners[2].protocol: "FTP" is not one of HTTP, HTTPS, QUIC
//
// The seed is checked on its own (duplicate IDs, GA listeners of unknown
// accelerators, ...); [Emulator.LoadSeed] also checks it against the state.
func LoadSeed(r io.Reader) (Seed, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
	}
	var s Seed
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Seed{}, seedDecodeError(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF { //nolint:errorlint // io.EOF is returned unwrapped
		line, col := position(data, dec.InputOffset()-1) // the offset is past the first extra token
		return Seed{}, fmt.Errorf("seed: line %d, column %d: unexpected data after the top-level object", line, col)
	}
	if err := s.validate(nil); err != nil {
		return Seed{}, err
	}
	return s, nil
}

func readSeedFile(path string) (Seed, error) {
	f, err := os.Open(path)
	if err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
	}
	defer f.Close()
	s, err := LoadSeed(f)
	if err != nil {
		return Seed{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// seedDecodeError turns a decoding error into one that names the place.
func seedDecodeError(data []byte, dec *json.Decoder, err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("seed: empty input, want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, int64(len(data)))
		return fmt.Errorf("seed: line %d, column %d: unexpected end of input", line, col)
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset-1)
		return fmt.Errorf("seed: line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset-1)
		return fmt.Errorf("seed: line %d, column %d: %s: cannot use a JSON %s as %s", line, col, typ.Field, typ.Value, typ.Type)
	}
	if path, off, ok := findUnknownField(data); ok {
		line, col := position(data, off)
		return fmt.Errorf("seed: line %d, column %d: %s: unknown field", line, col, path)
	}
	line, col := position(data, dec.InputOffset()-1)
	return fmt.Errorf("seed: line %d, column %d: %v", line, col, strings.TrimPrefix(err.Error(), "json: "))
}

// seedSchema lists the fields of each object of a seed file, so that an
// unknown field can be reported with its JSON path and position (the
// decoder's error names neither).
type seedSchema struct {
	fields map[string]*seedSchema // for objects with fixed fields
	elem   *seedSchema            // for arrays, and objects with free keys
}

var (
	seedScalar        = &seedSchema{}
	seedFreeKeys      = &seedSchema{elem: seedScalar}
	seedPortRange     = &seedSchema{fields: map[string]*seedSchema{"fromPort": seedScalar, "toPort": seedScalar}}
	seedALBListener   = &seedSchema{fields: map[string]*seedSchema{"id": seedScalar, "protocol": seedScalar, "status": seedScalar, "defaultCertificateId": seedScalar, "certificates": {elem: seedScalar}}}
	seedGAAccelerator = &seedSchema{fields: map[string]*seedSchema{"id": seedScalar, "state": seedScalar, "name": seedScalar, "spec": seedScalar, "instanceChargeType": seedScalar}}
	seedGAListener    = &seedSchema{fields: map[string]*seedSchema{
		"id": seedScalar, "acceleratorId": seedScalar, "protocol": seedScalar, "state": seedScalar,
		"name": seedScalar, "description": seedScalar, "portRanges": {elem: seedPortRange},
		"defaultCertificateId": seedScalar, "certificates": seedFreeKeys,
		"clientAffinity": seedScalar, "httpVersion": seedScalar, "securityPolicyId": seedScalar,
		"idleTimeout": seedScalar, "requestTimeout": seedScalar,
	}}
	seedRoot = &seedSchema{fields: map[string]*seedSchema{
		"alb": {fields: map[string]*seedSchema{"listeners": {elem: seedALBListener}}},
		"ga": {fields: map[string]*seedSchema{
			"accelerators": {elem: seedGAAccelerator},
			"listeners":    {elem: seedGAListener},
		}},
	}}
)

// findUnknownField walks the JSON tokens of data and returns the path and
// offset of the first field the schema does not know.
func findUnknownField(data []byte) (string, int64, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(s *seedSchema, path string) (string, int64, bool, error)
	walk = func(s *seedSchema, path string) (string, int64, bool, error) {
		tok, err := dec.Token()
		if err != nil {
			return "", 0, false, err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				start := skipSpace(data, dec.InputOffset())
				key, err := dec.Token()
				if err != nil {
					return "", 0, false, err
				}
				k, _ := key.(string)
				child := s.elem
				if s.fields != nil {
					child = s.fields[k]
				}
				p := k
				if path != "" {
					p = path + "." + k
				}
				if child == nil {
					return p, start, true, nil
				}
				if p, off, ok, err := walk(child, p); ok || err != nil {
					return p, off, ok, err
				}
			}
			_, err = dec.Token() // '}'
		case json.Delim('['):
			elem := s.elem
			if elem == nil {
				elem = seedScalar
			}
			for i := 0; dec.More(); i++ {
				if p, off, ok, err := walk(elem, fmt.Sprintf("%s[%d]", path, i)); ok || err != nil {
					return p, off, ok, err
				}
			}
			_, err = dec.Token() // ']'
		}
		return "", 0, false, err
	}
	p, off, ok, _ := walk(seedRoot, "")
	return p, off, ok
}

// skipSpace returns the offset of the next byte that is not white space or
// a separator.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// validate checks the seed on its own and, when e is not nil, against the
// emulator's state (the caller then holds e.mu).
func (s Seed) validate(e *Emulator) error {
	fail := func(path string, ferr *fieldError) error {
		return fmt.Errorf("seed: %s.%s", path, ferr)
	}
	albIDs := map[string]int{}
	for i, l := range s.ALB.Listeners {
		path := fmt.Sprintf("alb.listeners[%d]", i)
		if ferr := l.check(); ferr != nil {
			return fail(path, ferr)
		}
		if j, dup := albIDs[l.ID]; dup {
			return fail(path, &fieldError{"id", fmt.Sprintf("duplicate listener id %q (also at alb.listeners[%d])", l.ID, j)})
		}
		albIDs[l.ID] = i
		if e != nil && e.ALB.listeners[l.ID] != nil {
			return fail(path, &fieldError{"id", fmt.Sprintf("listener %q already exists", l.ID)})
		}
	}
	accIDs := map[string]int{}
	for i, a := range s.GA.Accelerators {
		path := fmt.Sprintf("ga.accelerators[%d]", i)
		if ferr := a.check(); ferr != nil {
			return fail(path, ferr)
		}
		if j, dup := accIDs[a.ID]; dup {
			return fail(path, &fieldError{"id", fmt.Sprintf("duplicate accelerator id %q (also at ga.accelerators[%d])", a.ID, j)})
		}
		accIDs[a.ID] = i
		if e != nil && e.GA.accelerators[a.ID] != nil {
			return fail(path, &fieldError{"id", fmt.Sprintf("accelerator %q already exists", a.ID)})
		}
	}
	gaIDs := map[string]int{}
	for i, l := range s.GA.Listeners {
		path := fmt.Sprintf("ga.listeners[%d]", i)
		if ferr := l.check(); ferr != nil {
			return fail(path, ferr)
		}
		if j, dup := gaIDs[l.ID]; dup {
			return fail(path, &fieldError{"id", fmt.Sprintf("duplicate listener id %q (also at ga.listeners[%d])", l.ID, j)})
		}
		gaIDs[l.ID] = i
		if e != nil && e.GA.listeners[l.ID] != nil {
			return fail(path, &fieldError{"id", fmt.Sprintf("listener %q already exists", l.ID)})
		}
		_, inSeed := accIDs[l.AcceleratorID]
		if !inSeed && (e == nil || e.GA.accelerators[l.AcceleratorID] == nil) {
			return fail(path, &fieldError{"acceleratorId", fmt.Sprintf("unknown accelerator %q", l.AcceleratorID)})
		}
	}
	return nil
}
