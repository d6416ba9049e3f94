package hostile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smtpprobe/backend/internal/scriptserver"
	"smtpprobe/backend/internal/testcerts"
	"smtpprobe/backend/mxlookup/dnstest"
)

// catalogue is the set of English phrases SMTP Probe itself says: the EN
// side of every {EN: ..., ES: ...} literal in the module's Go source (split
// at format verbs, so "%s: no answer within %s" gives "no answer within"),
// and the "en" side of the diagnose knowledge files. Phrases shorter than
// three words, or also present on their Spanish side (protocol tokens, RFC
// numbers), are left out.
var catalogue struct {
	once    sync.Once
	phrases []string
	err     error
}

var formatVerb = regexp.MustCompile(`%[-+# 0-9.*\[\]]*[a-zA-Z%]`)

// fragments splits the string literals of a text into phrases at format
// verbs and at sentence punctuation that joins a variable part.
func fragments(lits []string) []string {
	var out []string
	for _, l := range lits {
		for _, f := range formatVerb.Split(l, -1) {
			f = strings.Trim(f, " \t\n:;,.()\"'")
			if len(strings.Fields(f)) >= 3 {
				out = append(out, f)
			}
		}
	}
	return out
}

func stringLits(e ast.Expr) []string {
	var out []string
	ast.Inspect(e, func(n ast.Node) bool {
		if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			if s, err := strconv.Unquote(bl.Value); err == nil {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

func loadCatalogue(t *testing.T) []string {
	t.Helper()
	catalogue.once.Do(func() {
		seen := map[string]bool{}
		add := func(en, es []string) {
			esAll := strings.Join(es, "\n")
			for _, p := range fragments(en) {
				if !strings.Contains(esAll, p) {
					seen[p] = true
				}
			}
		}
		root := filepath.Join("..", "..")
		for _, dir := range []string{"backend", "cmd"} {
			catalogue.err = filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				switch {
				case d.IsDir():
					return nil
				case strings.HasSuffix(path, ".json") && strings.Contains(path, filepath.Join("diagnose", "data")):
					b, err := os.ReadFile(path)
					if err != nil {
						return err
					}
					var v any
					if err := json.Unmarshal(b, &v); err != nil {
						return nil // not a knowledge file
					}
					walkJSONText(v, add)
					return nil
				case !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
					return nil
				}
				f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
				if err != nil {
					return err
				}
				ast.Inspect(f, func(n ast.Node) bool {
					cl, ok := n.(*ast.CompositeLit)
					if !ok {
						return true
					}
					var en, es ast.Expr
					for _, el := range cl.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						switch k, _ := kv.Key.(*ast.Ident); {
						case k == nil:
						case k.Name == "EN":
							en = kv.Value
						case k.Name == "ES":
							es = kv.Value
						}
					}
					if en != nil && es != nil {
						add(stringLits(en), stringLits(es))
					}
					return true
				})
				return nil
			})
			if catalogue.err != nil {
				return
			}
		}
		for p := range seen {
			catalogue.phrases = append(catalogue.phrases, p)
		}
		sort.Strings(catalogue.phrases)
	})
	if catalogue.err != nil {
		t.Fatalf("building the catalogue: %v", catalogue.err)
	}
	if len(catalogue.phrases) < 200 {
		t.Fatalf("the catalogue has only %d phrases: the source walk is broken", len(catalogue.phrases))
	}
	return catalogue.phrases
}

// walkJSONText calls add for every object holding "en" and "es" strings.
func walkJSONText(v any, add func(en, es []string)) {
	switch v := v.(type) {
	case map[string]any:
		en, ok1 := v["en"].(string)
		es, ok2 := v["es"].(string)
		if ok1 && ok2 {
			add([]string{en}, []string{es})
		}
		for _, x := range v {
			walkJSONText(x, add)
		}
	case []any:
		for _, x := range v {
			walkJSONText(x, add)
		}
	}
}

// serverReply matches a reply as SMTP Probe quotes it ("454 4.7.1 Relay
// access denied"): the server's own words, naturally English, which the
// check leaves out.
var serverReply = regexp.MustCompile(`\b[2-5][0-9][0-9][ -](?:[245]\.[0-9]{1,3}\.[0-9]{1,3} )?[^()"\n;]*`)

// spanishText is what SMTP Probe itself says in a --lang es run: for text
// output everything but the transcript's C: and S: lines, for --json the
// localized fields (error_text.es, warnings' es, evaluations, the verdict,
// transcript notes); server replies quoted inside are cut out.
func spanishText(t *testing.T, stdout, stderr string, asJSON bool) string {
	t.Helper()
	var b strings.Builder
	if !asJSON {
		for _, line := range strings.Split(stdout, "\n") {
			if strings.Contains(line, " ms C: ") || strings.Contains(line, " ms S: ") {
				continue
			}
			b.WriteString(line + "\n")
		}
	} else if strings.TrimSpace(stdout) != "" {
		var doc any
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("--json output: %v\n%s", err, stdout)
		}
		results, ok := doc.([]any) // --all-mx
		if !ok {
			results = []any{doc}
		}
		var collect func(v any)
		collect = func(v any) {
			switch v := v.(type) {
			case string:
				b.WriteString(v + "\n")
			case map[string]any:
				for k, x := range v {
					if k != "reply" && k != "en" && k != "references" {
						collect(x)
					}
				}
			case []any:
				for _, x := range v {
					collect(x)
				}
			}
		}
		for _, doc := range results {
			r, _ := doc.(map[string]any)
			steps, _ := r["steps"].([]any)
			for _, s := range steps {
				s, _ := s.(map[string]any)
				if et, ok := s["error_text"].(map[string]any); ok {
					collect(et["es"])
				}
				collect(s["evaluation"])
			}
			warns, _ := r["warnings"].([]any)
			for _, w := range warns {
				w, _ := w.(map[string]any)
				if tx, ok := w["text"].(map[string]any); ok {
					collect(tx["es"])
				}
			}
			collect(r["verdict"])
			entries, _ := r["transcript"].([]any)
			for _, e := range entries {
				if e, _ := e.(map[string]any); e["dir"] == "I" {
					collect(e["text"])
				}
			}
		}
	}
	b.WriteString(stderr)
	return serverReply.ReplaceAllString(b.String(), "")
}

