package alicloudtest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// raw sends q and returns the answer undecoded.
func (f *fixture) raw(q apiReq) (int, http.Header, []byte) {
	f.t.Helper()
	res, err := f.srv.Client().Do(f.req(q).build(f.t, f.srv.URL))
	noErr(f.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	noErr(f.t, err)
	return res.StatusCode, res.Header, b
}

// xmlModes are the two ways of asking for XML.
var xmlModes = []struct {
	name string
	set  func(q *apiReq)
}{
	{"V3 Accept", func(q *apiReq) { q.Accept = "application/xml" }},
	{"V1 Format", func(q *apiReq) { q.V1, q.Format = true, "XML" }},
}

// fetchXML calls an operation asking for XML and decodes the answer into v
// with encoding/xml, as the official clients do.
func fetchXML(t *testing.T, f *fixture, set func(*apiReq), version, action string, v any, kv ...string) int {
	t.Helper()
	p := params(kv...)
	if version == gaVersion {
		p.Set("RegionId", Region)
	}
	q := apiReq{Version: version, Action: action, Params: p}
	set(&q)
	status, h, body := f.raw(q)
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Fatalf("%s: Content-Type %q, want text/xml: %s", action, ct, body)
	}
	if !bytes.HasPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Fatalf("%s: no XML declaration: %s", action, body)
	}
	if h.Get("x-acs-request-id") == "" {
		t.Fatalf("%s: no x-acs-request-id header", action)
	}
	if err := xml.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v: %s", action, err, body)
	}
	return status
}

