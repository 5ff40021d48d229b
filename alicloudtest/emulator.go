package alicloudtest

import (
	"fmt"
	"sync"
	"time"

	"github.com/listenercerts/alicloud"
)

// Defaults of the emulator.
const (
	// DefaultALBDissociateDelay is how long an ALB dissociation job stays
	// Processing (certificates Diassociating, listener Configuring).
	DefaultALBDissociateDelay = 2 * time.Second
	// DefaultALBAssociateDelay is how long an ALB association job stays
	// Processing (certificates Associating, listener Configuring).
	DefaultALBAssociateDelay = 2 * time.Second
	// DefaultGADissociateDelay is how long a GA dissociation keeps the
	// listener updating and its accelerator configuring (the busy window;
	// the accelerator then stays configuring for half as long again).
	DefaultGADissociateDelay = 2 * time.Second
	// DefaultRateLimit and DefaultRateLimitPeriod are the quota applied to
	// every operation: 200 requests per 60 s, the documented quota of ALB's
	// DissociateAdditionalCertificatesFromListener.
	DefaultRateLimit       = 200
	DefaultRateLimitPeriod = 60 * time.Second
	// Region is the region the emulator serves; GA requests must name it.
	Region = "cn-hangzhou"
	// MaxBodyBytes is the largest request body accepted.
	MaxBodyBytes = 1 << 20
	// MaxRecordedRequests is how many requests [Emulator.Requests] keeps.
	MaxRecordedRequests = 10000
	// SignatureWindow is how far x-acs-date / Timestamp may be from the
	// emulator's clock, and how long a signature nonce stays used.
	SignatureWindow = 15 * time.Minute
)

// Emulator is the stateful emulator of the ALB (2020-06-16) and GA
// (2019-11-20) APIs as an [http.Handler]. Serve it with any HTTP server, or
// use [NewServer], which wraps one in a local test server. All methods are
// safe for concurrent use.
type Emulator struct {
	// AccessKeyID and AccessKeySecret are the primary AccessKey pair the
	// emulator accepts: random unless set with [WithAccessKey].
	AccessKeyID     string
	AccessKeySecret string

	// ALB is the state of the Application Load Balancer API.
	ALB *ALB
	// GA is the state of the Global Accelerator API.
	GA *GA

	now       func() time.Time
	checkAuth bool
	keys      keyStore
	nonces    nonceStore
	limiter   *rateLimiter
	faults    faultSet
	stats     statsRecorder
	recorder  requestRing
	done      chan struct{}
	closeOnce sync.Once
	ops       map[string]opTable
	onRequest func(RecordedRequest)

	// mu guards the service state: ALB, GA, the idempotency store and the
	// pending background completions.
	mu     sync.Mutex
	closed bool
	idem   idempotencyStore
}

// Option configures an [Emulator] or a [Server].
type Option func(*options)

type options struct {
	accessKeyID, accessKeySecret string
	clock                        func() time.Time
	noSignatureCheck             bool
	limits                       map[string]rateLimit
	albAssociateDelay            time.Duration
	albBusyCode, albDissociating string
	albDelay, gaDelay            time.Duration
	ga                           gaTimingOptions // the other GA delays
	seeds                        []Seed
	seedFiles                    []string
	onRequest                    func(RecordedRequest)
}

// WithAccessKey sets the primary AccessKey pair instead of a random one.
func WithAccessKey(id, secret string) Option {
	return func(o *options) { o.accessKeyID, o.accessKeySecret = id, secret }
}

// WithClock sets the clock the emulator reads for the timestamp check
// (x-acs-date / Timestamp within ±15 min), nonce expiry, STS expiry, rate
// limit refill and job times. The delays of background completions use real
// timers regardless.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.clock = now }
}

// WithoutSignatureCheck accepts every request without authenticating it (no
// signature, key, timestamp, nonce or token check). The AccessKeyId a request
// names, if any, still keys the rate limit and the idempotency store.
func WithoutSignatureCheck() Option {
	return func(o *options) { o.noSignatureCheck = true }
}

