package desktop

import (
	"encoding/json"
	"strings"
	"testing"

	"smtpprobe/backend/profile"
	"smtpprobe/backend/receiver"
)

const keyringSecret = "Kr-Sentinel-9d41"

// secureSetup starts a receiver offering STARTTLS (RFC 3207) with a
// self-signed certificate and AUTH (RFC 4954), and saves a profile whose
// password is remembered in the (in-memory) keyring.
func secureSetup(t *testing.T) (*Services, *receiver.Receiver, TestRequest, string) {
	t.Helper()
	r, host, port := startReceiver(t, receiver.Config{TLS: true, AuthUser: "relay@contoso.test", AuthPassword: keyringSecret, RequireAuth: true})
	a, _ := newTestApp(t)
	p := profile.New("Relay")
	p.Target = profile.Target{Host: host, Port: port, TLS: profile.TLSStartTLS}
	p.Envelope = profile.Envelope{From: "admin@fabrikam.test", To: []string{"user@contoso.test"}}
	p.Auth = profile.Auth{Mechanism: "PLAIN", User: "relay@contoso.test"}
	saved, err := a.Profiles.SaveProfile(p, keyringSecret, "en")
	if err != nil || saved.Warning != "" {
		t.Fatalf("SaveProfile = %+v, %v", saved, err)
	}
	req := baseRequest(host, port)
	req.TLS = "starttls"
	req.AuthMech, req.AuthUser = "PLAIN", "relay@contoso.test"
	req.ProfileID = saved.Profile.ID
	return a, r, req, saved.Profile.ID
}

// STARTTLS and AUTH PLAIN go through with the password read from the
// keyring by profile id; the certificate panel gets the handshake report;
// the password appears nowhere the frontend or an export can see.
func TestStartTestTLSAndAuthFromKeyring(t *testing.T) {
	a, r, req, _ := secureSetup(t)
	req.InsecureSkipVerify = true // the receiver's certificate is self-signed
	res, err := a.Sessions.StartTest("sec-1", req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.Runs) != 1 {
		t.Fatalf("result = %+v", res)
	}
	run := res.Runs[0]
	if run.TLS == nil || run.TLS.Version == "" || len(run.TLS.Chain) == 0 || run.TLS.Chain[0].SHA256 == "" {
		t.Fatalf("TLS report = %+v", run.TLS)
	}
	if run.TLS.Verified || run.TLS.Problem == nil || run.TLS.Problem.EN == "" || run.TLS.Problem.ES == "" {
		t.Errorf("a self-signed certificate must be reported as a problem in both languages: %+v", run.TLS)
	}
	var sawAuth, sawTLS bool
	for _, s := range run.Steps {
		sawAuth = sawAuth || (s.Name == "auth" && s.Status == "ok")
		// Skipping verification still warns about the certificate.
		sawTLS = sawTLS || (s.Name == "starttls" && (s.Status == "ok" || s.Status == "warning"))
	}
	if !sawAuth || !sawTLS {
		t.Errorf("steps = %+v", run.Steps)
	}
	if len(r.Messages()) != 1 {
		t.Errorf("receiver got %d messages", len(r.Messages()))
	}
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), keyringSecret) {
		t.Error("the keyring password reached the RunResult")
	}
	for _, f := range []string{"text", "html", "json", "raw"} {
		d := &recordingDialogs{dir: t.TempDir()}
		a.Exports.dialogs = d
		path, err := a.Exports.ExportResult("sec-1", f, "en")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(mustRead(t, path)), keyringSecret) {
			t.Errorf("the %s export holds the password", f)
		}
	}
}

// Required STARTTLS with a certificate that does not verify stops before
// AUTH (RFC 3207 §4.1: the client decides whether to go on); the reason
// is in the TLS report.
func TestStartTestTLSVerifyFailure(t *testing.T) {
	a, r, req, _ := secureSetup(t)
	rec := &recorder{}
	a.Sessions.emit = EmitFunc(rec.emit)
	res, err := a.Sessions.StartTest("sec-2", req)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || len(res.Runs) != 1 || res.Runs[0].TLS == nil || res.Runs[0].TLS.Problem == nil {
		t.Fatalf("result = %+v", res)
	}
	// The 220 to STARTTLS came before the handshake failed: the headline
	// and the step must blame TLS, not call the server fine because its
	// last reply was positive (it once said "Server reachable").
	run := res.Runs[0]
	if v := run.Verdict; v.Step != "starttls" || v.Severity == "ok" || v.Verdict == "server_reachable" || v.ExitCode != run.ExitCode {
		t.Errorf("verdict = %+v, exit code %d", v, run.ExitCode)
	}
	var final *StepDTO
	for i := range run.Steps {
		if run.Steps[i].Name == "starttls" {
			final = &run.Steps[i]
		}
	}
	if final == nil || final.Evaluation == nil || final.Evaluation.Class == "success" {
		t.Fatalf("starttls step = %+v", final)
	}
	// The live row shows the explanation the final result keeps.
	var live *StepDTO
	for _, e := range rec.named("session:sec-2:step") {
		if ev := e.data[0].(StepEvent); ev.Step.Name == "starttls" && ev.Step.Status != "running" {
			live = &ev.Step
		}
	}
	if live == nil || live.Evaluation == nil || live.Evaluation.Summary != final.Evaluation.Summary {
		t.Errorf("live starttls step = %+v, final %+v", live, final.Evaluation)
	}
	for _, s := range res.Runs[0].Steps {
		if s.Name == "auth" && s.Status == "ok" {
			t.Error("authenticated over a connection whose certificate failed")
		}
	}
	if len(r.Messages()) != 0 {
		t.Error("a message was delivered")
	}
}

// The remembered password is used only for the profile's own user, and a
// missing password is a field error before anything is sent.
func TestStartTestAuthPasswordRules(t *testing.T) {
	a, _, req, id := secureSetup(t)
	req.InsecureSkipVerify = true
	req.AuthUser = "other@contoso.test"
	res, err := a.Sessions.StartTest("sec-3", req)
	if err != nil || res.FieldErrors["password"] == "" || len(res.Transcript) != 0 {
		t.Errorf("another user with the profile's id = %+v, %v", res, err)
	}
	req.AuthUser, req.ProfileID = "relay@contoso.test", ""
	if res, _ := a.Sessions.StartTest("sec-4", req); res.FieldErrors["password"] == "" {
		t.Errorf("no profile and no password = %+v", res.FieldErrors)
	}
	req.ProfileID = "../" + id
	if res, _ := a.Sessions.StartTest("sec-5", req); res.FieldErrors["password"] == "" {
		t.Errorf("a malformed profile id = %+v", res.FieldErrors)
	}
	// A typed password wins over the remembered one.
	req.ProfileID, req.Password = id, "wrong"
	res, _ = a.Sessions.StartTest("sec-6", req)
	if res.OK || len(res.Runs) != 1 {
		t.Fatalf("typed wrong password = %+v", res)
	}
	if v := res.Runs[0].Verdict; v.Severity == "ok" {
		t.Errorf("verdict with a wrong password = %+v", v)
	}
}
