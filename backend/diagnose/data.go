package diagnose

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"smtpprobe/backend/lang"
)

//go:generate go test -count=1 -run=TestKnowledgeGenerated -args -update

// Tiers of the lookup, most specific first (see the package documentation).
const (
	tierStepCodeEnhanced = iota + 1
	tierCodeEnhanced
	tierVendorEnhanced
	tierText
	tierRegistry
	tierSubject
	tierCode
	tierNoDetail
	tierClass
	tierFallback
)

// entry is one piece of knowledge from data/*.json. The match fields decide
// which replies or failures it explains; the tier follows from which of them
// are set.
type entry struct {
	ID string `json:"id"`

	// Match keys and constraints.
	Step     []string   `json:"step,omitempty"`
	Code     int        `json:"code,omitempty"`
	Class    int        `json:"class,omitempty"`
	Enhanced string     `json:"enhanced,omitempty"`
	Failure  string     `json:"failure,omitempty"`
	Text     string     `json:"text,omitempty"`
	Software []Software `json:"software,omitempty"`
	Auth     *bool      `json:"auth,omitempty"`
	TLS      *bool      `json:"tls,omitempty"`
	Fallback bool       `json:"fallback,omitempty"`

	// Transient classifies a failure entry (no reply): true for transient,
	// false for permanent.
	Transient *bool `json:"transient,omitempty"`

	Severity   Severity    `json:"severity,omitempty"`
	Summary    lang.Text   `json:"summary"`
	Meaning    lang.Text   `json:"meaning"`
	Causes     []lang.Text `json:"causes,omitempty"`
	Actions    []lang.Text `json:"actions,omitempty"`
	References []string    `json:"references,omitempty"`
	Verdict    string      `json:"verdict,omitempty"`

	file  string
	order int
	tier  int
	// rx holds the text rule's regexp, compiled on first use: compiling
	// every rule up front costs more than the rest of the load.
	rx *lazyRegexp
	// lo and hi bound an enhanced code or range as comparable triples; for
	// registry (X.) keys lo[0] is 0.
	lo, hi [3]int
}

// verdictInfo is one headline of data/verdicts.json.
type verdictInfo struct {
	Title    lang.Text `json:"title"`
	Severity Severity  `json:"severity"`
	// Exit is the exit-code family: ok, permanent, temporary, connect,
	// protocol.
	Exit string `json:"exit"`
}

type verdictFile struct {
	Verdicts map[string]verdictInfo `json:"verdicts"`
	Steps    map[string]lang.Text   `json:"steps"`
}

// knowledge is the loaded, validated and ordered data.
type knowledge struct {
	replies  []*entry // sorted by tier, then specificity, then data order
	failures []*entry
	verdicts map[string]verdictInfo
	steps    map[string]lang.Text
}

// generated returns the knowledge compiled into knowledge_gen.go. The
// generated file sets it from an init function rather than being called
// directly, so that the package still builds (and go generate still runs)
// when that file is missing or was deleted because it no longer compiles.
var generated func() *knowledge

var loadKnowledge = sync.OnceValue(func() *knowledge {
	if generated == nil {
		panic("diagnose: knowledge_gen.go is missing; run go generate ./backend/diagnose")
	}
	return generated()
})

// kb returns the knowledge. The entries are Go literals generated from
// data/*.json (validated and ordered by the generator), so loading only
// builds the two small lookup maps.
func kb() *knowledge { return loadKnowledge() }

// Preload loads the knowledge and compiles every text rule now. Loading is
// cheap (the entries are static data); the text rules are not (about 2 ms
// for all of them), and without Preload each one is compiled by the first
// evaluation that reaches it. A one-shot command does better without it
// (most sessions reach few rules); a long-running caller may start it in
// the background. An evaluation running at the same time waits for, or
// compiles, the rule it needs.
func Preload() {
	k := kb()
	for _, e := range k.replies {
		if e.rx != nil {
			e.textRule()
		}
	}
}