// WithRateLimit sets the quota of an operation (by Action name; "" means
// every operation without a quota of its own) to a token bucket of capacity
// n refilled continuously at n per period, per account and operation. n <= 0
// removes the limit. The default is 200 per 60 s for every operation.
func WithRateLimit(action string, n int, per time.Duration) Option {
	return func(o *options) {
		if o.limits == nil {
			o.limits = map[string]rateLimit{}
		}
		o.limits[action] = rateLimit{n: n, per: per}
	}
}

// WithALBDissociateDelay sets how long an ALB dissociation job runs. Zero
// completes it before the response; a negative delay means it runs until
// [ALB.CompleteJobs] is called.
func WithALBDissociateDelay(d time.Duration) Option {
	return func(o *options) { o.albDelay = d }
}

// WithALBAssociateDelay sets how long an ALB association job runs. Zero
// completes it before the response; a negative delay means it runs until
// [ALB.CompleteJobs] is called.
func WithALBAssociateDelay(d time.Duration) Option {
	return func(o *options) { o.albAssociateDelay = d }
}

// WithALBBusyCode sets the answer to a certificate change on an ALB listener
// that is Configuring (a job runs on it): [CodeALBListenerIncorrectStatus]
// (the default, what the service answers in practice: 400 "The status of
// <listener id> [Configuring] is incorrect.") or [CodeALBListenerConfiguring]
// (400 ResourceInConfiguring.Listener, also documented). [New] panics on
// any other code.
func WithALBBusyCode(code string) Option {
	return func(o *options) { o.albBusyCode = code }
}

// WithALBDissociatingStatus sets how ListListenerCertificates spells the
// status of a certificate being dissociated: [ALBCertificateDiassociating]
// (the default, the documented enum's spelling) or
// [ALBCertificateDissociating] (the Dissociate page's). [New] panics on any
// other value.
func WithALBDissociatingStatus(status string) Option {
	return func(o *options) { o.albDissociating = status }
}

// WithGADissociateDelay sets the busy window of a GA dissociation (listener
// updating, accelerator configuring). Zero completes it before the response;
// a negative delay means it lasts until [GA.CompleteUpdates] is called. The
// accelerator stays configuring for [WithGAAcceleratorLag] longer.
func WithGADissociateDelay(d time.Duration) Option {
	return func(o *options) { o.gaDelay = d }
}

// WithSeed loads seed into the new emulator. [New] and [NewServer] panic if
// it is invalid; call [Emulator.LoadSeed] to handle the error instead.
func WithSeed(seed Seed) Option {
	return func(o *options) { o.seeds = append(o.seeds, seed) }
}

// WithSeedFile loads the JSON seed file at path (see [LoadSeed]) into the new
// emulator. [New] and [NewServer] panic if it cannot be read or is invalid;
// call [Emulator.LoadSeedFile] to handle the error instead.
func WithSeedFile(path string) Option {
	return func(o *options) { o.seedFiles = append(o.seedFiles, path) }
}

// WithRequestHook calls hook with every request once it is answered (or
// dropped), from the goroutine that served it; hook must be safe for
// concurrent use and quick. It may not modify its argument.
func WithRequestHook(hook func(RecordedRequest)) Option {
	return func(o *options) { o.onRequest = hook }
}

