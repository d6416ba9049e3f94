package report

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
)

// seedProfile is the test of the Exchange telnet how-to: one recipient,
// DSN on success and failure, a subject and a short body.
func seedProfile() profile.Profile {
	p := profile.New("seed")
	p.Target = profile.Target{Host: "mail1.fabrikam.com", TLS: profile.TLSNone}
	p.Envelope = profile.Envelope{
		EHLO: "contoso.com",
		From: "chris@contoso.com",
		To:   []string{"kate@fabrikam.com"},
		DSN:  profile.DSN{Notify: []string{"success", "failure"}},
	}
	p.Message = profile.Message{Subject: "Test from Contoso", Body: "This is a test message.\n.starts with a dot\n.\n"}
	return p
}

// TestShellQuote feeds each quoted word to a real POSIX shell and checks
// that the shell hands the program exactly the original string.
func TestShellQuote(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no POSIX shell to check quoting against")
	}
	words := []string{
		"plain", "user@example.com", "", "two words", "it's", "'", "''", `"double"`, "$(touch /tmp/pwned)",
		"`id`", "$HOME", "a;b|c&d", "line1\nline2", "tab\there", "back\\slash", "*?[glob]", "~user", "#comment", "ñandú",
	}
	for _, w := range words {
		q := ShellQuote(w)
		out, err := exec.Command(sh, "-c", "printf '%s' "+q).Output()
		if err != nil {
			t.Errorf("sh rejected %s: %v", q, err)
			continue
		}
		if string(out) != w {
			t.Errorf("ShellQuote(%q) = %s, the shell read %q", w, q, out)
		}
	}
}

