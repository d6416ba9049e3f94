package history

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/session"
	"smtpprobe/backend/smtpwire"
	"smtpprobe/backend/tlsreport"
)

// Kind grades a change from the older run to the newer one.
type Kind string

// The kinds.
const (
	// Better: the newer run is healthier here (a step that failed now
	// passes, a certificate that expires later, TLS where there was none).
	Better Kind = "better"
	// Worse: the newer run is less healthy here.
	Worse Kind = "worse"
	// Neutral: different, neither better nor worse (a new banner, a cipher).
	Neutral Kind = "neutral"
)

// Change is one difference between two runs.
type Change struct {
	// Field names what changed: banner, extension, auth, size, tls_version,
	// cipher, certificate, tls_verified, step, timing, verdict.
	Field string `json:"field"`
	// Kind grades it.
	Kind Kind `json:"kind"`
	// Step names the step, with its occurrence for repeated ones ("rcpt
	// 2"), for step and timing changes.
	Step string `json:"step,omitempty"`
	// Old and New are the values compared, as shown to people.
	Old string `json:"old"`
	New string `json:"new"`
	// Meaning is the one-line explanation in both languages.
	Meaning lang.Text `json:"meaning"`
}

// slowFactor and slowFloorMS decide when a step's time changed enough to
// report: twice as slow (or fast) and at least a quarter of a second apart,
// so that loopback jitter is not news.
const (
	slowFactor  = 2.0
	slowFloorMS = 250.0
)

// Compare lists what changed from old to new, in a fixed order: greeting
// and EHLO, TLS and certificate, each step, then the verdict.
func Compare(old, new *session.Result) []Change {
	c := &comparer{}
	c.banner(old, new)
	c.extensions(old, new)
	c.tls(old.TLS, new.TLS)
	c.steps(old.Steps, new.Steps)
	c.verdict(old, new)
	return c.out
}

type comparer struct{ out []Change }

func (c *comparer) add(ch Change) { c.out = append(c.out, ch) }

func replyText(r *smtpwire.Reply) string {
	if r == nil {
		return ""
	}
	return strconv.Itoa(r.Code) + " " + strings.Join(r.Lines, " / ")
}

func (c *comparer) banner(a, b *session.Result) {
	var x, y string
	if s := a.Step(session.StepBanner); s != nil {
		x = replyText(s.Reply)
	}
	if s := b.Step(session.StepBanner); s != nil {
		y = replyText(s.Reply)
	}
	if x != y && x != "" && y != "" {
		c.add(Change{Field: "banner", Kind: Neutral, Old: x, New: y, Meaning: lang.Text{
			EN: "the greeting changed: the server software, its version or its name may have changed",
			ES: "el saludo cambió: puede haber cambiado el software del servidor, su versión o su nombre",
		}})
	}
}

// keywords maps each EHLO keyword (upper case) to its parameters.
func keywords(exts []string) map[string]string {
	m := map[string]string{}
	for _, e := range exts {
		k, p, _ := strings.Cut(e, " ")
		m[strings.ToUpper(k)] = p
	}
	return m
}