// Shapes as the official clients declare them (xml tags = JSON names).
type (
	xmlJob struct {
		RequestID string `xml:"RequestId"`
		JobID     string `xml:"JobId"`
	}
	xmlALBCertificates struct {
		XMLName      xml.Name `xml:"ListListenerCertificatesResponse"`
		RequestID    string   `xml:"RequestId"`
		TotalCount   int      `xml:"TotalCount"`
		NextToken    string   `xml:"NextToken"`
		MaxResults   int      `xml:"MaxResults"`
		Certificates []struct {
			CertificateID   string `xml:"CertificateId"`
			IsDefault       bool   `xml:"IsDefault"`
			Status          string `xml:"Status"`
			CertificateType string `xml:"CertificateType"`
		} `xml:"Certificates"`
	}
	xmlALBJobs struct {
		XMLName    xml.Name `xml:"ListAsynJobsResponse"`
		RequestID  string   `xml:"RequestId"`
		TotalCount int      `xml:"TotalCount"`
		Jobs       []struct {
			ID         string `xml:"Id"`
			APIName    string `xml:"ApiName"`
			Status     string `xml:"Status"`
			ResourceID string `xml:"ResourceId"`
			CreateTime int64  `xml:"CreateTime"`
		} `xml:"Jobs"`
	}
	xmlGAListener struct {
		XMLName       xml.Name `xml:"DescribeListenerResponse"`
		RequestID     string   `xml:"RequestId"`
		ListenerID    string   `xml:"ListenerId"`
		AcceleratorID string   `xml:"AcceleratorId"`
		State         string   `xml:"State"`
		PortRanges    []struct {
			FromPort int `xml:"FromPort"`
			ToPort   int `xml:"ToPort"`
		} `xml:"PortRanges"`
	}
	xmlGACertificates struct {
		XMLName      xml.Name `xml:"ListListenerCertificatesResponse"`
		RequestID    string   `xml:"RequestId"`
		TotalCount   int      `xml:"TotalCount"`
		Certificates []struct {
			CertificateID string `xml:"CertificateId"`
		} `xml:"Certificates"`
	}
	xmlError struct {
		XMLName   xml.Name `xml:"Error"`
		RequestID string   `xml:"RequestId"`
		HostID    string   `xml:"HostId"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		Recommend string   `xml:"Recommend"`
	}
)

func TestXMLAnswers(t *testing.T) {
	for _, mode := range xmlModes {
		t.Run(mode.name, func(t *testing.T) {
			f := newFixture(t)

			var certs xmlALBCertificates
			eq(t, fetchXML(t, f, mode.set, albVersion, opListCerts, &certs, "ListenerId", "lsn-1", "MaxResults", "3"), 200, "status")
			eq(t, certs.TotalCount, 21, "TotalCount")
			eq(t, certs.MaxResults, 3, "MaxResults")
			eq(t, len(certs.Certificates), 3, "certificates")
			eq(t, certs.Certificates[0].CertificateID, "cert-0", "first certificate")
			eq(t, certs.Certificates[0].IsDefault, true, "IsDefault")
			eq(t, certs.Certificates[1].CertificateID, "cert-1", "second certificate")
			eq(t, certs.Certificates[1].IsDefault, false, "IsDefault of an additional one")
			eq(t, certs.Certificates[1].Status, "Associated", "Status")
			eq(t, certs.Certificates[1].CertificateType, "Server", "CertificateType")
			if certs.RequestID == "" || certs.NextToken == "" {
				t.Fatalf("RequestId or NextToken missing: %+v", certs)
			}

			var assoc, dissoc xmlJob
			eq(t, fetchXML(t, f, mode.set, albVersion, albAssociateAPI, &assoc,
				append([]string{"ListenerId", "lsn-1"}, certArgs("new-1")...)...), 200, "associate")
			eq(t, fetchXML(t, f, mode.set, albVersion, opDissociate, &dissoc,
				append([]string{"ListenerId", "lsn-quic"}, certArgs("cert-q1")...)...), 200, "dissociate")
			if len(assoc.JobID) != 36 || len(dissoc.JobID) != 36 || assoc.RequestID == "" {
				t.Fatalf("jobs: %+v %+v", assoc, dissoc)
			}

			var jobs xmlALBJobs
			eq(t, fetchXML(t, f, mode.set, albVersion, opListJobs, &jobs), 200, "jobs")
			eq(t, jobs.TotalCount, 2, "TotalCount")
			eq(t, len(jobs.Jobs), 2, "jobs")
			eq(t, jobs.Jobs[0].ID, assoc.JobID, "first job")
			eq(t, jobs.Jobs[0].APIName, albAssociateAPI, "ApiName")
			eq(t, jobs.Jobs[0].Status, "Processing", "Status")
			eq(t, jobs.Jobs[1].ResourceID, "lsn-quic", "ResourceId")
			if jobs.Jobs[0].CreateTime < 1e12 {
				t.Fatalf("CreateTime %d is not in milliseconds", jobs.Jobs[0].CreateTime)
			}

			var gl xmlGAListener
			eq(t, fetchXML(t, f, mode.set, gaVersion, opDescribe, &gl, "ListenerId", "lsr-1"), 200, "DescribeListener")
			eq(t, []string{gl.ListenerID, gl.AcceleratorID, gl.State}, []string{"lsr-1", "ga-1", "active"}, "GA listener")
			eq(t, len(gl.PortRanges), 1, "port ranges")

			var gc xmlGACertificates
			eq(t, fetchXML(t, f, mode.set, gaVersion, opListCerts, &gc, "AcceleratorId", "ga-1", "ListenerId", "lsr-1"), 200, "GA list")
			eq(t, gc.TotalCount, 4, "GA TotalCount")
			eq(t, len(gc.Certificates), 4, "GA certificates")

			var gd struct {
				XMLName   xml.Name `xml:"DissociateAdditionalCertificatesFromListenerResponse"`
				RequestID string   `xml:"RequestId"`
			}
			eq(t, fetchXML(t, f, mode.set, gaVersion, opDissociate, &gd,
				append([]string{"AcceleratorId", "ga-2", "ListenerId", "lsr-2"}, domainArgs("d.example.com")...)...), 200, "GA dissociate")
			if gd.RequestID == "" {
				t.Fatal("GA dissociate: no RequestId")
			}
		})
	}
}

func TestXMLErrors(t *testing.T) {
	for _, mode := range xmlModes {
		t.Run(mode.name, func(t *testing.T) {
			f := newFixture(t)
			for _, tc := range []struct {
				version, action string
				kv              []string
				status          int
				code, message   string
			}{
				{albVersion, opDissociate, append([]string{"ListenerId", "lsn-nope"}, certArgs("cert-1")...),
					404, CodeALBListenerNotFound, "The specified resource lsn-nope is not found."},
				{albVersion, albAssociateAPI, append([]string{"ListenerId", "lsn-1", "DryRun", "true"}, certArgs("new-<&>")...),
					400, CodeDryRunOperation, msgDryRunPassed},
				{albVersion, opListCerts, nil, 400, CodeMissingParameter,
					`The input parameter "ListenerId" that is mandatory for processing this request is not supplied.`},
				{gaVersion, opDescribe, []string{"ListenerId", "lsr-nope"}, 400, CodeGAListenerNotExist, ""},
				{albVersion, "NoSuchAction", nil, 404, CodeInvalidAction, ""},
			} {
				var e xmlError
				eq(t, fetchXML(t, f, mode.set, tc.version, tc.action, &e, tc.kv...), tc.status, "%s status", tc.action)
				eq(t, e.Code, tc.code, "%s code", tc.action)
				if tc.message != "" {
					eq(t, e.Message, tc.message, "%s message", tc.action)
				}
				if e.RequestID == "" || e.HostID == "" || !strings.Contains(e.Recommend, "q="+url.QueryEscape(tc.code)) {
					t.Fatalf("%s: incomplete error %+v", tc.action, e)
				}
			}

			// Authentication failures answer in XML too.
			f.creds.secret = "wrong"
			var e xmlError
			eq(t, fetchXML(t, f, mode.set, albVersion, opListJobs, &e), 400, "bad signature")
			eq(t, e.Code, CodeSignatureDoesNotMatch, "bad signature")
		})
	}
}

// The XML answer carries exactly the JSON answer's fields and values, in
// the same order, whatever the operation.
func TestXMLMatchesJSON(t *testing.T) {
	f := newFixture(t)
	wantOK(t, albDissociate(f, "lsn-1", nil, "cert-1"))
	f.srv.ALB.CompleteJobs()
	wantOK(t, albAssociate(f, "lsn-quic", nil, "new-q"))
	for _, tc := range []struct {
		version, action string
		kv              []string
	}{
		{albVersion, opListCerts, []string{"ListenerId", "lsn-1", "MaxResults", "4"}},
		{albVersion, opListCerts, []string{"ListenerId", "lsn-quic"}},
		{albVersion, opListCerts, []string{"ListenerId", "lsn-1", "CertificateType", "Ca"}}, // empty list
		{albVersion, opListJobs, nil},
		{albVersion, opDissociate, []string{"ListenerId", "lsn-nope"}},
		{gaVersion, opDescribe, []string{"RegionId", Region, "ListenerId", "lsr-1"}},
		{gaVersion, opListCerts, []string{"RegionId", Region, "AcceleratorId", "ga-1", "ListenerId", "lsr-1"}},
	} {
		q := apiReq{Version: tc.version, Action: tc.action, Params: params(tc.kv...)}
		_, _, js := f.raw(q)
		q.Accept = "application/xml"
		_, _, x := f.raw(q)
		eq(t, xmlLeaves(t, x), jsonLeaves(t, js), "%s %v: leaves", tc.action, tc.kv)
	}
}

// leaf is a scalar of an answer: its path of field names (array indexes
// left out, as XML has none) and its text.
type leaf struct{ path, text string }

func jsonLeaves(t *testing.T, b []byte) []leaf {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []leaf
	var walk func(path string)
	walk = func(path string) {
		tok, err := dec.Token()
		noErr(t, err)
		switch v := tok.(type) {
		case json.Delim:
			for dec.More() {
				p := path
				if v == '{' {
					k, err := dec.Token()
					noErr(t, err)
					p += "/" + k.(string)
				}
				walk(p)
			}
			_, err := dec.Token()
			noErr(t, err)
		case nil:
		case string:
			out = append(out, leaf{path, v})
		default:
			out = append(out, leaf{path, strings.Trim(string(mustJSON(t, v)), `"`)})
		}
	}
	walk("")
	return dropRequestID(out)
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	noErr(t, err)
	return b
}

