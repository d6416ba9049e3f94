package smtpauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCRAMMD5RFC2195Example(t *testing.T) {
	// RFC 2195 §2: user "tim", secret "tanstaaftanstaaf".
	m := CRAMMD5("tim", "tanstaaftanstaaf")
	if ir, err := m.Start(); err != nil || ir != nil {
		t.Fatalf("Start = %q, %v; CRAM-MD5 has no initial response", ir, err)
	}
	got, err := m.Next([]byte("<1896.697170952@postoffice.reston.mci.net>"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "tim b913a602c7eda7a495b4e6e7334d3890"; string(got) != want {
		t.Errorf("response %q, want %q", got, want)
	}
	if _, err := m.Next([]byte("<again@x>")); !errors.Is(err, ErrUnexpectedChallenge) {
		t.Errorf("second challenge: %v", err)
	}
	if _, err := CRAMMD5("tim", "x").Next(nil); !errors.Is(err, ErrUnexpectedChallenge) {
		t.Errorf("empty challenge: %v", err)
	}
}

func TestPlainRFC4616(t *testing.T) {
	tests := []struct {
		name                string
		authzid, user, pass string
		want                string
	}{
		// RFC 4616 §4 examples.
		{"no authzid", "", "tim", "tanstaaftanstaaf", "\x00tim\x00tanstaaftanstaaf"},
		{"with authzid", "Ursel", "Kurt", "xipj3plmq", "Ursel\x00Kurt\x00xipj3plmq"},
	}
	for _, tt := range tests {
		m := Plain(tt.authzid, tt.user, tt.pass)
		ir, err := m.Start()
		if err != nil || string(ir) != tt.want {
			t.Errorf("%s: Start = %q, %v; want %q", tt.name, ir, err, tt.want)
		}
		if _, err := m.Next([]byte("x")); !errors.Is(err, ErrUnexpectedChallenge) {
			t.Errorf("%s: PLAIN answered a challenge", tt.name)
		}
	}
}

func TestLoginPrompts(t *testing.T) {
	tests := []struct {
		name    string
		prompts []string
		want    []string // "" marks an expected error
	}{
		{"draft prompts", []string{"Username:", "Password:"}, []string{"u", "p"}},
		{"case-insensitive", []string{"USERNAME:", "password:"}, []string{"u", "p"}},
		{"Exchange-style", []string{"User Name\x00", "Password\x00"}, []string{"u", "p"}},
		{"unknown text by position", []string{"Who are you?", "Prove it"}, []string{"u", "p"}},
		{"password asked first", []string{"Password:", "Username:"}, []string{"p", "u"}},
		{"third prompt refused", []string{"Username:", "Password:", "Again:"}, []string{"u", "p", ""}},
		{"password asked twice", []string{"Username:", "Password:", "Password:"}, []string{"u", "p", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Login("u", "p")
			if ir, err := m.Start(); err != nil || ir != nil {
				t.Fatalf("Start = %q, %v", ir, err)
			}
			for i, p := range tt.prompts {
				got, err := m.Next([]byte(p))
				if tt.want[i] == "" {
					if !errors.Is(err, ErrUnexpectedChallenge) {
						t.Fatalf("prompt %q: want an error, got %q", p, got)
					}
					continue
				}
				if err != nil || string(got) != tt.want[i] {
					t.Fatalf("prompt %q: got %q, %v; want %q", p, got, err, tt.want[i])
				}
			}
		})
	}
}

func TestXOAuth2Format(t *testing.T) {
	m := XOAuth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
	ir, err := m.Start()
	// The format Google documents for XOAUTH2.
	want := "user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
	if err != nil || string(ir) != want {
		t.Fatalf("Start = %q, %v", ir, err)
	}
	resp, err := m.Next([]byte(`{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}`))
	if err != nil || resp == nil || len(resp) != 0 {
		t.Fatalf("error challenge answered with %q, %v; want an empty response", resp, err)
	}
	if e := m.(*xoauth2).ServerError(); e == nil || e.Status != "400" {
		t.Errorf("ServerError = %+v", e)
	}
	if _, err := m.Next([]byte("{}")); !errors.Is(err, ErrUnexpectedChallenge) {
		t.Errorf("second error challenge accepted")
	}
	m = XOAuth2("u", "t")
	m.Start()
	m.Next([]byte("not json \x1b[2J"))
	if e := m.(*xoauth2).ServerError(); e == nil || e.Raw != `not json \x1B[2J` {
		t.Errorf("non-JSON challenge recorded as %+v", e)
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		mech string
		c    Credentials
		want string
	}{
		{"plain", Credentials{User: "u\x00x", Password: "p"}, "NUL"},
		{"PLAIN", Credentials{User: "u", Password: "p\x00"}, "NUL"},
		{"PLAIN", Credentials{User: "u"}, "needs a password"},
		{"LOGIN", Credentials{Password: "p"}, "needs a user"},
		{"CRAM-MD5", Credentials{User: "u"}, "needs a password"},
		{"XOAUTH2", Credentials{User: "u", Password: "p"}, "needs an access token"},
		{"XOAUTH2", Credentials{User: "u", Token: "abc\r\ndef"}, "line breaks"},
		{"XOAUTH2", Credentials{User: "u\x01auth=x", Token: "abc"}, "control characters"},
		{"NTLM", Credentials{User: "u", Password: "p"}, "unsupported mechanism"},
		{"X\r\nQUIT", Credentials{}, `"X\\r\\nQUIT"`},
	}
	for _, tt := range tests {
		_, err := New(tt.mech, tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%q) error = %v, want %q", tt.mech, err, tt.want)
		}
	}
	for _, name := range Supported() {
		m, err := New(strings.ToLower(name), Credentials{User: "u", Password: "p", Token: "t"})
		if err != nil || m.Name() != name {
			t.Errorf("New(%s) = %v, %v", name, m, err)
		}
	}
}

func TestSecretsDoNotPrint(t *testing.T) {
	const pw = "S3ntinel-Pa55!"
	c := Credentials{User: "u", Password: pw, Token: pw}
	js, _ := json.Marshal(c)
	outs := []string{fmt.Sprintf("%v %+v %#v %s", c, c, c, c.Password), string(js)}
	for _, name := range Supported() {
		m, err := New(name, c)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, fmt.Sprintf("%v %+v %#v %s", m, m, m, m))
	}
	for _, o := range outs {
		if strings.Contains(o, pw) {
			t.Errorf("secret printed: %s", o)
		}
	}
}
