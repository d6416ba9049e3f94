package main

import (
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"smtpprobe/backend/exitcode"
	"smtpprobe/backend/profile"
)

// TestSendProfileTLSAndDSN runs a profile with the TLS and DSN options the
// app saves (CA file, minimum TLS version, skip-verify, ORCPT, force DSN)
// and checks that --save-profile keeps them.
func TestSendProfileTLSAndDSN(t *testing.T) {
	addr, _, _ := startSendServer(t) // offers no DSN: force_dsn must send RET, ENVID and ORCPT anyway
	_, caFile := selfSignedLoopback(t)
	dir, _ := saveTestProfile(t, addr, func(p *profile.Profile) {
		p.Target.CAFile, p.Target.TLSMin, p.Target.InsecureSkipVerify = caFile, "1.2", true
		p.Envelope.DSN = profile.DSN{Ret: "hdrs", EnvID: "QQ314159", ORCPT: true, Force: true}
	})
	code, out, errOut := runSendCLI("--profile", "Contoso to Fabrikam", "--profile-dir", dir, "--json",
		"--save-profile", "Copy", "--stop-after", "rcpt")
	// The server refuses the forced parameters, which is what forcing is for.
	if code != exitcode.Permanent {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	got := sentCommands(decodeResult(t, out))
	if len(got) < 2 || !strings.Contains(got[1], " RET=HDRS") || !strings.Contains(got[1], " ENVID=QQ314159") {
		t.Errorf("commands %q", got)
	}
	flags := map[string]string{}
	for _, kv := range profileFlags(profile.Profile{Target: profile.Target{CAFile: caFile, TLSMin: "1.2", InsecureSkipVerify: true},
		Envelope: profile.Envelope{DSN: profile.DSN{ORCPT: true, Force: true}}}) {
		flags[kv.name] = kv.value
	}
	if flags["ca-file"] != caFile || flags["tls-min"] != "1.2" || flags["insecure-skip-verify"] != "true" || flags["orcpt"] != "true" || flags["force-dsn"] != "true" {
		t.Errorf("profileFlags = %v", flags)
	}
	entries, err := profile.NewStore(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	var saved *profile.Profile
	for _, e := range entries {
		if e.Profile != nil && e.Profile.Name == "Copy" {
			saved = e.Profile
		}
	}
	if saved == nil {
		t.Fatalf("no profile saved: %+v", entries)
	}
	if tg, d := saved.Target, saved.Envelope.DSN; tg.CAFile != caFile || tg.TLSMin != "1.2" || !tg.InsecureSkipVerify || !d.ORCPT || !d.Force || d.Ret != "hdrs" || d.EnvID != "QQ314159" {
		t.Errorf("saved target %+v dsn %+v", tg, d)
	}
}

// TestSendProfileTLSAndRememberedPassword: a profile's TLS mode and AUTH
// user are used by send, with the password the app remembered in the OS
// keyring (go-keyring's in-memory mock here), never for another user; and
// --save-profile keeps TLS mode and AUTH user.
func TestSendProfileTLSAndRememberedPassword(t *testing.T) {
	keyring.MockInit()
	addr, caFile := startTLSAuthServer(t)
	dir, saved := saveTestProfile(t, addr, func(p *profile.Profile) {
		p.Target.TLS, p.Target.CAFile = profile.TLSStartTLS, caFile
		p.Auth = profile.Auth{Mechanism: "PLAIN", User: sentinelUser}
	})
	if err := profile.NewStore(dir).SetSecret(saved.ID, sentinelPass); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runSendCLI("--profile", saved.ID, "--profile-dir", dir, "--lang", "en", "--save-profile", "Copy")
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"C: STARTTLS", "AUTH PLAIN", "235", "certificate verified"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range sentinelForms() {
		if strings.Contains(out+errOut, f) {
			t.Fatalf("secret form %q shown", f)
		}
	}
	entries, err := profile.NewStore(dir).List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Profile != nil && e.Profile.Name == "Copy" {
			if p := e.Profile; p.Target.TLS != profile.TLSStartTLS || p.Auth.User != sentinelUser || p.Auth.Mechanism != "PLAIN" || p.Auth.SecretRef != "" {
				t.Errorf("saved copy target %+v auth %+v", p.Target, p.Auth)
			}
		}
	}

	// Another user on the command line: the remembered password is not
	// theirs, so it is not sent (no terminal here: a usage error).
	code, out, errOut = runSendCLI("--profile", saved.ID, "--profile-dir", dir, "--auth-user", "other@contoso.test")
	if code != exitcode.Usage || strings.Contains(out, "AUTH") {
		t.Errorf("other user: exit %d\n%s\n%s", code, out, errOut)
	}
}
