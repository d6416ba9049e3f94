package desktop

import (
	"encoding/json"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/diagnose"
	"smtpprobe/backend/mxlookup/dnstest"
	"smtpprobe/backend/receiver"
	"smtpprobe/backend/session"
	"smtpprobe/backend/transcript"
)

// startReceiver runs the built-in receiver (a go-smtp server) on a free
// loopback port for one test.
func startReceiver(t *testing.T, cfg receiver.Config) (*receiver.Receiver, string, int) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	r, err := receiver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	host, port, _ := net.SplitHostPort(r.Addr().String())
	p, _ := strconv.Atoi(port)
	return r, host, p
}

func baseRequest(host string, port int) TestRequest {
	return TestRequest{
		Lang: "en", Mode: "host", Host: host, Port: port, TLS: "none",
		EHLO: "probe.fabrikam.test", From: "admin@fabrikam.test", To: []string{"user@contoso.test"},
		Notify: []string{"success", "failure"}, Subject: "Prueba", Body: "Hola.\n.\nAdiós.",
		Headers: []Header{{Name: "X-Test", Value: "1"}},
	}
}

// streamed collects what the events carried, the way the frontend would;
// other counts the session's events the frontend has no listener for.
func streamed(t *testing.T, rec *recorder, id string) (entries []EntryDTO, steps []StepEvent, other int) {
	t.Helper()
	for _, ev := range rec.named("session:" + id + ":") {
		switch ev.name {
		case SessionEntries(id):
			entries = append(entries, ev.data[0].([]EntryDTO)...)
		case SessionStep(id):
			steps = append(steps, ev.data[0].(StepEvent))
		default:
			other++
		}
	}
	return
}

func TestStartTestFullSession(t *testing.T) {
	r, host, port := startReceiver(t, receiver.Config{})
	a, rec := newTestApp(t)
	res, err := a.Sessions.StartTest("s-1", baseRequest(host, port))
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.ExitCode != 0 || len(res.Runs) != 1 || res.Canceled {
		t.Fatalf("result = %+v", res)
	}
	run := res.Runs[0]
	if run.Verdict.Severity != "ok" {
		t.Errorf("verdict = %+v", run.Verdict)
	}
	names := []string{}
	for _, s := range run.Steps {
		names = append(names, string(s.Name))
		if s.Status != "ok" && s.Status != "skipped" {
			t.Errorf("step %s: %s (%s)", s.Name, s.Status, s.Error)
		}
		if s.Reply != nil && (s.Evaluation == nil || s.Evaluation.Summary.EN == "" || s.Evaluation.Summary.ES == "") {
			t.Errorf("step %s has a reply but no bilingual explanation", s.Name)
		}
		if s.OffsetMS < 0 {
			t.Errorf("step %s starts before the session", s.Name)
		}
	}
	for _, want := range []string{"connect", "banner", "ehlo", "mail", "rcpt", "data", "data_end", "quit"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("no %s step in %v", want, names)
		}
	}
	// The receiver got exactly the message, dot-stuffing undone (RFC 5321 §4.5.2).
	msgs := r.Messages()
	if len(msgs) != 1 || !strings.Contains(string(msgs[0].Body), "Hola.\r\n.\r\nAdiós.") {
		t.Fatalf("received %+v", msgs)
	}
	if got := msgs[0].Envelope.Rcpts[0].Params["NOTIFY"]; got != "" && !strings.EqualFold(got, "SUCCESS,FAILURE") {
		t.Errorf("NOTIFY = %q", got)
	}

	// What streamed matches the authoritative result, line for line.
	// The result is StartTest's return value: no "done" event, which
	// nothing listened to, nor any other unlistened one.
	entries, steps, other := streamed(t, rec, "s-1")
	if other != 0 {
		t.Errorf("%d events besides entries and step", other)
	}
	if len(entries) != len(res.Transcript) || len(entries) == 0 {
		t.Fatalf("streamed %d lines, result has %d", len(entries), len(res.Transcript))
	}
	for i := range entries {
		if entries[i] != res.Transcript[i] {
			t.Fatalf("line %d streamed %+v, result %+v", i, entries[i], res.Transcript[i])
		}
	}
	last := map[int]StepEvent{}
	for _, ev := range steps {
		last[ev.Index] = ev
	}
	if len(last) != len(run.Steps) {
		t.Fatalf("streamed %d steps, result has %d", len(last), len(run.Steps))
	}
	for i, s := range run.Steps {
		if last[i].Step.Name != s.Name || last[i].Step.Status != s.Status {
			t.Errorf("step %d streamed as %s/%s, result %s/%s", i, last[i].Step.Name, last[i].Step.Status, s.Name, s.Status)
		}
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(res.JSON), &raw); err != nil || raw["ok"] != true {
		t.Errorf("JSON export = %.200s (%v)", res.JSON, err)
	}
}

