package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"smtpprobe/backend/exitcode"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExplainText(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"seed RCPT 550 5.1.1 in Spanish, flags after the reply",
			[]string{"explain", "550 5.1.1 User unknown", "--step", "rcpt", "--lang", "es"},
			[]string{"550 5.1.1  El destinatario no existe", "Posibles motivos del error:", "El destinatario especificado no existe en la organización.", "Significado:", "5.1.1: Dirección de buzón de destino incorrecta", "Gravedad: error (error permanente)"}},
		{"seed MAIL 530 5.7.1 in English",
			[]string{"explain", "--step=mail", "530 5.7.1 Client was not authenticated"},
			[]string{"Client was not authenticated", "Likely causes:", "Hub Transport", "What to try next:", "References: RFC 4954 §6"}},
		{"language from the environment",
			[]string{"explain", "221 2.0.0 Service closing transmission channel", "-step", "quit"},
			[]string{"Service closing transmission channel", "Severity: ok (success)"}},
		{"unquoted words are one line",
			[]string{"explain", "550", "5.7.57", "Client", "not", "authenticated"},
			[]string{"550 5.7.57  Client not authenticated to send mail (Microsoft 365)", "550 5.7.57 Client not authenticated"}},
		{"multi-line reply as one argument per line, software guessed from gsmtp",
			[]string{"explain", "550-5.7.1 [192.0.2.7] The IP you're using to send mail is not authorized to", "550 5.7.1 send email directly to our servers. - gsmtp"},
			[]string{"Gmail: this IP may not send directly", "Server software (guessed): Gmail", "  550-5.7.1 [192.0.2.7]"}},
		{"multi-line reply in one argument with CRLF",
			[]string{"explain", "--lang=es", "450-4.2.0 <bob@example.net>: Recipient address rejected:\r\n450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/example.net.html\r\n"},
			[]string{"Lista gris", "un servidor de correo real reintenta"}},
		{"software flag narrows the explanation",
			[]string{"explain", "--software", "exchange", "--step", "rcpt", "550 5.7.1 Unable to relay"},
			[]string{"this Exchange server", "Ms-Exch-SMTP-Accept-Any-Recipient"}},
		{"auth flag narrows the explanation",
			[]string{"explain", "--auth", "554 5.7.1 <x@other.example>: Relay access denied"},
			[]string{"Relaying refused even though you authenticated"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tt.args...)
			if code != exitcode.OK {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestExplainJSON(t *testing.T) {
	code, out, errOut := runCmd(t, "explain", "--json", "--lang", "es", "--step", "ehlo", "501 5.5.4 Invalid domain name")
	if code != exitcode.OK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got struct {
		Step       string   `json:"step"`
		Class      string   `json:"class"`
		Code       int      `json:"code"`
		Enhanced   string   `json:"enhanced"`
		Severity   string   `json:"severity"`
		Summary    string   `json:"summary"`
		Meaning    string   `json:"meaning"`
		Causes     []string `json:"causes"`
		Actions    []string `json:"actions"`
		References []string `json:"references"`
		Rule       string   `json:"rule"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if got.Class != "permanent" || got.Code != 501 || got.Enhanced != "5.5.4" || got.Severity != "error" || got.Rule != "seed.ehlo.501.5.5.4" {
		t.Errorf("unexpected %+v", got)
	}
	if got.Summary != "Nombre de dominio no válido en EHLO" || len(got.Causes) != 2 || got.Causes[0] != "Existen caracteres no válidos en el nombre de dominio." {
		t.Errorf("Spanish text wrong: %+v", got)
	}
	if !strings.Contains(got.Meaning, "501:") || !strings.Contains(got.Meaning, "5.5.4:") || len(got.Actions) == 0 || len(got.References) == 0 {
		t.Errorf("incomplete: %+v", got)
	}
}

func TestExplainErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no reply", []string{"explain"}, "give the reply"},
		{"only flags", []string{"explain", "--json"}, "give the reply"},
		{"not a reply", []string{"explain", "hello world"}, "three-digit reply code"},
		{"invalid code (RFC 5321 §4.2)", []string{"explain", "650 x"}, "not an SMTP reply code"},
		{"codes differ", []string{"explain", "550-a", "551 b"}, "differs"},
		{"bad language", []string{"explain", "--lang", "fr", "550 x"}, "unsupported language"},
		{"bad step", []string{"explain", "--step", "rcpt\x1b[2J", "550 x"}, `unknown step "rcpt\x1B[2J"`},
		{"bad software", []string{"explain", "--software", "qmail", "550 x"}, "unknown server software"},
		{"unknown flag", []string{"explain", "--verbose", "550 x"}, "flag provided but not defined"},
		{"too big", []string{"explain", "550 " + strings.Repeat("x", 70000)}, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tt.args...)
			if code != exitcode.Usage {
				t.Errorf("exit %d, want %d", code, exitcode.Usage)
			}
			if out != "" {
				t.Errorf("nothing may go to stdout on error, got %q", out)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
			if strings.ContainsRune(errOut, 0x1b) {
				t.Errorf("stderr echoes raw control bytes: %q", errOut)
			}
		})
	}
}

func TestExplainHostileReplyIsEscaped(t *testing.T) {
	code, out, _ := runCmd(t, "explain", "550 5.1.1 \x1b[2J\u202eevil")
	if code != exitcode.OK {
		t.Fatalf("exit %d", code)
	}
	if strings.ContainsRune(out, 0x1b) || strings.ContainsRune(out, 0x202e) {
		t.Errorf("raw control characters reached the terminal: %q", out)
	}
}

func TestExplainHelp(t *testing.T) {
	code, _, errOut := runCmd(t, "explain", "-h")
	if code != exitcode.OK || !strings.Contains(errOut, "Usage: smtpprobe explain") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