func TestSwaks(t *testing.T) {
	dsnNote := "# note: swaks has no DSN options (RFC 3461); NOTIFY=SUCCESS,FAILURE is not sent.\n"
	tests := []struct {
		name string
		lang lang.Lang
		mod  func(*profile.Profile)
		want string
	}{
		{"seed, no TLS", lang.EN, nil,
			dsnNote + `swaks --server mail1.fabrikam.com --from chris@contoso.com --to kate@fabrikam.com --helo contoso.com --header 'Subject: Test from Contoso' --body 'This is a test message.` + "\n" + `.starts with a dot` + "\n.\n" + `' --timeout 5m`},
		// RFC 5321 §4.5.5: the null reverse-path.
		{"null sender, MX lookup, opportunistic TLS", lang.EN, func(p *profile.Profile) {
			p.Target = profile.Target{}
			p.Envelope.From = ""
			p.Envelope.DSN = profile.DSN{}
			p.Message = profile.Message{}
		}, `swaks --from '<>' --to kate@fabrikam.com --helo contoso.com --tls-optional --timeout 5m`},
		// RFC 3207: STARTTLS required (verified, as the engine does); RFC
		// 4954 AUTH; RFC 2920 pipelining; the command timeout.
		{"starttls, auth, pipelining, headers, port, timeout", lang.EN, func(p *profile.Profile) {
			p.Target.TLS = profile.TLSStartTLS
			p.Target.Port = 587
			p.Target.CAFile = "/etc/ssl/our ca.pem"
			p.Target.TLSMin = "1.2"
			p.Envelope.To = append(p.Envelope.To, "o'brien@fabrikam.com")
			p.Envelope.DSN = profile.DSN{}
			p.Message = profile.Message{Subject: "it's $HOME", Headers: []profile.Header{{Name: "X-Test", Value: "1"}}}
			p.Auth = profile.Auth{Mechanism: "LOGIN", User: "chris@contoso.com", SecretRef: "ref"}
			p.Pipelining = true
			p.StopAfter = "rcpt"
			p.Timeouts = profile.Timeouts{Command: "90s"}
		}, `swaks --server mail1.fabrikam.com --port 587 --from chris@contoso.com --to 'kate@fabrikam.com,o'\''brien@fabrikam.com' --helo contoso.com --header 'Subject: it'\''s $HOME' --header 'X-Test: 1' --tls --tls-verify --tls-ca-path '/etc/ssl/our ca.pem' --tls-protocol no_tlsv1,no_tlsv1_1 --auth LOGIN --auth-user chris@contoso.com --auth-password '<PASSWORD>' --pipeline --quit-after RCPT --timeout 90s`},
		// RFC 8314: implicit TLS; skip-verify leaves swaks' default alone.
		{"implicit TLS, skip verify", lang.EN, func(p *profile.Profile) {
			p.Target.TLS = profile.TLSImplicit
			p.Target.InsecureSkipVerify = true
			p.Target.CAFile = "ca.pem"
			p.Envelope.DSN = profile.DSN{}
			p.Message = profile.Message{}
		}, `swaks --server mail1.fabrikam.com --from chris@contoso.com --to kate@fabrikam.com --helo contoso.com --tls-on-connect --timeout 5m`},
		// What swaks cannot do is said above the command, in the UI
		// language: BDAT (RFC 3030), DSN (RFC 3461), stop after DATA, and
		// the timeouts other than the command timeout.
		{"notes in Spanish", lang.ES, func(p *profile.Profile) {
			p.Target.TLS = profile.TLSNone
			p.Envelope.DSN = profile.DSN{Notify: []string{"failure"}, Ret: "hdrs", EnvID: "x1", ORCPT: true}
			p.Message = profile.Message{}
			p.Pipelining, p.Chunking = true, true
			p.StopAfter = "data"
			p.Timeouts = profile.Timeouts{Connect: "30s", Command: "2m", FinalDot: "2m", DataBlock: "150s"}
		}, "# nota: swaks no puede enviar con BDAT (CHUNKING, RFC 3030); este comando envía el mensaje con DATA.\n" +
			"# nota: swaks no tiene opciones DSN (RFC 3461); NOTIFY=FAILURE RET=HDRS ENVID ORCPT no se envía.\n" +
			"# nota: swaks no puede parar tras DATA; este comando para tras RCPT TO, así que tampoco sale ningún mensaje.\n" +
			"# nota: swaks tiene un solo --timeout para todas las esperas; se fija al de los comandos (2m). No se trasladan: conexión 30s, bloque del mensaje 150s.\n" +
			`swaks --server mail1.fabrikam.com --from chris@contoso.com --to kate@fabrikam.com --helo contoso.com --pipeline --quit-after RCPT --timeout 2m`},
		{"hostile values are made visible", lang.EN, func(p *profile.Profile) {
			p.Target.Host = "mx\u202Etest"
			p.Envelope.DSN = profile.DSN{}
			p.Message = profile.Message{Subject: "a\r\nBcc: x@y", Body: "ok\x1b[2J\tend"}
		}, `swaks --server 'mx\u{202E}test' --from chris@contoso.com --to kate@fabrikam.com --helo contoso.com --header 'Subject: a\r\nBcc: x@y' --body 'ok\x1B[2J` + "\t" + `end' --timeout 5m`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := seedProfile()
			if tt.mod != nil {
				tt.mod(&p)
			}
			if got := Swaks(p, tt.lang); got != tt.want {
				t.Errorf("Swaks =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestSwaksRunsInShell hands a command with notes to a real POSIX shell
// (swaks replaced by printf) and checks that the notes are comments and the
// arguments arrive as written.
func TestSwaksRunsInShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no POSIX shell")
	}
	p := seedProfile()
	p.Chunking = true
	cmd := Swaks(p, lang.EN)
	script := "swaks() { printf '%s|' \"$@\"; }\n" + cmd + "\n"
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, script)
	}
	if !strings.HasPrefix(string(out), "--server|mail1.fabrikam.com|") || !strings.HasSuffix(string(out), "|--timeout|5m|") ||
		strings.Contains(string(out), "note") {
		t.Errorf("the shell read %q", out)
	}
}

// TestTelnetScriptSeed checks the script of the seed how-to, in both
// languages, against golden files.
func TestTelnetScriptSeed(t *testing.T) {
	golden(t, "telnet-seed-en.txt", []byte(TelnetScript(seedProfile(), lang.EN)))
	golden(t, "telnet-seed-es.txt", []byte(TelnetScript(seedProfile(), lang.ES)))
}

// typed returns the lines a user types: the script without its notes.
func typed(script string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(script, "\n"), "\n") {
		if !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

func TestTelnetScript(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*profile.Profile)
		typed []string
		notes []string // substrings the notes must hold
	}{
		{"seed", nil, []string{
			"open mail1.fabrikam.com 25", "EHLO contoso.com", "MAIL FROM:<chris@contoso.com>",
			"RCPT TO:<kate@fabrikam.com> NOTIFY=SUCCESS,FAILURE", "DATA",
			"From: <chris@contoso.com>", "To: <kate@fabrikam.com>", "Subject: Test from Contoso", "",
			// RFC 5321 §4.5.2: lines starting with a dot get a second dot.
			"This is a test message.", "..starts with a dot", "..", ".", "QUIT",
		}, nil},
		// RFC 3461 §4.3, §4.4: RET and ENVID (xtext) on MAIL FROM.
		{"ret and envid", func(p *profile.Profile) {
			p.Envelope.DSN = profile.DSN{Ret: "hdrs", EnvID: "id+1 =x"}
			p.StopAfter = "mail"
		}, []string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "MAIL FROM:<chris@contoso.com> RET=HDRS ENVID=id+2B1+20+3Dx", "QUIT"}, nil},
		{"MX lookup note", func(p *profile.Profile) {
			p.Target.Host = ""
			p.StopAfter = "banner"
		}, []string{"open MX-HOST 25", "QUIT"}, []string{"fabrikam.com", "set type=mx"}},
		// RFC 3207: telnet cannot STARTTLS; openssl s_client can.
		{"starttls", func(p *profile.Profile) {
			p.Target.TLS = profile.TLSStartTLS
			p.Target.Port = 587
			p.StopAfter = "ehlo"
		}, []string{"openssl s_client -starttls smtp -name contoso.com -connect mail1.fabrikam.com:587 -crlf -ign_eof", "EHLO contoso.com", "QUIT"}, []string{"STARTTLS"}},
		{"opportunistic", func(p *profile.Profile) {
			p.Target.TLS = profile.TLSOpportunistic
			p.StopAfter = "banner"
		}, []string{"open mail1.fabrikam.com 25", "QUIT"}, []string{"openssl s_client -starttls smtp"}},
		// RFC 8314: implicit TLS on 465.
		{"implicit", func(p *profile.Profile) {
			p.Target.TLS = profile.TLSImplicit
			p.StopAfter = "banner"
		}, []string{"openssl s_client -connect mail1.fabrikam.com:465 -crlf -ign_eof", "QUIT"}, nil},
		// RFC 4616 PLAIN and the LOGIN mechanism: placeholders only.
		{"auth plain", func(p *profile.Profile) {
			p.Auth = profile.Auth{Mechanism: "PLAIN", User: "chris@contoso.com"}
			p.StopAfter = "mail"
		}, []string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "AUTH PLAIN " + PlainPlaceholder, "MAIL FROM:<chris@contoso.com>", "QUIT"}, []string{"base64"}},
		{"auth login", func(p *profile.Profile) {
			p.Auth = profile.Auth{Mechanism: "LOGIN", User: "chris@contoso.com"}
			p.StopAfter = "mail"
		}, []string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "AUTH LOGIN", "Y2hyaXNAY29udG9zby5jb20=", PasswordB64Placeholder, "MAIL FROM:<chris@contoso.com>", "QUIT"}, nil},
		{"auth cram-md5 cannot be typed", func(p *profile.Profile) {
			p.Auth = profile.Auth{Mechanism: "CRAM-MD5", User: "chris"}
			p.StopAfter = "mail"
		}, []string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "MAIL FROM:<chris@contoso.com>", "QUIT"}, []string{"CRAM-MD5"}},
		// RFC 5321 §4.1.1.4: after 354 only closing the connection avoids
		// delivery.
		{"stop after data", func(p *profile.Profile) { p.StopAfter = "data" },
			[]string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "MAIL FROM:<chris@contoso.com>", "RCPT TO:<kate@fabrikam.com> NOTIFY=SUCCESS,FAILURE", "DATA"}, []string{"354"}},
		{"stop after connect", func(p *profile.Profile) { p.StopAfter = "connect" },
			[]string{"open mail1.fabrikam.com 25"}, []string{"Ctrl+]"}},
		{"injection stays on one line", func(p *profile.Profile) {
			p.Envelope.To = []string{"a@b.test>\r\nRCPT TO:<evil@x.test"}
			p.StopAfter = "rcpt"
		}, []string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "MAIL FROM:<chris@contoso.com>", `RCPT TO:<a@b.test>\r\nRCPT TO:<evil@x.test> NOTIFY=SUCCESS,FAILURE`, "QUIT"}, nil},
		// RFC 2920 and RFC 3030: the app pipelines and chunks, the hand
		// does not; the typed lines stay one command at a time with DATA.
		// The timeouts are advice in the notes.
		{"pipelining, chunking and timeouts", func(p *profile.Profile) {
			p.Pipelining, p.Chunking = true, true
			p.Timeouts = profile.Timeouts{Command: "90s", FinalDot: "15m"}
			p.StopAfter = "rcpt"
		}, []string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "MAIL FROM:<chris@contoso.com>", "RCPT TO:<kate@fabrikam.com> NOTIFY=SUCCESS,FAILURE", "QUIT"},
			[]string{"RFC 2920", "PIPELINING", "BDAT", "RFC 3030", "90s", "15m"}},
		// RFC 6531: a UTF-8 address needs SMTPUTF8.
		{"smtputf8", func(p *profile.Profile) {
			p.Envelope.To = []string{"josé@fabrikam.com"}
			p.Envelope.DSN = profile.DSN{}
			p.StopAfter = "rcpt"
		}, []string{"open mail1.fabrikam.com 25", "EHLO contoso.com", "MAIL FROM:<chris@contoso.com> SMTPUTF8", "RCPT TO:<josé@fabrikam.com>", "QUIT"}, []string{"SMTPUTF8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := seedProfile()
			if tt.mod != nil {
				tt.mod(&p)
			}
			for _, l := range []lang.Lang{lang.EN, lang.ES} {
				s := TelnetScript(p, l)
				got := typed(s)
				if strings.Join(got, "\n") != strings.Join(tt.typed, "\n") {
					t.Errorf("%s: typed lines =\n%s\nwant\n%s", l, strings.Join(got, "\n"), strings.Join(tt.typed, "\n"))
				}
				for _, n := range tt.notes {
					if !strings.Contains(s, n) {
						t.Errorf("%s: script lacks %q:\n%s", l, n, s)
					}
				}
				if strings.ContainsAny(s, "\r\x00\x1b\u202E") {
					t.Errorf("%s: script holds a control or format character: %q", l, s)
				}
			}
		})
	}
}

