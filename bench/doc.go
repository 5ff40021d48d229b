// Package bench measures this SDK against Alibaba's official Go SDKs, side
// by side in one run, against the same local emulator (alicloudtest) with
// signature checking on:
//
//   - ours: github.com/listenercerts/alicloud (alb, ga), signature V3, and V1;
//   - legacy: github.com/aliyun/alibaba-cloud-sdk-go services/alb (typed
//     request) and, for GA, whose services/ga package has no
//     DissociateAdditionalCertificatesFromListener, a CommonRequest;
//   - darabonba: github.com/alibabacloud-go/darabonba-openapi/v2 CallApi with
//     the Params and query the generated alb-20200616 / ga-20191120 clients
//     use, and their dara.Convert into the typed response;
//   - floor: plain net/http posting a request pre-signed before the timer
//     starts, decoding the JSON answer (what no SDK can beat).
//
// Every timed call is a real, successful dissociation (HTTP 200 with a
// JobId for ALB) of a listener seeded for that call alone, so every
// iteration does the same work whatever b.N is. The conformance test
// (conformance_test.go) proves the emulator against Alibaba's own signers.
//
// It is a module of its own so that the library's go.mod stays lean. Run
// from the repository root:
//
//	go -C bench test -count=1 -bench . -benchtime 1x ./...   # CI smoke: conformance + one call per benchmark
//	go -C bench run ./cmd/report                               # the full run that writes BENCHMARKS.md
//	go -C bench run ./cmd/size                                 # binary sizes of the programs in size/ (the README's table)
package bench