func (c *comparer) extensions(a, b *session.Result) {
	x, y := keywords(a.Extensions), keywords(b.Extensions)
	if len(a.Extensions) == 0 || len(b.Extensions) == 0 {
		return // EHLO did not run in one of them: the step change says so
	}
	var names []string
	for k := range x {
		names = append(names, k)
	}
	for k := range y {
		if _, ok := x[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		px, inX := x[k]
		py, inY := y[k]
		switch {
		case k == "AUTH":
			c.auth(px, py, inX, inY)
		case k == "SIZE":
			c.size(px, py, inX, inY)
		case inX && !inY:
			kind, m := Neutral, lang.Text{EN: "the server no longer offers %s", ES: "el servidor ya no ofrece %s"}
			if k == "STARTTLS" {
				kind = Worse
				m = lang.Text{EN: "the server no longer offers %s: mail to it can no longer be encrypted", ES: "el servidor ya no ofrece %s: el correo hacia él ya no se puede cifrar"}
			}
			c.add(Change{Field: "extension", Kind: kind, Old: k, Meaning: formatBoth(m, k)})
		case !inX && inY:
			kind, m := Neutral, lang.Text{EN: "the server now offers %s", ES: "el servidor ahora ofrece %s"}
			if k == "STARTTLS" {
				kind = Better
				m = lang.Text{EN: "the server now offers %s: mail to it can be encrypted", ES: "el servidor ahora ofrece %s: el correo hacia él se puede cifrar"}
			}
			c.add(Change{Field: "extension", Kind: kind, New: k, Meaning: formatBoth(m, k)})
		case px != py:
			c.add(Change{Field: "extension", Kind: Neutral, Old: k + " " + px, New: k + " " + py,
				Meaning: formatBoth(lang.Text{EN: "the parameters of %s changed", ES: "cambiaron los parámetros de %s"}, k)})
		}
	}
}

func (c *comparer) auth(px, py string, inX, inY bool) {
	if inX && inY && strings.EqualFold(px, py) {
		return
	}
	m := lang.Text{EN: "the AUTH mechanisms offered changed", ES: "cambiaron los mecanismos de AUTH ofrecidos"}
	switch {
	case !inY:
		m = lang.Text{EN: "the server no longer offers AUTH on this connection", ES: "el servidor ya no ofrece AUTH en esta conexión"}
	case !inX:
		m = lang.Text{EN: "the server now offers AUTH on this connection", ES: "el servidor ahora ofrece AUTH en esta conexión"}
	}
	c.add(Change{Field: "auth", Kind: Neutral, Old: px, New: py, Meaning: m})
}

func (c *comparer) size(px, py string, inX, inY bool) {
	if px == py && inX == inY {
		return
	}
	x, _ := strconv.ParseInt(px, 10, 64)
	y, _ := strconv.ParseInt(py, 10, 64)
	// SIZE without a number, or 0, means no fixed limit (RFC 1870 §4).
	limit := func(n int64) int64 {
		if n == 0 {
			return 1 << 62
		}
		return n
	}
	kind := Better
	m := lang.Text{EN: "the largest message accepted grew from %s to %s", ES: "el mensaje más grande aceptado creció de %s a %s"}
	if limit(y) < limit(x) {
		kind = Worse
		m = lang.Text{EN: "the largest message accepted shrank from %s to %s: larger messages will be refused", ES: "el mensaje más grande aceptado bajó de %s a %s: se rechazarán los mensajes mayores"}
	}
	c.add(Change{Field: "size", Kind: kind, Old: sizeText(px, inX), New: sizeText(py, inY),
		Meaning: formatBoth(m, sizeText(px, inX), sizeText(py, inY))})
}

func sizeText(p string, offered bool) string {
	n, err := strconv.ParseInt(p, 10, 64)
	switch {
	case !offered:
		return "-"
	case err != nil || n == 0:
		return "∞"
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return strconv.FormatInt(n, 10) + " B"
}

// tlsRank orders protocol versions; unknown is below every version.
func tlsRank(v string) int {
	return map[string]int{"SSL 3.0": 1, "TLS 1.0": 2, "TLS 1.1": 3, "TLS 1.2": 4, "TLS 1.3": 5}[v]
}

func (c *comparer) tls(a, b *tlsreport.Report) {
	var va, vb string
	if a != nil {
		va = a.Version
	}
	if b != nil {
		vb = b.Version
	}
	if va != vb {
		kind := Neutral
		m := lang.Text{EN: "the TLS version changed from %s to %s", ES: "la versión de TLS pasó de %s a %s"}
		switch {
		case tlsRank(vb) > tlsRank(va):
			kind = Better
		case tlsRank(vb) < tlsRank(va):
			kind = Worse
		}
		switch {
		case vb == "":
			m = lang.Text{EN: "the session is no longer encrypted (it was %s)%.0s", ES: "la sesión ya no va cifrada (antes %s)%.0s"}
		case va == "":
			m = lang.Text{EN: "%.0sthe session is now encrypted with %s", ES: "%.0sla sesión ahora va cifrada con %s"}
		}
		c.add(Change{Field: "tls_version", Kind: kind, Old: dash(va), New: dash(vb), Meaning: formatBoth(m, dash(va), dash(vb))})
	}
	if a == nil || b == nil {
		return
	}
	if a.CipherSuite != b.CipherSuite && a.CipherSuite != "" && b.CipherSuite != "" {
		c.add(Change{Field: "cipher", Kind: Neutral, Old: a.CipherSuite, New: b.CipherSuite, Meaning: lang.Text{
			EN: "the cipher suite negotiated changed", ES: "cambió el conjunto de cifrado negociado",
		}})
	}
	if a.Verified != b.Verified {
		kind, m := Better, lang.Text{EN: "the certificate now verifies", ES: "el certificado ahora se verifica"}
		if !b.Verified {
			kind, m = Worse, lang.Text{EN: "the certificate no longer verifies: senders that check it will refuse to deliver", ES: "el certificado ya no se verifica: los remitentes que lo comprueban no entregarán"}
		}
		c.add(Change{Field: "tls_verified", Kind: kind, Old: strconv.FormatBool(a.Verified), New: strconv.FormatBool(b.Verified), Meaning: m})
	}
	if len(a.Chain) > 0 && len(b.Chain) > 0 {
		c.cert(a.Chain[0], b.Chain[0])
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cert compares the leaf certificates: a new thumbprint is a replaced
// certificate, explained by what else changed.
func (c *comparer) cert(x, y tlsreport.Cert) {
	if x.SHA256 == y.SHA256 {
		return
	}
	var en, es []string
	if x.Issuer != y.Issuer {
		en, es = append(en, "new issuer "+y.Issuer), append(es, "nuevo emisor "+y.Issuer)
	}
	if x.Subject != y.Subject {
		en, es = append(en, "new subject "+y.Subject), append(es, "nuevo sujeto "+y.Subject)
	}
	if !slices.Equal(x.SANs, y.SANs) {
		en, es = append(en, "names "+strings.Join(y.SANs, ", ")), append(es, "nombres "+strings.Join(y.SANs, ", "))
	}
	en = append(en, fmt.Sprintf("expires in %d days instead of %d", y.DaysToExpiry, x.DaysToExpiry))
	es = append(es, fmt.Sprintf("caduca en %d días en vez de %d", y.DaysToExpiry, x.DaysToExpiry))
	kind := Neutral
	switch {
	case y.NotAfter.After(x.NotAfter):
		kind = Better
	case y.NotAfter.Before(x.NotAfter):
		kind = Worse
	}
	c.add(Change{Field: "certificate", Kind: kind, Old: x.SHA256, New: y.SHA256, Meaning: lang.Text{
		EN: "certificate replaced: " + strings.Join(en, ", "),
		ES: "certificado sustituido: " + strings.Join(es, ", "),
	}})
}

// stepKey names a step with its occurrence: "rcpt", "rcpt 2".
func stepKeys(steps []session.Step) []string {
	n := map[session.StepName]int{}
	keys := make([]string, len(steps))
	for i, s := range steps {
		n[s.Name]++
		keys[i] = string(s.Name)
		if n[s.Name] > 1 {
			keys[i] += " " + strconv.Itoa(n[s.Name])
		}
	}
	return keys
}

func statusRank(s session.Status) int {
	switch s {
	case session.StatusOK:
		return 3
	case session.StatusWarning:
		return 2
	case session.StatusSkipped:
		return 1
	}
	return 0
}

func (c *comparer) steps(a, b []session.Step) {
	ka, kb := stepKeys(a), stepKeys(b)
	idx := map[string]int{}
	for i, k := range ka {
		idx[k] = i
	}
	for j, k := range kb {
		i, ok := idx[k]
		if !ok {
			continue
		}
		x, y := a[i], b[j]
		rx, ry := replyText(x.Reply), replyText(y.Reply)
		switch {
		case x.Status != y.Status:
			kind := Better
			m := lang.Text{EN: "%s now %s (was %s)", ES: "%s ahora %s (antes %s)"}
			if statusRank(y.Status) < statusRank(x.Status) {
				kind = Worse
			}
			c.add(Change{Field: "step", Kind: kind, Step: k, Old: stepShown(x, lang.EN), New: stepShown(y, lang.EN),
				Meaning: lang.Text{EN: fmt.Sprintf(m.EN, k, stepShown(y, lang.EN), stepShown(x, lang.EN)), ES: fmt.Sprintf(m.ES, k, stepShown(y, lang.ES), stepShown(x, lang.ES))}})
		case x.Reply != nil && y.Reply != nil && x.Reply.Code != y.Reply.Code:
			c.add(Change{Field: "step", Kind: Neutral, Step: k, Old: rx, New: ry,
				Meaning: formatBoth(lang.Text{EN: "%s: the reply code changed", ES: "%s: cambió el código de respuesta"}, k)})
		case rx != ry && rx != "" && ry != "" && x.Name != session.StepBanner && x.Name != session.StepEHLO:
			c.add(Change{Field: "step", Kind: Neutral, Step: k, Old: rx, New: ry,
				Meaning: formatBoth(lang.Text{EN: "%s: same code, different text", ES: "%s: mismo código, otro texto"}, k)})
		}
		c.timing(k, x, y)
	}
}

// statusWords are the step statuses as people read them.
var statusWords = map[session.Status]lang.Text{
	session.StatusOK:      {EN: "passes", ES: "pasa"},
	session.StatusWarning: {EN: "passes with a warning", ES: "pasa con un aviso"},
	session.StatusFailed:  {EN: "fails", ES: "falla"},
	session.StatusSkipped: {EN: "is skipped", ES: "se omite"},
}

func stepShown(s session.Step, l lang.Lang) string {
	out := statusWords[s.Status].In(l)
	if s.Reply != nil {
		out += " " + strconv.Itoa(s.Reply.Code)
	}
	return out
}

func (c *comparer) timing(k string, x, y session.Step) {
	d := y.DurationMS - x.DurationMS
	if d < 0 {
		d = -d
	}
	if d < slowFloorMS || (y.DurationMS < slowFactor*x.DurationMS && x.DurationMS < slowFactor*y.DurationMS) {
		return
	}
	kind, m := Worse, lang.Text{EN: "%s is slower: %.0f ms instead of %.0f ms", ES: "%s va más lento: %.0f ms en vez de %.0f ms"}
	if y.DurationMS < x.DurationMS {
		kind, m = Better, lang.Text{EN: "%s is faster: %.0f ms instead of %.0f ms", ES: "%s va más rápido: %.0f ms en vez de %.0f ms"}
	}
	c.add(Change{Field: "timing", Kind: kind, Step: k,
		Old: fmt.Sprintf("%.0f ms", x.DurationMS), New: fmt.Sprintf("%.0f ms", y.DurationMS),
		Meaning: formatBoth(m, k, y.DurationMS, x.DurationMS)})
}

func (c *comparer) verdict(a, b *session.Result) {
	var va, vb string
	if a.Verdict != nil {
		va = a.Verdict.Verdict
	}
	if b.Verdict != nil {
		vb = b.Verdict.Verdict
	}
	if va == vb && a.OK == b.OK {
		return
	}
	kind := Neutral
	switch {
	case a.OK && !b.OK:
		kind = Worse
	case !a.OK && b.OK:
		kind = Better
	}
	c.add(Change{Field: "verdict", Kind: kind, Old: dash(va), New: dash(vb), Meaning: formatBoth(lang.Text{
		EN: "the verdict changed from %s to %s (exit code %d, was %d)",
		ES: "el veredicto pasó de %s a %s (código de salida %d, antes %d)",
	}, dash(va), dash(vb), b.ExitCode, a.ExitCode)})
}

// formatBoth applies args to both languages of t.
func formatBoth(t lang.Text, args ...any) lang.Text {
	return lang.Text{EN: fmt.Sprintf(t.EN, args...), ES: fmt.Sprintf(t.ES, args...)}
}
