package alicloudtest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// wantsXML reports whether a request asks for an XML answer: the Format
// parameter when given (V1: Format=XML, case-insensitively), else the first
// JSON or XML media type of the Accept header (V3: application/xml or
// text/xml). JSON is the default.
func wantsXML(params url.Values, h http.Header) bool {
	if f := params.Get("Format"); f != "" {
		return strings.EqualFold(f, "XML")
	}
	for _, accept := range h.Values("Accept") {
		for _, part := range strings.Split(accept, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			switch mt {
			case "application/json", "text/json":
				return false
			case "application/xml", "text/xml":
				return true
			}
		}
	}
	return false
}

// jsonToXML renders a JSON answer as the services' XML: an object is an
// element named root (ActionResponse or Error) holding one element per
// field, in the JSON's order and with the same names; an array field
// repeats its own element name once per item (an empty array or a null
// leaves no element); scalars are their JSON text.
func jsonToXML(root string, js []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := writeXMLValue(dec, &b, root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeXMLValue writes the next JSON value of dec as element(s) named name.
func writeXMLValue(dec *json.Decoder, b *bytes.Buffer, name string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	open := func() { b.WriteString("<" + name + ">") }
	end := func() { b.WriteString("</" + name + ">") }
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			open()
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := key.(string)
				if !isXMLName(k) {
					return errors.New("alicloudtest: field name is not an XML name: " + k)
				}
				if err := writeXMLValue(dec, b, k); err != nil {
					return err
				}
			}
			end()
		case '[':
			for dec.More() {
				if err := writeXMLValue(dec, b, name); err != nil {
					return err
				}
			}
		}
		_, err = dec.Token() // the closing delimiter
		return err
	case nil:
		return nil
	case string:
		open()
		_ = xml.EscapeText(b, []byte(v))
		end()
	case json.Number:
		open()
		b.WriteString(v.String())
		end()
	case bool:
		open()
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
		end()
	}
	return nil
}

// isXMLName reports whether s is a plain element name (the services' field
// names are ASCII letters, digits and a few punctuation marks).
func isXMLName(s string) bool {
	if s == "" || strings.HasPrefix(strings.ToLower(s), "xml") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