func xmlLeaves(t *testing.T, b []byte) []leaf {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []leaf
	var stack []string
	var text strings.Builder
	hasChild := []bool{false}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		noErr(t, err)
		switch v := tok.(type) {
		case xml.StartElement:
			hasChild[len(hasChild)-1] = true
			stack = append(stack, v.Name.Local)
			hasChild = append(hasChild, false)
			text.Reset()
		case xml.CharData:
			text.Write(v)
		case xml.EndElement:
			if !hasChild[len(hasChild)-1] {
				out = append(out, leaf{"/" + strings.Join(stack[1:], "/"), text.String()})
			}
			stack = stack[:len(stack)-1]
			hasChild = hasChild[:len(hasChild)-1]
		}
	}
	return dropRequestID(out)
}

// dropRequestID removes the RequestId and the Recommend (which names it):
// they differ from request to request.
func dropRequestID(ls []leaf) []leaf {
	var out []leaf
	for _, l := range ls {
		if l.path != "/RequestId" && l.path != "/Recommend" && l.path != "/HostId" {
			out = append(out, l)
		}
	}
	return out
}

func TestWantsXML(t *testing.T) {
	for _, tc := range []struct {
		format, accept string
		want           bool
	}{
		{"", "", false},
		{"XML", "", true},
		{"xml", "application/json", true},
		{"JSON", "application/xml", false},
		{"", "application/xml", true},
		{"", "text/xml; charset=utf-8", true},
		{"", "application/json", false},
		{"", "*/*", false},
		{"", "text/html, application/xml;q=0.9, */*", true},
		{"", "application/json, application/xml", false},
		{"", "bogus;;, application/xml", true},
	} {
		p := url.Values{}
		if tc.format != "" {
			p.Set("Format", tc.format)
		}
		h := http.Header{}
		if tc.accept != "" {
			h.Set("Accept", tc.accept)
		}
		eq(t, wantsXML(p, h), tc.want, "Format %q, Accept %q", tc.format, tc.accept)
	}
}

func TestJSONToXML(t *testing.T) {
	x, err := jsonToXML("R", []byte(`{"A":"x<&>\"y","B":[1,{"C":true}],"D":[],"E":null,"F":{"G":""},"H":[["a","b"]]}`))
	noErr(t, err)
	eq(t, string(x), xml.Header+`<R><A>x&lt;&amp;&gt;&#34;y</A><B>1</B><B><C>true</C></B><F><G></G></F><H>a</H><H>b</H></R>`, "xml")
	_, err = jsonToXML("R", []byte(`{"a b":1}`))
	if err == nil {
		t.Fatal("a field name with a space was accepted")
	}
}