// New returns an emulator with empty state. Serve it with an HTTP server and
// call Close when done, which stops its background timers.
func New(opts ...Option) *Emulator {
	o := options{
		albDelay: DefaultALBDissociateDelay,
		gaDelay:  DefaultGADissociateDelay,
		clock:    time.Now,
	}
	o.albAssociateDelay = DefaultALBAssociateDelay
	o.albBusyCode = CodeALBListenerIncorrectStatus
	o.albDissociating = ALBCertificateDiassociating
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.checkALB(); err != nil {
		panic(err.Error())
	}
	if o.accessKeyID == "" {
		o.accessKeyID = "LTAI" + randomString(20, alnum)
	}
	if o.accessKeySecret == "" {
		o.accessKeySecret = randomString(30, alnum)
	}
	e := &Emulator{
		AccessKeyID:     o.accessKeyID,
		AccessKeySecret: o.accessKeySecret,
		now:             o.clock,
		checkAuth:       !o.noSignatureCheck,
		onRequest:       o.onRequest,
		done:            make(chan struct{}),
	}
	e.keys.init()
	e.keys.add(o.accessKeyID, o.accessKeySecret)
	e.limiter = newRateLimiter(o.limits)
	e.recorder.init(MaxRecordedRequests)
	e.stats.init()
	e.idem.init()
	e.ALB = newALB(e, o)
	e.GA = newGA(e, o.gaDelay)
	e.GA.timing.apply(o.ga)
	e.ops = e.buildOperations()
	for _, s := range o.seeds {
		if err := e.LoadSeed(s); err != nil {
			panic(fmt.Sprintf("alicloudtest: %v", err))
		}
	}
	for _, path := range o.seedFiles {
		if err := e.LoadSeedFile(path); err != nil {
			panic(fmt.Sprintf("alicloudtest: %v", err))
		}
	}
	return e
}

// Close stops every background timer (pending completions stay pending) and
// makes requests delayed by a [FaultDelay] return at once. The emulator
// answers requests after Close with its state frozen. Close is idempotent.
func (e *Emulator) Close() {
	e.closeOnce.Do(func() {
		close(e.done)
		e.mu.Lock()
		e.closed = true
		e.ALB.stopTimersLocked()
		e.GA.stopTimersLocked()
		e.mu.Unlock()
	})
}

// AddAccessKey makes the emulator accept another permanent AccessKey pair.
// Each permanent key is an account of its own for rate limits and
// idempotency. Adding an existing id replaces its secret.
func (e *Emulator) AddAccessKey(id, secret string) {
	e.keys.add(id, secret)
}

// DisableAccessKey makes requests signed with id fail with
// InvalidAccessKeyId.Inactive. It reports whether the key existed.
func (e *Emulator) DisableAccessKey(id string) bool {
	return e.keys.disable(id)
}

// IssueSTS issues temporary credentials valid for ttl on the emulator's
// clock: an AccessKey pair plus the security token that must accompany it.
// They act for the account of the primary AccessKey, so a client that
// refreshes its STS credentials keeps its rate-limit budget and ClientTokens.
func (e *Emulator) IssueSTS(ttl time.Duration) (id, secret, token string) {
	id = "STS." + randomString(24, alnum)
	secret = randomString(40, alnum)
	token = "CAIS" + randomString(96, alnum)
	e.keys.addSTS(id, secret, token, e.AccessKeyID, e.now().Add(ttl))
	return id, secret, token
}

// Credentials returns a static provider of the primary AccessKey pair.
func (e *Emulator) Credentials() alicloud.CredentialsProvider {
	return alicloud.StaticCredentials(e.AccessKeyID, e.AccessKeySecret, "")
}

// Config returns a client configuration for this emulator served at
// endpoint (for example "http://127.0.0.1:8080"): region cn-hangzhou and the
// primary AccessKey pair.
func (e *Emulator) Config(endpoint string) alicloud.Config {
	return alicloud.Config{Region: Region, Endpoint: endpoint, Credentials: e.Credentials()}
}

// LoadSeed adds the resources of seed to the emulator. It validates the
// whole seed against itself and the existing state first and changes
// nothing if anything is wrong; the error names the offending place.
func (e *Emulator) LoadSeed(seed Seed) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := seed.validate(e); err != nil {
		return err
	}
	for _, l := range seed.ALB.Listeners {
		e.ALB.addLocked(l)
	}
	for _, a := range seed.GA.Accelerators {
		e.GA.addAcceleratorLocked(a)
	}
	for _, l := range seed.GA.Listeners {
		e.GA.addListenerLocked(l)
	}
	return nil
}

// LoadSeedFile reads the JSON seed file at path (see [LoadSeed]) and adds
// its resources to the emulator.
func (e *Emulator) LoadSeedFile(path string) error {
	seed, err := readSeedFile(path)
	if err != nil {
		return err
	}
	return e.LoadSeed(seed)
}