// psEval evaluates a PowerShell expression of string literals joined by +,
// by PowerShell's quoting rules: '...' is literal with ” (or a doubled
// typographic single quote) for one quote; "..." may hold only the escape
// `0 (NUL), since anything else in double quotes ($, $(...), `) would be
// expanded or run. It fails on anything else.
func psEval(expr string) (string, error) {
	quotes := "'\u2018\u2019\u201A\u201B"
	rs := []rune(strings.TrimSpace(expr))
	var out strings.Builder
	for i := 0; i < len(rs); {
		switch c := rs[i]; {
		case c == ' ' || c == '+':
			i++
		case strings.ContainsRune(quotes, c):
			i++
			for {
				if i >= len(rs) {
					return "", fmt.Errorf("unterminated single-quoted string in %q", expr)
				}
				if strings.ContainsRune(quotes, rs[i]) {
					if i+1 < len(rs) && strings.ContainsRune(quotes, rs[i+1]) {
						out.WriteRune(rs[i])
						i += 2
						continue
					}
					i++
					break
				}
				out.WriteRune(rs[i])
				i++
			}
		case c == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if s := string(rs[i+1 : min(j, len(rs))]); j >= len(rs) || strings.Trim(s, "`0") != "" || strings.Count(s, "`0")*2 != len(s) {
				return "", fmt.Errorf("double-quoted string %q would be expanded by PowerShell", s)
			}
			out.WriteString(strings.Repeat("\x00", (j-i-1)/2))
			i = j + 1
		default:
			return "", fmt.Errorf("unexpected %q in %q", c, expr)
		}
	}
	return out.String(), nil
}

