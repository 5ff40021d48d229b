package bench

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"github.com/listenercerts/alicloud/internal/signer"
)

// Signing alone, against the raw cost of the cryptography over the same
// bytes (internal/signer is importable here: this module's path is under
// the root module's).  The request is the one bench/ measures: ALB
// DissociateAdditionalCertificatesFromListener of two certificates with a
// ClientToken, sent to the local emulator. bench/cmd/report runs these and
// reports ours/raw; the target is at most 1.5.

var (
	benchParams = []signer.Param{ // sorted, as transport.Client.Do hands them over
		{Key: "Certificates.1.CertificateId", Value: "cert-r12-1234-a"},
		{Key: "Certificates.2.CertificateId", Value: "cert-r12-1234-b"},
		{Key: "ClientToken", Value: "tok-r12-1234"},
		{Key: "ListenerId", Value: "lsn-r12-1234"},
	}
	benchCreds = signer.Credentials{AccessKeyID: "LTAIbenchAccessKeyId01", AccessKeySecret: "benchAccessKeySecret0123456789"}
	benchDate  = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
)

const (
	benchHost   = "127.0.0.1:40000"
	benchType   = "application/x-www-form-urlencoded"
	benchAction = "DissociateAdditionalCertificatesFromListener"
	benchVer    = "2020-06-16"
	benchNonce  = "3156853299f313e23d1673dc12e1703d"
)

// BenchmarkSignV3 compares what the transport does to sign a V3 request
// (signer.V3Headers, which hashes the body, then signer.SignV3) with SHA-256 of the body,
// SHA-256 of the canonical request and HMAC-SHA256 of the string to sign,
// computed directly on the same, precomputed bytes.
func BenchmarkSignV3(b *testing.B) {
	body := signer.AppendQuery(nil, benchParams)
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hs := signer.V3Headers(benchHost, benchType, benchAction, benchVer, signer.HashHex(body), benchDate, benchNonce, "")
			if signer.SignV3(&signer.V3Request{Method: "POST", Headers: hs}, benchCreds) == "" {
				b.Fatal("empty Authorization")
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		canonical, _ := signer.V3CanonicalRequest(&signer.V3Request{Method: "POST",
			Headers: signer.V3Headers(benchHost, benchType, benchAction, benchVer, signer.HashHex(body), benchDate, benchNonce, "")})
		key := []byte(benchCreds.AccessKeySecret)
		b.ReportAllocs()
		for b.Loop() {
			payload := sha256.Sum256(body)
			var payloadHex [64]byte
			hex.Encode(payloadHex[:], payload[:])
			hashed := sha256.Sum256(canonical)
			var sts [len(signer.AlgorithmV3) + 1 + 64]byte
			copy(sts[:], signer.AlgorithmV3+"\n")
			hex.Encode(sts[len(signer.AlgorithmV3)+1:], hashed[:])
			mac := hmac.New(sha256.New, key)
			mac.Write(sts[:])
			var sum [sha256.Size]byte
			var sig [64]byte
			hex.Encode(sig[:], mac.Sum(sum[:0]))
		}
	})
}

// BenchmarkSignV1 compares what the transport does to sign a V1 request
// (signer.V1CommonParams, signer.SortParams over every parameter, signer.SignV1Sorted) with
// HMAC-SHA1 of the same string to sign and its base64, computed directly.
func BenchmarkSignV1(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		all := make([]signer.Param, 0, len(benchParams)+10)
		for b.Loop() {
			var common [9]signer.Param
			all = signer.AppendMerged(all[:0], benchParams,
				signer.AppendV1CommonParams(common[:0], benchAction, benchVer, "JSON", benchCreds, benchDate, benchNonce))
			if signer.SignV1Sorted("POST", all, benchCreds.AccessKeySecret) == "" {
				b.Fatal("empty Signature")
			}
		}
	})
	b.Run("raw", func(b *testing.B) {
		all := append(append([]signer.Param(nil), benchParams...),
			signer.V1CommonParams(benchAction, benchVer, "JSON", benchCreds, benchDate, benchNonce)...)
		sts := signer.V1StringToSign("POST", all)
		key := []byte(benchCreds.AccessKeySecret + "&")
		b.ReportAllocs()
		for b.Loop() {
			mac := hmac.New(sha1.New, key)
			mac.Write(sts)
			var sum [sha1.Size]byte
			var sig [28]byte
			base64.StdEncoding.Encode(sig[:], mac.Sum(sum[:0]))
		}
	})
}