// A rejected recipient (RFC 5321 §4.2.2 550, RFC 3463 5.1.1) is explained in
// Spanish, and the other recipient still gets the message.
func TestStartTestRejectedRecipientSpanish(t *testing.T) {
	_, host, port := startReceiver(t, receiver.Config{RejectRcpt: regexp.MustCompile(`^nadie@`)})
	a, _ := newTestApp(t)
	req := baseRequest(host, port)
	req.Lang = "es"
	req.To = []string{"nadie@contoso.test", "user@contoso.test"}
	res, err := a.Sessions.StartTest("s-2", req)
	if err != nil {
		t.Fatal(err)
	}
	var rejected *StepDTO
	for i, s := range res.Runs[0].Steps {
		if s.Name == "rcpt" && s.Recipient == "nadie@contoso.test" {
			rejected = &res.Runs[0].Steps[i]
		}
	}
	if rejected == nil || rejected.Status != "failed" || rejected.Reply == nil || rejected.Reply.Code != 550 || rejected.Reply.Enhanced != "5.1.1" {
		t.Fatalf("rejected step = %+v", rejected)
	}
	ev := rejected.Evaluation
	if ev == nil || ev.Summary.ES == "" || ev.Summary.ES == ev.Summary.EN {
		t.Fatalf("no Spanish explanation: %+v", ev)
	}
	if len(res.Runs[0].Verdict.Rejected) != 1 {
		t.Errorf("verdict = %+v", res.Runs[0].Verdict)
	}
	if res.ExitCode == 0 {
		t.Error("exit code 0 with a rejected recipient")
	}
}

func TestStartTestStopAfterRcptSendsNothing(t *testing.T) {
	r, host, port := startReceiver(t, receiver.Config{})
	a, _ := newTestApp(t)
	req := baseRequest(host, port)
	req.StopAfter = "rcpt"
	res, err := a.Sessions.StartTest("s-3", req)
	if err != nil || !res.OK {
		t.Fatalf("result = %+v, %v", res, err)
	}
	if n := len(r.Messages()); n != 0 {
		t.Fatalf("verify-only run delivered %d messages", n)
	}
}

func TestStartTestCancel(t *testing.T) {
	// A tarpit: accepts and never sends its banner. It reports when the
	// client closes the connection.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	closed := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				close(closed)
				return
			}
		}
	}()
	host, portStr, _ := net.SplitHostPort(ln.Addr().String())
	port, _ := strconv.Atoi(portStr)
	a, rec := newTestApp(t)
	done := make(chan RunResult, 1)
	go func() {
		res, err := a.Sessions.StartTest("s-4", baseRequest(host, port))
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	waitFor(t, "the banner step to start", func() bool {
		for _, ev := range rec.named("session:s-4:step") {
			if ev.data[0].(StepEvent).Step.Name == "banner" {
				return true
			}
		}
		return false
	})
	a.Sessions.CancelTest("s-4")
	select {
	case res := <-done:
		if !res.Canceled || res.OK {
			t.Fatalf("result = %+v", res)
		}
	case <-time.After(5 * time.Second): // hang guard only
		t.Fatal("StartTest did not return after CancelTest")
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second): // hang guard only
		t.Fatal("the server never saw the connection close")
	}
	a.Sessions.CancelTest("s-4") // finished: harmless
	a.Sessions.CancelTest("unknown")
}