// TestTelnetPowerShellQuoted: the PowerShell line that computes the AUTH
// PLAIN payload keeps a hostile user name a literal (no $(...) runs, no
// variable is expanded) and yields the right bytes for RFC 4616 PLAIN.
func TestTelnetPowerShellQuoted(t *testing.T) {
	for _, user := range []string{"chris@contoso.com", "$(calc)", "a$b", "o'brien", "x\u2019;calc;\u2018", "`$env:USERNAME", `"; calc; "`} {
		p := seedProfile()
		p.Auth = profile.Auth{Mechanism: "PLAIN", User: user}
		for _, l := range []lang.Lang{lang.EN, lang.ES} {
			s := TelnetScript(p, l)
			const open = "[Text.Encoding]::UTF8.GetBytes("
			i := strings.Index(s, open)
			j := strings.Index(s, ")))")
			if i < 0 || j < i {
				t.Fatalf("%s %q: no PowerShell line:\n%s", l, user, s)
			}
			got, err := psEval(s[i+len(open) : j])
			want := "\x00" + user + "\x00" + map[lang.Lang]string{lang.EN: "PASSWORD", lang.ES: "CONTRASEÑA"}[l]
			if err != nil || got != want {
				t.Errorf("%s %q: PowerShell gives %q (%v), want %q", l, user, got, err, want)
			}
		}
	}
}

