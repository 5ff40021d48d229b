// Package alicloudtest is a local, stateful emulator of the two Alibaba
// Cloud APIs this module wraps: Application Load Balancer (ALB, version
// 2020-06-16) and Global Accelerator (GA, version 2019-11-20). It is to
// these services what net/http/httptest is to HTTP: start one per test, point
// a client at it, assert on its state.
//
//	func TestDetach(t *testing.T) {
//		srv := alicloudtest.NewServer(alicloudtest.WithALBDissociateDelay(50 * time.Millisecond))
//		defer srv.Close()
//		srv.ALB.AddListener(alicloudtest.ALBListener{
//			ID: "lsn-1", Protocol: "HTTPS",
//			DefaultCertificateID: "cert-0", AdditionalCertificateIDs: []string{"cert-1"},
//		})
//
//		client, _ := alb.New(srv.Config()) // region cn-hangzhou, endpoint srv.URL, srv's AccessKey
//		_, err := client.DissociateAndWait(ctx, &alb.DissociateAdditionalCertificatesFromListenerInput{
//			ListenerID: "lsn-1", CertificateIDs: []string{"cert-1"},
//		}, time.Minute)
//		...
//		l, _ := srv.ALB.Listener("lsn-1")
//		// l.CertificateStatus("cert-1") == "" (dissociated: no longer listed)
//		// srv.Stats().Actions == 1, however often the client retried
//	}
//
// The package also serves a standalone emulator: see cmd/alicloud-emulator,
// built on [New], which returns the same handler as an [http.Handler].
//
// # Wire format
//
// Requests are RPC style: POST (or GET) to "/", parameters in the query
// string and/or an application/x-www-form-urlencoded body (merged), the
// operation in Action and Version (parameters, or the x-acs-action and
// x-acs-version headers). Arrays are flattened with 1-based indexes
// (Certificates.1.CertificateId, Domains.1). Answers are JSON unless XML is
// asked for (see XML below); errors are
// {"RequestId","HostId","Code","Message","Recommend"} with the HTTP status
// the service uses, and every answer carries an upper-case UUID RequestId.
// HostId is the answering service's host name, not the emulator's address:
// alb.cn-hangzhou.aliyuncs.com for an ALB Version, ga.cn-hangzhou.aliyuncs.com
// for GA; Recommend is
// https://api.aliyun.com/troubleshoot?q=<Code>&product=<Alb|Ga>&requestId=<RequestId>.
// When the Version names neither service (400 MissingParameter, 404
// InvalidVersion, or a failure before it is known), the service cannot be
// told: HostId is then the Host the request was sent to and Recommend
// names no product.
//
// # XML
//
// Both services answer in XML when a request asks for it: the Format=XML
// parameter (V1 requests; any case), or, without a Format parameter, an
// Accept header whose first JSON or XML media type is application/xml or
// text/xml (V3). The answer (Content-Type text/xml;charset=utf-8, with an
// XML declaration) is the JSON answer's fields, in the same order and with
// the same names, under a root element named after the action plus
// "Response" (<ListListenerCertificatesResponse>); an array field repeats
// its own element once per item
// (<Certificates><CertificateId>a</CertificateId>…</Certificates><Certificates>…</Certificates>),
// which is what the official clients' xml:"Certificates" tags decode; an
// empty array leaves no element. Errors, authentication failures included,
// are <Error> with RequestId, HostId, Code, Message and Recommend.
//
// # Authentication
//
// Requests are authenticated as the services do it, by a verifier written
// independently of the SDK's signer: signature V3 (ACS3-HMAC-SHA256 in the
// Authorization header; the canonical request is rebuilt from what arrived,
// host and every x-acs-* header must be signed, x-acs-content-sha256 must be
// the body's digest) or V1 (HMAC-SHA1 in the Signature parameter). The
// timestamp must be within 15 minutes of the emulator's clock, a nonce may
// be used once per AccessKey within 15 minutes, and STS credentials from
// [Emulator.IssueSTS] need their security token. Failures answer
// IncompleteSignature, MissingAccessKeyId, InvalidAccessKeyId.NotFound (404),
// InvalidAccessKeyId.Inactive, SignatureDoesNotMatch, InvalidTimeStamp.Format,
// InvalidTimeStamp.Expired, SignatureNonceUsed, InvalidSecurityToken.Expired,
// InvalidSecurityToken.MismatchWithAccessKey or InvalidSecurityToken.Malformed
// (400 unless noted). No message ever contains a secret or a token.
//
// # Pipeline
//
// Each request goes through: parsing (malformed: 400 InvalidParameter; over
// 1 MiB: 400 InvalidParameter), injected faults ([Emulator.InjectFault]),
// authentication, dispatch (404 InvalidVersion / InvalidAction.NotFound),
// the rate limit (400 Throttling.User, a token bucket per account and
// operation, 200 per 60 s by default), parameter validation (400
// MissingParameter / InvalidParameter naming the parameter), idempotency
// (a repeated ClientToken with the same parameters replays the first
// successful answer; with other parameters it is 400
// IdempotentParameterMismatch; a DryRun=true request skips this step and is
// never remembered, so it always prechecks the current state), and the
// operation. A panic is answered 500 InternalError.
//
// # ALB
//
// AssociateAdditionalCertificatesWithListener and
// DissociateAdditionalCertificatesFromListener (ListenerId,
// Certificates.N.CertificateId with 1 to 15 items, ClientToken of at most
// 64 printable ASCII characters, DryRun; answer JobId) share one shape.
// They check, in order: parameters; the ClientToken (a replay answers the
// first JobId, even while the listener is busy; not for a DryRun); 404
// ResourceNotFound.Listener; 400 OperationDenied.HttpListenerNotSupport (HTTP
// listener); the busy answer (the listener is Configuring: a job runs on
// it); 400 IncorrectStatus.Listener (not Running: "The status of lsn-1
// [Stopped] is incorrect."); 400 OperationDenied.DefaultCertificateUsed (a
// certificate is the listener's default one); then for Associate 400
// ResourceAlreadyAssociated.Certificate (the listener already lists the
// certificate) and for Dissociate 400 ResourceNotAssociated.Certificate (it
// is not Associated); with DryRun=true they then answer 400 DryRunOperation
// and change nothing. Otherwise they start a job (ListAsynJobs shows it
// Processing, with the operation as ApiName) and the listener is
// Configuring: Associate lists the new certificates Associating, then
// Associated; Dissociate lists them Diassociating, then no longer lists
// them (the service has no Dissociated status). When the job is done
// (Succeeded) the listener is Running again. A job made to fail
// ([ALB.FailNextJobs]) leaves the certificates as they were before it.
// The delays are per operation: [WithALBAssociateDelay] and
// [WithALBDissociateDelay] (2 s by default; 0 completes the job before the
// answer; negative waits for [ALB.CompleteJobs]).
//
// Every documented field of an answer is always sent. ListListenerCertificates
// (ListenerId, CertificateType Server|Ca, CertificateIds.N, NextToken,
// MaxResults 1-100, default 20) answers TotalCount, NextToken ("" on the
// last page), MaxResults and Certificates[]{CertificateId, IsDefault,
// Status, CertificateType}, the default certificate first. ListAsynJobs
// (JobIds.N, ResourceIds.N, ResourceType, ApiName, BeginTime/EndTime in ms,
// NextToken, MaxResults) answers TotalCount, NextToken, MaxResults and
// Jobs[]{Id, ApiName, Status, OperateType ("Update"), ResourceId,
// ResourceType ("listener"), ErrorCode, ErrorMessage, CreateTime,
// ModifyTime}, times as integer milliseconds, oldest first. ErrorCode and
// ErrorMessage are "" unless the job Failed: the service documents them for
// failed jobs only, and whether it omits them or sends "" otherwise is
// unconfirmed.
//
// A listener runs one change at a time. A change while a job runs is
// refused, as the service does in practice, with 400
// IncorrectStatus.Listener "The status of <listener id> [Configuring] is
// incorrect."; [WithALBBusyCode] ([CodeALBListenerConfiguring]) answers 400
// ResourceInConfiguring.Listener instead, the other documented busy code.
// The status of a certificate being dissociated is spelled Diassociating,
// as in the documented Status enum; [WithALBDissociatingStatus]
// ([ALBCertificateDissociating]) spells it Dissociating, as the Dissociate
// page does.
//
// Assumptions where the documentation is silent: associating a certificate
// the listener already has (in any status) answers
// ResourceAlreadyAssociated.Certificate, as the sibling NLB API does;
// associating the listener's default certificate answers
// OperationDenied.DefaultCertificateUsed, the one documented code that
// fits; a certificate that was dissociated may be associated again; the
// emulator keeps no certificate inventory, so any certificate ID is a valid
// server certificate.
//
// # GA
//
// Three operations change a listener's additional certificates:
// DissociateAdditionalCertificatesFromListener (Domains.N, 1 to 10),
// AssociateAdditionalCertificatesWithListener (Certificates.N.Id and
// Certificates.N.Domain, 1 to 10 pairs; answers ListenerId) and
// UpdateAdditionalCertificateWithListener (Domain, CertificateId, DryRun;
// answers ListenerId). Each checks, in order: parameters (RegionId must be
// cn-hangzhou; no domain twice); a ClientToken seen before (replay, or
// IdempotentParameterMismatch; an Update with DryRun=true skips this check
// and is not remembered); NotExist.Accelerator; NotExist.Listener
// (also for a listener of another accelerator); for Associate and Update,
// ProtocolIllegal.Listener (not HTTPS); StateError.Accelerator (the
// accelerator is not active, e.g. within the lock of an earlier change);
// NotActive.Listener; then per operation: Dissociate and Update
// NotExist.Certificate (a domain without an additional certificate);
// Associate Exist.Certificate (a domain that has one) and
// QuotaExceeded.Certificate (more than 25 additional certificates
// afterwards; a seed may hold more, for load tests); an Update with DryRun=true answers DryRunOperation and
// changes nothing. All are 400. Domains compare case-insensitively and keep
// the spelling they were associated with; one certificate may serve several
// domains.
//
// The accelerator lock: an accepted change makes the listener updating and
// its accelerator configuring. After the operation's delay
// ([WithGADissociateDelay], [WithGAAssociateDelay], [WithGAUpdateDelay];
// 2 s each by default) the listener is active again, but the accelerator
// stays configuring for the accelerator lag ([WithGAAcceleratorLag];
// default half the delay, so 1 s more), and every change on any listener of
// it answers StateError.Accelerator until it is active. While a change is
// applied, ListListenerCertificates reports the domains it touches as
// updating (dissociated ones stay listed until then, and drop out after)
// and the others active. [GA.CompleteUpdates] ends every change at once
// (listener and accelerator); [GA.CompleteListenerUpdates] ends only the
// listener's part, leaving the accelerator in its lag.
//
// DescribeListener answers the documented fields, all present: AcceleratorId,
// AclType (""), BackendPorts (the port ranges, as strings), Certificates
// (the default certificate only, Type "Server"), ClientAffinity, CreateTime
// (a string of milliseconds), Description, HttpVersion, IdleTimeout,
// ListenerId, Name, PortRanges, Protocol, ProxyProtocol (false), RelatedAcls
// ([]), RequestTimeout, SecurityPolicyId, ServiceId (""), ServiceManaged
// (false), State, Type ("Standard") and XForwardedForConfig (all false);
// settings a seed leaves empty take the service's defaults for the protocol
// (HTTPS: NONE, http2, tls_cipher_policy_1_0, 15 s idle, 60 s request
// timeout). ListListenerCertificates (RegionId, AcceleratorId, ListenerId,
// Role default|additional, NextToken, MaxResults 1-50, default 20) lists the
// default certificate first (without Domain), then the additional ones by
// domain. DescribeAccelerator answers AcceleratorId, State (active,
// configuring, init, binding, unbinding, deleting or finacialLocked, as the
// service spells it), Name, DnsName, Spec, InstanceChargeType, CreateTime
// and ExpiredTime, or NotExist.Accelerator.
//
// Assumptions, where the service's behaviour is not documented:
//
//   - A domain without an additional certificate in a Dissociate or an
//     Update answers 400 NotExist.Certificate and nothing is changed
//     (unconfirmed: the code appears in no source; the service might as
//     well succeed silently). An error is the safer emulation: automation
//     that survives it survives a silent success too, while automation
//     tested only against a silent success breaks on the error. List
//     first, or treat this code as "already dissociated".
//   - Associate on a domain that has an additional certificate answers
//     400 Exist.Certificate (use Update to replace it); more than 25
//     additional certificates answers 400 QuotaExceeded.Certificate; a
//     listener that is not HTTPS answers 400 ProtocolIllegal.Listener.
//     The documented limits are real; the codes are the emulator's choice
//     in the style of GA's documented codes.
//   - A busy listener on an active accelerator (only reachable by seeding or
//     [GA.SetAcceleratorState]) answers NotActive.Listener, not
//     StateError.Listener.
//   - The certificate states while a change is applied (only the touched
//     domains updating, dissociated ones listed until done), the accelerator
//     lag's length, DescribeAccelerator's times in milliseconds (a PREPAY
//     accelerator expires a year after it was added; POSTPAY reports 0) and
//     the messages (modelled on GA's documented ones, naming the resource)
//     are plausible choices, not observed behaviour.
//
// # Timing
//
// Certificate changes take a couple of seconds by default (ALB jobs
// [DefaultALBAssociateDelay] and [DefaultALBDissociateDelay], GA changes
// [DefaultGAAssociateDelay], [DefaultGAUpdateDelay],
// [DefaultGADissociateDelay], the accelerator lag half that), so tests and
// the quickstart stay quick; each has its option. [WithProductionTiming]
// (flag -production-timing) makes them last about as long as on the real
// services — ALB jobs [ProductionALBJobDelay] (the field sees 5–10 s), GA
// changes [ProductionGAChangeDelay] and the accelerator
// [ProductionGAAcceleratorLag] longer — to check that automation's timeouts
// suit production. These production figures are estimates from the
// behaviour of Alibaba's Terraform provider and deployment tools, not
// documented values. [Emulator.Timing] reports what applies.
//
// # Testing retries
//
// [Emulator.InjectFault] throttles, fails (500, 503), delays or drops
// requests, before or (FaultDropAfterAction) after acting;
// [Emulator.Stats], [Emulator.ActionsByClientToken] and [Emulator.Requests]
// prove what arrived and what was done.
package alicloudtest