// lazyRegexp is a regexp compiled once, on first use, and safe to share
// between concurrent evaluations. The package has about a hundred regexps
// (text rules, bounce extraction, software signatures); compiling them at
// package init cost every smtpprobe process, whatever it ran, before main.
type lazyRegexp struct {
	once sync.Once
	re   *regexp.Regexp
}

// compile returns the regexp of expr, compiling it the first time. expr is
// always the same for one lazyRegexp.
func (l *lazyRegexp) compile(expr string) *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(expr) })
	return l.re
}

// textRule returns the compiled text rule of an entry that has one. The
// generator and parseKnowledge have checked that it compiles.
func (e *entry) textRule() *regexp.Regexp { return e.rx.compile(e.Text) }

// lazyRE is a package-level regexp compiled on first use.
type lazyRE struct {
	lazyRegexp
	expr string
}

// lazyREs are all the package-level lazy regexps, so that a test compiles
// each one: a bad expression must fail the tests, not a user's first run.
var lazyREs []*lazyRE

// lazyMustCompile is regexp.MustCompile, deferred to the first get. It is
// called only from package-level variable declarations.
func lazyMustCompile(expr string) *lazyRE {
	l := &lazyRE{expr: expr}
	lazyREs = append(lazyREs, l)
	return l
}

// get returns the compiled regexp.
func (l *lazyRE) get() *regexp.Regexp { return l.compile(l.expr) }

