package main

import (
	"strings"
	"testing"

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
