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
	return runCmdStdin(t, "", args...)
}

// runCmdStdin runs the CLI with stdin as what explain reads from standard
// input (not a terminal).
func runCmdStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	oldIn, oldTerm := explainStdin, stdinIsTerminal
	explainStdin, stdinIsTerminal = strings.NewReader(stdin), func() bool { return false }
	defer func() { explainStdin, stdinIsTerminal = oldIn, oldTerm }()
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

// TestExplainBounce: a bounce pasted as an argument or on standard input;
// the reply is taken out of its decoration and its step from the wording.
func TestExplainBounce(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	postfix := "<u@fabrikam.com>: host mx.fabrikam.com[192.0.2.25] said: 550 5.1.1\n" +
		"    <u@fabrikam.com>: Recipient address rejected: User unknown in virtual\n" +
		"    mailbox table (in reply to RCPT TO command)\n"
	dsn := "Final-Recipient: rfc822; a@fabrikam.com\nAction: failed\nStatus: 5.1.1\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <a@fabrikam.com>: Recipient address rejected: User unknown\n\n" +
		"Final-Recipient: rfc822; b@fabrikam.com\nAction: failed\nStatus: 4.2.2\n" +
		"Diagnostic-Code: smtp; 452 4.2.2 <b@fabrikam.com>: Mailbox full\n"
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string
		not   []string
	}{
		{"Exchange NDR line as an argument", "",
			[]string{"explain", "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'"},
			[]string{"550 5.1.1", "  550 5.1.1 RESOLVER.ADR.RecipNotFound; not found\n", "Severity: error (permanent failure)"},
			[]string{"Remote Server", "not found'", "Reply 1 of"}},
		{"Exchange 2007 form, unquoted words", "",
			[]string{"explain", "Remote", "server", "returned", "'<user@contoso.com>", "#550", "5.1.1", "RESOLVER.ADR.RecipNotFound;", "not", "found'"},
			[]string{"  550 5.1.1 RESOLVER.ADR.RecipNotFound; not found\n"}, nil},
		{"Postfix bounce on stdin: step from the bounce", postfix, []string{"explain"},
			[]string{"  550 5.1.1 <u@fabrikam.com>: Recipient address rejected: User unknown in virtual mailbox table\n", "Answer to: rcpt (as the bounce says)"},
			[]string{"in reply to"}},
		{"- reads stdin, Spanish", postfix, []string{"explain", "-", "--lang", "es"},
			[]string{"Respuesta a: rcpt (según el rebote)", "Posibles motivos del error:"}, nil},
		{"--step wins over the bounce", postfix, []string{"explain", "--step", "data"},
			[]string{"550 5.1.1"}, []string{"Answer to:"}},
		{"a DSN with two recipients: each reply explained", dsn, []string{"explain"},
			[]string{"== Reply 1 of 2 ==", "== Reply 2 of 2 ==", "  550 5.1.1 <a@fabrikam.com>", "  452 4.2.2 <b@fabrikam.com>: Mailbox full", "temporary failure"}, nil},
		{"Exim, multi-line reply with prefixes", "    SMTP error from remote mail server after RCPT TO:<x@gmail.com>:\n" +
			"    550-5.1.1 The email account that you tried to reach does not exist. Please try\n" +
			"    550 5.1.1 double-checking the recipient's email address - gsmtp\n", []string{"explain"},
			[]string{"  550-5.1.1 The email account", "  550 5.1.1 double-checking", "Server software (guessed): Gmail", "Answer to: rcpt"}, nil},
		{"reply pasted without the 550- prefixes", "550 5.1.1 The email account that you tried to reach does not exist. Please try\ndouble-checking the recipient's email address for typos or\nunnecessary spaces.\n",
			[]string{"explain"}, []string{"Please try double-checking the recipient's email address for typos or unnecessary spaces."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmdStdin(t, tt.stdin, tt.args...)
			if code != exitcode.OK {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}

	t.Run("JSON: one object for one reply, an array for several", func(t *testing.T) {
		code, out, _ := runCmdStdin(t, dsn, "explain", "--json")
		var many []struct {
			Code     int    `json:"code"`
			Enhanced string `json:"enhanced"`
			Class    string `json:"class"`
		}
		if err := json.Unmarshal([]byte(out), &many); code != exitcode.OK || err != nil || len(many) != 2 ||
			many[0].Code != 550 || many[1].Enhanced != "4.2.2" || many[1].Class != "transient" {
			t.Fatalf("exit %d, %v: %+v\n%s", code, err, many, out)
		}
		code, out, _ = runCmdStdin(t, postfix, "explain", "--json")
		var one struct {
			Step string `json:"step"`
			Code int    `json:"code"`
		}
		if err := json.Unmarshal([]byte(out), &one); code != exitcode.OK || err != nil || one.Step != "rcpt" || one.Code != 550 {
			t.Fatalf("exit %d, %v: %+v\n%s", code, err, one, out)
		}
	})
}

func TestExplainStdinErrors(t *testing.T) {
	tests := []struct {
		name, stdin, wantErr string
	}{
		{"empty", "", "give the reply"},
		{"blank", " \n\n", "give the reply"},
		{"no reply in the text", "Your message could not be delivered.\nSorry.\n", "no SMTP reply"},
		{"more than 64 KiB", "550 5.1.1 x\n" + strings.Repeat("a", 64<<10), "more than 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmdStdin(t, tt.stdin, "explain")
			if code != exitcode.Usage || out != "" || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, tt.wantErr)
			}
		})
	}
}