// enhancedRe is an enhanced status code (RFC 3463 §2: class "." subject "."
// detail, 1–3 digits each); registry keys use X for the class and XXX for a
// whole subject.
var (
	enhancedRe = lazyMustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})$`)
	registryRe = lazyMustCompile(`^X\.(\d{1,3})\.(\d{1,3}|XXX)$`)
)

func parseKnowledge(fsys fs.FS) (*knowledge, error) {
	k := &knowledge{verdicts: map[string]verdictInfo{}, steps: map[string]lang.Text{}}
	names, err := fs.Glob(fsys, "data/*.json")
	if err != nil {
		return nil, fmt.Errorf("list data files: %w", err)
	}
	ids := map[string]string{}
	order := 0
	fallbacks := 0
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if strings.HasSuffix(name, "/verdicts.json") {
			var vf verdictFile
			if err := strictUnmarshal(b, &vf); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			for key, v := range vf.Verdicts {
				k.verdicts[key] = v
			}
			for key, v := range vf.Steps {
				k.steps[key] = v
			}
			continue
		}
		// Entries are decoded one by one so that an error names the entry
		// it is about (the decoder alone reports only a byte offset).
		var f struct {
			Entries []json.RawMessage `json:"entries"`
		}
		if err := strictUnmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i, raw := range f.Entries {
			e := &entry{}
			if err := strictUnmarshal(raw, e); err != nil {
				return nil, fmt.Errorf("%s: entry %d%s: %w", name, i, idOf(raw), err)
			}
			e.file = name
			e.order = order
			order++
			if e.ID == "" {
				return nil, fmt.Errorf("%s: entry %d has no id", name, i)
			}
			if prev, dup := ids[e.ID]; dup {
				return nil, fmt.Errorf("%s: id %q already used in %s", name, e.ID, prev)
			}
			ids[e.ID] = name
			if err := e.compile(); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, e.ID, err)
			}
			if e.tier == tierFallback {
				fallbacks++
			}
			if e.Failure != "" {
				k.failures = append(k.failures, e)
			} else {
				k.replies = append(k.replies, e)
			}
		}
	}
	if fallbacks != 1 {
		return nil, fmt.Errorf("want exactly one fallback entry, have %d", fallbacks)
	}
	for _, e := range append(slices.Clone(k.replies), k.failures...) {
		if e.Verdict != "" {
			if _, ok := k.verdicts[e.Verdict]; !ok {
				return nil, fmt.Errorf("%s: %s: verdict %q is not in verdicts.json", e.file, e.ID, e.Verdict)
			}
		}
	}
	sortEntries(k.replies)
	sortEntries(k.failures)
	return k, nil
}

// idOf returns ` (id "x")` for an entry that failed to decode, when its
// id at least can be read.
func idOf(raw []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	// A type error elsewhere in the entry still leaves the id decoded.
	_ = json.Unmarshal(raw, &v)
	if v.ID == "" {
		return ""
	}
	return fmt.Sprintf(" (id %q)", v.ID)
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// sortEntries orders entries by tier, then by how many constraints narrow
// them (a rule for "RCPT on Exchange" beats one for "RCPT"), then by their
// place in the data.
func sortEntries(es []*entry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if ca, cb := a.constraints(), b.constraints(); ca != cb {
			return ca > cb
		}
		return a.order < b.order
	})
}

func (e *entry) constraints() int {
	n := 0
	if len(e.Step) > 0 {
		n++
	}
	if len(e.Software) > 0 {
		n++
	}
	if e.Text != "" {
		n++
	}
	if e.Auth != nil {
		n++
	}
	if e.TLS != nil {
		n++
	}
	if e.Code != 0 && e.tier == tierText {
		n++
	}
	return n
}

// compile checks an entry and works out its tier.
func (e *entry) compile() error {
	for _, s := range e.Step {
		if !slices.Contains(Steps, s) {
			return fmt.Errorf("unknown step %q", s)
		}
	}
	for _, s := range e.Software {
		if _, err := ParseSoftware(string(s)); err != nil || s == "" {
			return fmt.Errorf("unknown software %q", s)
		}
	}
	if e.Code != 0 && (e.Code < 200 || e.Code > 599) {
		return fmt.Errorf("code %d out of range", e.Code)
	}
	if e.Class != 0 && (e.Class < 2 || e.Class > 5) {
		return fmt.Errorf("class %d out of range", e.Class)
	}
	if e.Text != "" {
		// Compiled here only to refuse a bad rule; evaluation compiles
		// it again on first use.
		if _, err := regexp.Compile(e.Text); err != nil {
			return fmt.Errorf("text rule: %w", err)
		}
		e.rx = new(lazyRegexp)
	}
	switch e.Severity {
	case "", SeverityOK, SeverityInfo, SeverityWarning, SeverityError:
	default:
		return fmt.Errorf("unknown severity %q", e.Severity)
	}
	registry := false
	if e.Enhanced != "" {
		var err error
		registry, err = e.parseEnhanced()
		if err != nil {
			return err
		}
		if !registry && e.Code != 0 && e.Code/100 != e.lo[0] {
			return fmt.Errorf("code %d and enhanced code %s disagree on the class", e.Code, e.Enhanced)
		}
	}
	if e.Failure != "" {
		if e.Code != 0 || e.Class != 0 || e.Enhanced != "" || e.Text != "" {
			return fmt.Errorf("a failure entry matches on failure kind and step only")
		}
		if e.Transient == nil {
			return fmt.Errorf("a failure entry must say whether it is transient")
		}
		e.tier = tierCode
		return nil
	}
	if e.Transient != nil {
		return fmt.Errorf("transient is only for failure entries")
	}
	switch {
	case e.Fallback:
		if e.Code != 0 || e.Class != 0 || e.Enhanced != "" || e.Text != "" || len(e.Step) > 0 {
			return fmt.Errorf("the fallback entry must not match on anything")
		}
		e.tier = tierFallback
	case e.Enhanced != "" && !registry && e.Code != 0 && len(e.Step) > 0:
		e.tier = tierStepCodeEnhanced
	case e.Enhanced != "" && !registry && e.Code != 0:
		e.tier = tierCodeEnhanced
	case e.Enhanced != "" && !registry:
		e.tier = tierVendorEnhanced
	case e.Enhanced != "" && e.lo[1] == 0:
		// X.0.0 says that only the class is known (RFC 3463 §3.1): it
		// explains less than the basic reply code does.
		e.tier = tierNoDetail
	case e.Enhanced != "" && e.lo[2] < 0:
		e.tier = tierSubject
	case e.Enhanced != "":
		e.tier = tierRegistry
	case e.Text != "":
		e.tier = tierText
	case e.Code != 0:
		e.tier = tierCode
	case e.Class != 0:
		e.tier = tierClass
	default:
		return fmt.Errorf("entry matches nothing (set code, class, enhanced, text or failure)")
	}
	if (e.tier == tierRegistry || e.tier == tierSubject || e.tier == tierNoDetail) && (e.Code != 0 || e.Class != 0 || e.Text != "") {
		return fmt.Errorf("registry entries are keyed by the enhanced code alone")
	}
	return nil
}

// parseEnhanced fills lo and hi from an exact code ("5.7.57"), a range
// ("5.7.606-5.7.649") or a registry key ("X.7.1", "X.7.XXX").
func (e *entry) parseEnhanced() (registry bool, err error) {
	if m := registryRe.get().FindStringSubmatch(e.Enhanced); m != nil {
		e.lo[1], _ = strconv.Atoi(m[1])
		if m[2] == "XXX" {
			e.lo[2] = -1
		} else {
			e.lo[2], _ = strconv.Atoi(m[2])
		}
		e.hi = e.lo
		return true, nil
	}
	lo, hi, isRange := strings.Cut(e.Enhanced, "-")
	if !isRange {
		hi = lo
	}
	var ok bool
	if e.lo, ok = parseTriple(lo); !ok {
		return false, fmt.Errorf("bad enhanced code %q", e.Enhanced)
	}
	if e.hi, ok = parseTriple(hi); !ok {
		return false, fmt.Errorf("bad enhanced code %q", e.Enhanced)
	}
	if e.lo[0] != e.hi[0] || e.lo[1] != e.hi[1] || e.lo[2] > e.hi[2] {
		return false, fmt.Errorf("bad enhanced range %q (same class and subject, low to high)", e.Enhanced)
	}
	return false, nil
}

func parseTriple(s string) ([3]int, bool) {
	m := enhancedRe.get().FindStringSubmatch(s)
	if m == nil {
		return [3]int{}, false
	}
	var t [3]int
	for i := range t {
		t[i], _ = strconv.Atoi(m[i+1])
	}
	return t, true
}

// query is what one reply or failure is matched against.
type query struct {
	step     string
	code     int
	enhanced [3]int
	hasEnh   bool
	text     string
	failure  string
	ctx      Context
}

// matches reports whether e explains q.
func (e *entry) matches(q *query) bool {
	if len(e.Step) > 0 && !slices.Contains(e.Step, q.step) {
		return false
	}
	if len(e.Software) > 0 && !slices.Contains(e.Software, q.ctx.Software) {
		return false
	}
	if e.Auth != nil && *e.Auth != q.ctx.AuthUsed {
		return false
	}
	if e.TLS != nil && *e.TLS != q.ctx.TLS {
		return false
	}
	if e.Failure != "" {
		return e.Failure == q.failure
	}
	if e.tier == tierFallback {
		// Only for codes no class entry explains (outside 2xx–5xx).
		return q.code/100 < 2 || q.code/100 > 5
	}
	// Text rules describe refusals: unless a rule names its code or class,
	// it does not apply to a 2xx or 3xx reply (a banner saying "no spam
	// here" is not a content rejection).
	if e.tier == tierText && e.Code == 0 && e.Class == 0 && q.code/100 < 4 {
		return false
	}
	if e.Code != 0 && e.Code != q.code {
		return false
	}
	if e.Class != 0 && e.Class != q.code/100 {
		return false
	}
	if e.Enhanced != "" {
		if !q.hasEnh {
			return false
		}
		switch e.tier {
		case tierRegistry, tierSubject, tierNoDetail:
			// Registry keys (X.y.z, X.y.XXX) match every class.
			if q.enhanced[1] != e.lo[1] || (e.lo[2] >= 0 && q.enhanced[2] != e.lo[2]) {
				return false
			}
		default:
			if q.enhanced[0] != e.lo[0] || q.enhanced[1] != e.lo[1] ||
				q.enhanced[2] < e.lo[2] || q.enhanced[2] > e.hi[2] {
				return false
			}
		}
	}
	if e.rx != nil && !e.textRule().MatchString(q.text) {
		return false
	}
	return true
}