// TestTelnetOpenSSLQuoted: the openssl line keeps a hostile EHLO name or
// host one literal argument for both a POSIX shell and PowerShell: either
// bare host-name characters, a single-quoted string without quotes inside,
// or a placeholder.
func TestTelnetOpenSSLQuoted(t *testing.T) {
	for _, name := range []string{"contoso.com", "x';calc;'", "x\u2019;calc;\u2018", "$(calc)", "@args", "a,b"} {
		p := seedProfile()
		p.Envelope.EHLO, p.Target.Host, p.Target.TLS, p.StopAfter = name, name, profile.TLSStartTLS, "ehlo"
		s := TelnetScript(p, lang.EN)
		i := strings.Index(s, "openssl s_client -starttls smtp -name ")
		if i < 0 {
			t.Fatalf("%q: no openssl line:\n%s", name, s)
		}
		line := s[i : strings.IndexByte(s[i:], '\n')+i]
		f := strings.Fields(strings.TrimPrefix(line, "openssl s_client -starttls smtp -name "))
		for _, arg := range []string{f[0], f[2]} {
			v := arg
			if strings.HasPrefix(v, "'") {
				v = strings.TrimSuffix(strings.TrimPrefix(v, "'"), "'")
				if strings.ContainsAny(v, "'\u2018\u2019\u201A\u201B") {
					t.Errorf("%q: argument %s breaks out of its quotes", name, arg)
				}
			} else if strings.ContainsAny(v, "$@,;'`\"\u2018\u2019") {
				t.Errorf("%q: bare argument %s is special to PowerShell", name, arg)
			}
			if v != name && v != name+":25" && v != "EHLO-NAME" && v != "MX-HOST:25" {
				t.Errorf("%q: argument %s is neither the value nor a placeholder", name, arg)
			}
		}
	}
}
