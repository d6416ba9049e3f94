package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"smtpprobe/backend/lang"
	"smtpprobe/backend/profile"
	"smtpprobe/backend/session"
)

// TestHTMLInert parses the HTML of a hostile Result the way a browser
// would and checks that server text stayed text: no element that runs or
// loads anything, no event handler or URL attribute, only our own style
// element, and the CSP meta that forbids scripts anyway.
func TestHTMLInert(t *testing.T) {
	for _, l := range []lang.Lang{lang.EN, lang.ES} {
		var b bytes.Buffer
		if err := HTML(&b, hostileResult(), Options{Lang: l, TLS: hostileTLS()}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !utf8.ValidString(out) {
			t.Errorf("%s: HTML is not valid UTF-8", l)
		}
		for _, bad := range []string{"\u202E", "\x00", "\x1b", "\x07", "\u200b", "<script", "<img", "<svg", "<iframe", "<b ", "<a ", "<i>"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: HTML contains %q", l, bad)
			}
		}
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		var styles, csp int
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "img", "svg", "iframe", "object", "embed", "link", "a", "form", "base", "i", "b", "audio", "video":
					t.Errorf("%s: element <%s> in the report", l, n.Data)
				case "style":
					styles++
				case "meta":
					for _, a := range n.Attr {
						if a.Key == "http-equiv" && strings.EqualFold(a.Val, "Content-Security-Policy") {
							csp++
							if c := attr(n, "content"); c != "default-src 'none'; style-src 'unsafe-inline'" {
								t.Errorf("%s: CSP is %q", l, c)
							}
						}
					}
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "href" || a.Key == "src" || a.Key == "style" {
						t.Errorf("%s: attribute %s=%q on <%s>", l, a.Key, a.Val, n.Data)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if styles != 1 || csp != 1 {
			t.Errorf("%s: %d style elements and %d CSP metas, want 1 and 1", l, styles, csp)
		}
		// The hostile text is there, as text.
		if !strings.Contains(textOf(doc), `220 <script>alert(1)</script> "><img src=x onerror=alert(2)> ESMTP\x1B[2J\x00\xFF\xFE evil\u{202E}txt.exe`) {
			t.Errorf("%s: the banner is not shown as text", l)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// TestTextEscaped checks that the text report of a hostile Result holds no
// control byte, no invalid UTF-8 and no invisible format character: a log
// opened in a terminal or an editor shows exactly what the server sent.
func TestTextEscaped(t *testing.T) {
	for _, l := range []lang.Lang{lang.EN, lang.ES} {
		var b bytes.Buffer
		if err := Text(&b, hostileResult(), Options{Lang: l, TLS: hostileTLS()}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !utf8.ValidString(out) {
			t.Errorf("%s: text is not valid UTF-8", l)
		}
		for i, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202E' || r == '\u200B' {
				t.Errorf("%s: character %U at byte %d", l, r, i)
			}
		}
		for _, want := range []string{`\x1B[2J\x00\xFF\xFE evil\u{202E}txt.exe`, `victim\u{202E}@example.test`, `\x07\u{200B}`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: text lacks the escaped %q", l, want)
			}
		}
	}
}

// TestRawKeepsBytesMasksSecrets checks the raw export: server bytes exactly
// as received (control bytes and all), Info lines left out, a masked line
// written as its mask.
func TestRawKeepsBytesMasksSecrets(t *testing.T) {
	var b bytes.Buffer
	if err := Raw(&b, hostileResult()); err != nil {
		t.Fatal(err)
	}
	want := "220 <script>alert(1)</script> \"><img src=x onerror=alert(2)> ESMTP\x1b[2J\x00\xff\xfe evil\u202Etxt.exe\r\n" +
		"AUTH PLAIN ********\r\n" +
		"235 2.7.0 ok\r\n" +
		"RCPT TO:<victim@example.test>\r\n" +
		"550 5.7.1 <b onmouseover=alert(3)>denied</b>\x07\u200b\r\n"
	if got := b.String(); got != want {
		t.Errorf("Raw =\n%q\nwant\n%q", got, want)
	}
}

// sentinel stands for a secret: it must appear in no output.
const sentinel = "S3ntinel-Secret-9f2c"

// TestSentinelSecretAbsent runs every output of this package over inputs
// that had a secret: a Result whose AUTH line was masked by the engine and
// a profile whose secret lives in the keyring under a reference. Neither
// the secret, its base64, nor the keyring reference may appear.
func TestSentinelSecretAbsent(t *testing.T) {
	r := hostileResult()
	p := seedProfile()
	p.Auth = profile.Auth{Mechanism: "PLAIN", User: "admin@contoso.test", SecretRef: "keyring:" + sentinel}
	forbidden := []string{
		sentinel,
		base64.StdEncoding.EncodeToString([]byte("\x00admin@contoso.test\x00" + sentinel)),
		base64.StdEncoding.EncodeToString([]byte(sentinel)),
	}
	outs := map[string]string{
		"swaks":     Swaks(p, lang.EN),
		"telnet-en": TelnetScript(p, lang.EN),
		"telnet-es": TelnetScript(p, lang.ES),
	}
	p.Auth.Mechanism = "LOGIN"
	outs["telnet-login"] = TelnetScript(p, lang.EN)
	dir := t.TempDir()
	for _, ext := range []string{".txt", ".json", ".html", ".raw"} {
		path := filepath.Join(dir, "r"+ext)
		if err := Write(path, r, Options{Lang: lang.ES, TLS: hostileTLS()}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		outs[ext] = string(b)
	}
	for name, out := range outs {
		for _, f := range forbidden {
			if strings.Contains(out, f) {
				t.Errorf("%s contains the secret (%q)", name, f)
			}
		}
		if strings.Contains(out, "keyring:") {
			t.Errorf("%s contains the keyring reference", name)
		}
	}
	if !strings.Contains(outs["swaks"], "--auth-password '"+PasswordPlaceholder+"'") {
		t.Errorf("swaks lacks the password placeholder: %s", outs["swaks"])
	}
}

// TestJSONIsResult checks that the JSON export is the Result itself, as
// `smtpprobe send --json` prints it: it decodes back into an equal Result.
func TestJSONIsResult(t *testing.T) {
	r, _ := runSession(t, lang.EN, nil, nil)
	var b bytes.Buffer
	if err := JSON(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var back session.Result
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.MarshalIndent(&back, "", "  ")
	first, _ := json.MarshalIndent(r, "", "  ")
	if !bytes.Equal(again, first) {
		t.Errorf("JSON does not round-trip:\n%s\nvs\n%s", again, first)
	}
	if !bytes.Contains(b.Bytes(), []byte(`"transcript": [`)) || !bytes.Contains(b.Bytes(), []byte(`"verdict": {`)) {
		t.Errorf("JSON lacks transcript or verdict:\n%s", b.Bytes())
	}
}