// runCLIEnv runs smtpprobe with args and extra environment variables (on
// top of a plain C locale) and returns its exit code and output.
func runCLIEnv(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, smtpprobe(t), args...)
	cmd.Env = append(append(os.Environ(), "LANG=C", "LC_ALL=", "LC_MESSAGES="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("running smtpprobe: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("smtpprobe %q did not finish within 30 s", args)
	}
	return code, out.String(), errb.String()
}

// closedAddr returns a loopback address nothing listens on: a port just
// released by a listener of this test.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestSpanishOutputHasNoEnglish runs every failure kind the engine produces
// with --lang es, as text and as --json, and fails when an English phrase
// of SMTP Probe's own catalogue shows up in what SMTP Probe says (the
// server's replies, quoted, are left out).
func TestSpanishOutputHasNoEnglish(t *testing.T) {
	phrases := loadCatalogue(t)
	smtpprobe(t)
	self := testcerts.SelfSigned(t, testcerts.LeafOptions{IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	selfCert := self.TLS()
	type tc struct {
		name   string
		script []scriptserver.Step // nil: no server (the address refuses)
		args   []string
		// dns, when not nil, serves these records (rcode, when not 0, is
		// every answer's RCODE) and the session looks up the MX of the
		// --to domain instead of using --server.
		dns   []string
		rcode int
	}
	smtpWith := func(f scriptserver.Fault) []scriptserver.Step {
		return []scriptserver.Step{scriptserver.SMTP(scriptserver.SMTPOptions{Fault: f})}
	}
	auth := []string{"--auth-user", "user@example.net", "--auth-password-env", "SMTPPROBE_TEST_SECRET", "--allow-plaintext-auth"}
	var cases []tc
	for _, at := range []string{"banner", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "dot", "BDAT", "QUIT"} {
		var extra []string
		switch at {
		case "AUTH":
			extra = auth
		case "BDAT":
			extra = []string{"--chunking"}
		}
		for _, pipe := range []string{"--no-pipelining", "--pipelining"} {
			cases = append(cases,
				tc{at + " timeout " + pipe, smtpWith(scriptserver.Fault{At: at, Silent: true}), append([]string{pipe}, extra...), nil, 0},
				tc{at + " reset " + pipe, smtpWith(scriptserver.Fault{At: at, Reset: true}), append([]string{pipe}, extra...), nil, 0},
			)
		}
	}
	cases = append(cases,
		tc{"connection refused", nil, nil, nil, 0},
		tc{"banner 554", smtpWith(scriptserver.Fault{At: "banner", Reply: "554 5.3.2 no service"}), nil, nil, 0},
		tc{"EHLO 500 then HELO 550", smtpWith(scriptserver.Fault{At: "EHLO", Reply: "500 5.5.1 what"}), nil, nil, 0},
		tc{"MAIL 550 pipelined", smtpWith(scriptserver.Fault{At: "MAIL", Reply: "550 5.7.1 sender refused"}), []string{"--pipelining"}, nil, 0},
		tc{"RCPT 454 pipelined", smtpWith(scriptserver.Fault{At: "RCPT", Reply: "454 4.7.1 Relay access denied"}), []string{"--pipelining"}, nil, 0},
		tc{"RCPT 454 pipelined BDAT", smtpWith(scriptserver.Fault{At: "RCPT", Reply: "454 4.7.1 Relay access denied"}), []string{"--pipelining", "--chunking"}, nil, 0},
		tc{"DATA 250 unexpected", smtpWith(scriptserver.Fault{At: "DATA", Reply: "250 2.0.0 what"}), nil, nil, 0},
		tc{"QUIT 500", smtpWith(scriptserver.Fault{At: "QUIT", Reply: "500 5.5.1 what"}), nil, nil, 0},
		tc{"garbled reply", smtpWith(scriptserver.Fault{At: "MAIL", Reply: "2x0 what"}), nil, nil, 0},
		tc{"STARTTLS 454 required", smtpWith(scriptserver.Fault{At: "STARTTLS", Reply: "454 4.7.0 TLS not available"}), []string{"--tls", "starttls"}, nil, 0},
		tc{"STARTTLS 454 opportunistic", smtpWith(scriptserver.Fault{At: "STARTTLS", Reply: "454 4.7.0 TLS not available"}), nil, nil, 0},
		tc{"STARTTLS handshake fails, required", []scriptserver.Step{scriptserver.Send("220 mx.test ESMTP\r\n"), scriptserver.Expect("EHLO"),
			scriptserver.Send("250-mx.test\r\n250 STARTTLS\r\n"), scriptserver.Expect("STARTTLS"), scriptserver.Send("220 go ahead\r\n"),
			scriptserver.Send("this is not TLS\r\n"), scriptserver.Close()}, []string{"--tls", "starttls"}, nil, 0},
		tc{"STARTTLS handshake fails, opportunistic fallback then plaintext AUTH refused",
			[]scriptserver.Step{scriptserver.SMTP(scriptserver.SMTPOptions{Fault: scriptserver.Fault{At: "STARTTLS", Reply: "220 go ahead"}})},
			[]string{"--auth-user", "user@example.net", "--auth-password-env", "SMTPPROBE_TEST_SECRET"}, nil, 0},
		tc{"bad certificate, required STARTTLS", []scriptserver.Step{scriptserver.SMTP(scriptserver.SMTPOptions{Cert: &selfCert})},
			[]string{"--tls", "starttls"}, nil, 0},
		tc{"bad certificate, opportunistic", []scriptserver.Step{scriptserver.SMTP(scriptserver.SMTPOptions{Cert: &selfCert})}, nil, nil, 0},
		tc{"AUTH 535", smtpWith(scriptserver.Fault{At: "AUTH", Reply: "535 5.7.8 Authentication credentials invalid"}), auth, nil, 0},
		tc{"AUTH 454", smtpWith(scriptserver.Fault{At: "AUTH", Reply: "454 4.7.0 Temporary authentication failure"}), auth, nil, 0},
		tc{"AUTH refused in plaintext", smtpWith(scriptserver.Fault{}),
			[]string{"--auth-user", "user@example.net", "--auth-password-env", "SMTPPROBE_TEST_SECRET"}, nil, 0},
		tc{"AUTH mechanism not offered", smtpWith(scriptserver.Fault{}), append([]string{"--auth-mech", "login"}, auth...), nil, 0},
		tc{"stop after rcpt", smtpWith(scriptserver.Fault{}), []string{"--stop-after", "rcpt"}, nil, 0},
		tc{"bad address with CR LF", smtpWith(scriptserver.Fault{}), []string{"--to", "bob@example.net\r\nRCPT TO:<x@y>"}, nil, 0},
		tc{"bad --server", nil, []string{"--server", "bad host!:99999"}, nil, 0},
		tc{"bad --server port", nil, []string{"--server", "mx.example.net:0"}, nil, 0},
		tc{"bad --tls", smtpWith(scriptserver.Fault{}), []string{"--tls", "maybe"}, nil, 0},
		tc{"bad --server host", nil, []string{"--server", "bad host!"}, nil, 0},
		tc{"bad --dns-server", nil, []string{"--dns-server", "not an address"}, nil, 0},
		tc{"NXDOMAIN", nil, []string{"--to", "bob@nx.test"}, []string{"other.test. 300 IN A 127.0.0.1"}, 0},
		tc{"null MX", nil, []string{"--to", "bob@nullmx.test"}, []string{"nullmx.test. 300 IN MX 0 ."}, 0},
		tc{"MX without address", nil, []string{"--to", "bob@nohost.test"}, []string{"nohost.test. 300 IN MX 10 mx.nohost.test."}, 0},
		tc{"MX without address, every MX", nil, []string{"--to", "bob@nohost.test", "--all-mx"},
			[]string{"nohost.test. 300 IN MX 10 mx.nohost.test."}, 0},
		tc{"SERVFAIL", nil, []string{"--to", "bob@fail.test"}, []string{"fail.test. 300 IN A 127.0.0.1"}, 2},
	)
	for _, c := range cases {
		for _, asJSON := range []bool{false, true} {
			name := c.name
			if asJSON {
				name += " --json"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				addr := closedAddr(t)
				if c.script != nil {
					addr = scriptserver.Start(t, c.script...).Addr()
				}
				target := []string{"--server", addr}
				if c.dns != nil {
					ds, err := dnstest.Start(c.dns...)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { ds.Close() })
					if c.rcode != 0 {
						ds.SetRcode(c.rcode)
					}
					target = []string{"--dns-server", ds.Addr()}
				}
				args := append([]string{"send", "--lang", "es", "--from", "alice@example.com"}, target...)
				if !slices.Contains(c.args, "--to") {
					args = append(args, "--to", "bob@example.net")
				}
				args = append(args, "--helo", "client.example", "--subject", "prueba", "--body", "Hola.\n", "--tls", "none",
					"--timeout-connect", "3s", "--timeout-banner", "1s", "--timeout-command", "1s",
					"--timeout-data-block", "1s", "--timeout-final-dot", "1s")
				if c.name == "STARTTLS handshake fails, opportunistic fallback then plaintext AUTH refused" ||
					strings.HasPrefix(c.name, "STARTTLS") || strings.HasPrefix(c.name, "bad certificate") {
					args = append(args, "--tls", "opportunistic")
				}
				args = append(args, c.args...)
				if asJSON {
					args = append(args, "--json")
				}
				_, stdout, stderr := runCLIEnv(t, []string{"SMTPPROBE_TEST_SECRET=S3cret-not-shown"}, args...)
				text := spanishText(t, stdout, stderr, asJSON)
				if strings.TrimSpace(text) == "" {
					t.Fatalf("no output to check\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
				}
				if os.Getenv("LANGTEST_DUMP") != "" {
					t.Logf("%s", text)
				}
				for _, p := range phrases {
					if strings.Contains(text, p) {
						t.Errorf("English %q in the Spanish output:\n%s", p, text)
					}
				}
			})
		}
	}
}