func TestStartTestInputErrorsSendNothing(t *testing.T) {
	r, host, port := startReceiver(t, receiver.Config{})
	a, rec := newTestApp(t)
	for name, tc := range map[string]struct {
		mutate func(*TestRequest)
		field  string
	}{
		"CRLF in sender (RFC 5321 §4.1.1 injection)": {func(q *TestRequest) { q.From = "a@b.test\r\nRCPT TO:<x@y.test>" }, "from"},
		"recipient without @":                        {func(q *TestRequest) { q.To = []string{"nobody"} }, "to"},
		"EHLO name with space":                       {func(q *TestRequest) { q.EHLO = "bad name" }, "ehlo"},
		"unknown TLS mode":                           {func(q *TestRequest) { q.TLS = "sometimes" }, "tls"},
		"AUTH without a password (RFC 4954)":         {func(q *TestRequest) { q.AuthMech = "PLAIN"; q.AuthUser = "u" }, "password"},
		"AUTH user with CRLF":                        {func(q *TestRequest) { q.AuthMech = "LOGIN"; q.AuthUser = "u\r\nQUIT"; q.Password = "p" }, "authUser"},
		"unknown AUTH mechanism":                     {func(q *TestRequest) { q.AuthMech = "NTLM"; q.AuthUser = "u"; q.Password = "p" }, "authMech"},
		"no server typed":                            {func(q *TestRequest) { q.Host = "" }, "host"},
	} {
		t.Run(name, func(t *testing.T) {
			req := baseRequest(host, port)
			req.Lang = "es"
			tc.mutate(&req)
			res, err := a.Sessions.StartTest("bad-"+strconv.Itoa(len(rec.named(""))), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != 2 || res.FieldErrors[tc.field] == "" {
				t.Fatalf("result = %+v", res)
			}
		})
	}
	if n := len(r.Connections()); n != 0 {
		t.Fatalf("invalid input opened %d connections", n)
	}
	if _, err := a.Sessions.StartTest("../x", baseRequest(host, port)); err == nil {
		t.Error("hostile session id accepted")
	}
}

// Every MX (RFC 5321 §5.1): two MX hosts from a real DNS server on loopback,
// both pointing at the receiver, give one run per host.
func TestStartTestEveryMX(t *testing.T) {
	r, host, port := startReceiver(t, receiver.Config{})
	dns, err := dnstest.Start(
		"contoso.test. 300 IN MX 10 mx1.contoso.test.",
		"contoso.test. 300 IN MX 20 mx2.contoso.test.",
		"mx1.contoso.test. 300 IN A "+host,
		"mx2.contoso.test. 300 IN A "+host,
	)
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	a, rec := newTestApp(t)
	req := baseRequest("", port)
	req.Mode = "all"
	req.Domain = "contoso.test"
	req.DNSServer = dns.Addr()
	req.StopAfter = "rcpt"
	res, err := a.Sessions.StartTest("s-all", req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 2 || res.Runs[0].Host != "mx1.contoso.test" || res.Runs[1].Host != "mx2.contoso.test" || !res.OK {
		t.Fatalf("runs = %+v", res.Runs)
	}
	hosts := map[string]bool{}
	for _, e := range res.Transcript {
		hosts[e.Host] = true
	}
	if !hosts["mx1.contoso.test"] || !hosts["mx2.contoso.test"] {
		t.Errorf("transcript hosts = %v", hosts)
	}
	if n := len(r.Connections()); n != 2 {
		t.Errorf("receiver saw %d connections, want 2", n)
	}
	// The live events name each host from its first step on, so the grid
	// shows names while the run goes, with the same keys as the result.
	entries, steps, _ := streamed(t, rec, "s-all")
	live := map[string]int{}
	first := map[string]string{}
	for _, ev := range steps {
		live[ev.Host]++
		if ev.Index == 0 && ev.Step.Status != "running" {
			first[ev.Host] = ev.Step.Name
		}
	}
	if live["mx1.contoso.test"] == 0 || live["mx2.contoso.test"] == 0 || len(live) != 3 { // "" is the shared resolve step
		t.Errorf("step events per host = %v", live)
	}
	// Each host's live list starts with the MX lookup they share, as in
	// the final result, so the grid has no nameless row once hosts are known.
	for _, h := range []string{"mx1.contoso.test", "mx2.contoso.test"} {
		if first[h] != "resolve" {
			t.Errorf("live list of %s starts with %q, want resolve", h, first[h])
		}
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Host, "#") {
			t.Errorf("a streamed line is keyed %q: %q", e.Host, e.Text)
			break
		}
	}
}

// The typed domain, not the recipient's, decides the MX hosts: admins test
// an address against a smart host's or a migration target's servers.
func TestStartTestTypedDomainDecidesMX(t *testing.T) {
	_, host, port := startReceiver(t, receiver.Config{})
	dns, err := dnstest.Start(
		"relay.test. 300 IN MX 10 smtp.relay.test.",
		"smtp.relay.test. 300 IN A "+host,
	)
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	a, _ := newTestApp(t)
	req := baseRequest("", port)
	req.Mode = "mx"
	req.Domain = "relay.test"
	req.DNSServer = dns.Addr()
	res, err := a.Sessions.StartTest("s-dom", req)
	if err != nil || !res.OK || res.Runs[0].Host != "smtp.relay.test" {
		t.Fatalf("result = %+v, %v", res, err)
	}
	for _, q := range dns.Queries() {
		if strings.Contains(q.Name, "contoso") {
			t.Errorf("asked DNS about the recipient's domain: %+v", q)
		}
	}
}

// BenchmarkStreamer measures the cost the engine pays per transcript line.
func BenchmarkStreamerEntry(b *testing.B) {
	st := newStreamer(EmitFunc(func(string, ...any) {}), "b", time.Now())
	go st.run()
	defer st.stop()
	e := baseEntry()
	b.ReportAllocs()
	for b.Loop() {
		st.entry(-1, e)
	}
}

func baseEntry() transcript.Entry {
	return transcript.Entry{Seq: 1, Dir: transcript.Client, Text: "RCPT TO:<user@contoso.test>"}
}

// Every MX: the shared lookup's explanation may come after the hosts have
// started streaming (session.Options.OnStep explains steps beside the
// session). The late event replaces the lookup's row, by step ID, in the
// shared list and in each started host's list, instead of adding a row.
func TestStreamerLateSharedStep(t *testing.T) {
	rec := &recorder{}
	st := newStreamer(EmitFunc(rec.emit), "late", now())
	ev := &diagnose.Evaluation{Step: "resolve", Rule: "test.late"}
	st.step(-1, session.Step{ID: 1, Name: session.StepResolve, Status: session.StatusRunning})
	st.step(0, session.Step{ID: 2, Name: session.StepConnect, Host: "mx1.contoso.test", Status: session.StatusRunning})
	st.step(-1, session.Step{ID: 1, Name: session.StepResolve, Status: session.StatusWarning, Diagnosis: ev})
	st.step(1, session.Step{ID: 2, Name: session.StepConnect, Host: "mx2.contoso.test", Status: session.StatusRunning})
	st.flush(true)

	last := map[string]map[int]StepEvent{}
	for _, e := range rec.named("session:late:step") {
		se := e.data[0].(StepEvent)
		if last[se.Host] == nil {
			last[se.Host] = map[int]StepEvent{}
		}
		last[se.Host][se.Index] = se
	}
	for h, n := range map[string]int{"": 1, "mx1.contoso.test": 2, "mx2.contoso.test": 2} {
		rows := last[h]
		if r := rows[0]; r.Step.Name != "resolve" || r.Step.Status != "warning" || r.Step.Evaluation != ev {
			t.Errorf("host %q row 0 = %+v, want the late resolve with its explanation", h, r.Step)
		}
		if len(rows) != n || (n == 2 && rows[1].Step.Name != "connect") {
			t.Errorf("host %q rows %+v, want %d", h, rows, n)
		}
	}
}
