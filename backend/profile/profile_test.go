package profile

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"smtpprobe/backend/lang"
)

// valid returns a profile that passes Validate, for tests to break one
// field at a time.
func valid() Profile {
	p := New("Exchange test")
	p.Target.Host = "mail.contoso.com"
	p.Envelope.From = "admin@contoso.com"
	p.Envelope.To = []string{"kate@fabrikam.com"}
	return p
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *Profile)
		field string // "" means valid
	}{
		{"minimal", func(p *Profile) {}, ""},
		{"null reverse-path RFC 5321 4.5.5", func(p *Profile) { p.Envelope.From = "" }, ""},
		{"address literal EHLO RFC 5321 4.1.1.1", func(p *Profile) { p.Envelope.EHLO = "[192.0.2.1]" }, ""},
		{"IDN recipient", func(p *Profile) { p.Envelope.To = []string{"josé@bücher.example"} }, ""},
		{"stop after ehlo needs no rcpt", func(p *Profile) { p.Envelope.To = nil; p.StopAfter = "ehlo" }, ""},
		{"dns server ipv6 with port", func(p *Profile) { p.Target.DNSServer = "[2001:db8::53]:53" }, ""},
		{"dns server bare ipv6", func(p *Profile) { p.Target.DNSServer = "2001:db8::53" }, ""},
		{"notify never alone RFC 3461 4.1", func(p *Profile) { p.Envelope.DSN.Notify = []string{"never"} }, ""},
		{"tls and dsn options", func(p *Profile) {
			p.Target.CAFile, p.Target.TLSMin, p.Target.InsecureSkipVerify = `C:\certs\contoso root.pem`, "1.0", true
			p.Envelope.DSN.ORCPT, p.Envelope.DSN.Force = true, true
		}, ""},
		{"body with CRLF and a lone dot", func(p *Profile) { p.Message.Body = "a\r\n.\r\nb\n" }, ""},

		{"schema", func(p *Profile) { p.Schema = 2 }, "schema"},
		{"id path traversal", func(p *Profile) { p.ID = "../../etc/passwd" }, "id"},
		{"id uppercase", func(p *Profile) { p.ID = strings.ToUpper(p.ID) }, "id"},
		{"name empty", func(p *Profile) { p.Name = "  " }, "name"},
		{"name CRLF", func(p *Profile) { p.Name = "a\r\nb" }, "name"},
		{"name invalid UTF-8", func(p *Profile) { p.Name = "a\xffb" }, "name"},
		{"name too long", func(p *Profile) { p.Name = strings.Repeat("n", MaxText+1) }, "name"},
		{"description NUL", func(p *Profile) { p.Description = "a\x00" }, "description"},
		{"host and domain", func(p *Profile) { p.Target.Domain = "fabrikam.com" }, "target"},
		{"host with space", func(p *Profile) { p.Target.Host = "mail contoso" }, "target.host"},
		{"host LF injection", func(p *Profile) { p.Target.Host = "mail\nRCPT TO:<x@y>" }, "target.host"},
		{"port", func(p *Profile) { p.Target.Port = 70000 }, "target.port"},
		{"tls mode", func(p *Profile) { p.Target.TLS = "ssl" }, "target.tls"},
		{"tls min unknown", func(p *Profile) { p.Target.TLSMin = "1.4" }, "target.tls_min"},
		{"tls min ssl", func(p *Profile) { p.Target.TLSMin = "ssl3" }, "target.tls_min"},
		{"ca file LF", func(p *Profile) { p.Target.CAFile = "ca.pem\nx" }, "target.ca_file"},
		{"ca file too long", func(p *Profile) { p.Target.CAFile = strings.Repeat("d/", MaxPath) }, "target.ca_file"},
		{"dns server bad port", func(p *Profile) { p.Target.DNSServer = "ns1:99999" }, "target.dns_server"},
		{"ehlo with space", func(p *Profile) { p.Envelope.EHLO = "my host" }, "envelope.ehlo"},
		{"from without @", func(p *Profile) { p.Envelope.From = "admin" }, "envelope.from"},
		{"from CRLF injection RFC 5321 2.3.8", func(p *Profile) { p.Envelope.From = "a@b.c>\r\nRCPT TO:<x@y.z" }, "envelope.from"},
		{"from angle brackets", func(p *Profile) { p.Envelope.From = "<a@b.c>" }, "envelope.from"},
		{"from over path limit RFC 5321 4.5.3.1.3", func(p *Profile) { p.Envelope.From = strings.Repeat("a", 250) + "@b.cc" }, "envelope.from"},
		{"recipient NUL", func(p *Profile) { p.Envelope.To = []string{"a\x00@b.c"} }, "envelope.to[0]"},
		{"recipient duplicate", func(p *Profile) { p.Envelope.To = []string{"a@b.c", "A@b.c"} }, "envelope.to[1]"},
		{"no recipients", func(p *Profile) { p.Envelope.To = nil }, "envelope.to"},
		{"too many recipients", func(p *Profile) {
			p.Envelope.To = make([]string, MaxRecipients+1)
			for i := range p.Envelope.To {
				p.Envelope.To[i] = "u" + strings.Repeat("x", i%7) + "@b.c"
			}
		}, "envelope.to"},
		{"notify unknown", func(p *Profile) { p.Envelope.DSN.Notify = []string{"always"} }, "envelope.dsn.notify[0]"},
		{"notify never with others RFC 3461 4.1", func(p *Profile) { p.Envelope.DSN.Notify = []string{"never", "failure"} }, "envelope.dsn.notify"},
		{"ret RFC 3461 4.3", func(p *Profile) { p.Envelope.DSN.Ret = "body" }, "envelope.dsn.ret"},
		{"envid xtext RFC 3461 4.4", func(p *Profile) { p.Envelope.DSN.EnvID = "a=b" }, "envelope.dsn.envid"},
		{"subject CR", func(p *Profile) { p.Message.Subject = "hi\rBcc: x@y.z" }, "message.subject"},
		{"body NUL", func(p *Profile) { p.Message.Body = "a\x00b" }, "message.body"},
		{"body escape char", func(p *Profile) { p.Message.Body = "a\x1b[31m" }, "message.body"},
		{"body too big", func(p *Profile) { p.Message.Body = strings.Repeat("x", MaxBody+1) }, "message.body"},
		{"header name colon RFC 5322 2.2", func(p *Profile) { p.Message.Headers = []Header{{Name: "X-A:", Value: "v"}} }, "message.headers[0].name"},
		{"header value LF", func(p *Profile) { p.Message.Headers = []Header{{Name: "X-A", Value: "v\nBcc: x@y.z"}} }, "message.headers[0].value"},
		{"too many headers", func(p *Profile) { p.Message.Headers = make([]Header, MaxHeaders+1) }, "message.headers"},
		{"mechanism lowercase RFC 4422 3.1", func(p *Profile) { p.Auth.Mechanism = "plain"; p.Auth.User = "u" }, "auth.mechanism"},
		{"mechanism without user", func(p *Profile) { p.Auth.Mechanism = "PLAIN" }, "auth.user"},
		{"secret ref for another profile", func(p *Profile) { p.Auth.User = "u"; p.Auth.SecretRef = SecretKey(NewID(), "u") }, "auth.secret_ref"},
		{"timeout syntax", func(p *Profile) { p.Timeouts.Connect = "30" }, "timeouts.connect"},
		{"timeout negative", func(p *Profile) { p.Timeouts.FinalDot = "-1s" }, "timeouts.final_dot"},
		{"timeout absurd", func(p *Profile) { p.Timeouts.Banner = "48h" }, "timeouts.banner"},
		{"stop after unknown", func(p *Profile) { p.StopAfter = "quit" }, "stop_after"},
		{"updated before created", func(p *Profile) { p.Created = time.Now(); p.Updated = p.Created.Add(-time.Hour) }, "updated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.edit(&p)
			err := p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a *ValidationError", err)
			}
			var fields []string
			for _, f := range ve.Fields {
				fields = append(fields, f.Field)
			}
			if !reflect.DeepEqual(fields, []string{tt.field}) {
				t.Errorf("fields = %q, want exactly [%q]; error: %v", fields, tt.field, err)
			}
			// Both languages say something, and they differ.
			en, es := lang.ErrorText(err, lang.EN), lang.ErrorText(err, lang.ES)
			if en == es || !strings.Contains(es, "perfil no válido") || !strings.Contains(en, tt.field) {
				t.Errorf("explanations:\n en: %s\n es: %s", en, es)
			}
		})
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/schema1.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := decode(data, "schema1.json", "0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got := p.Envelope.To[1]; got != "josé@fabrikam.es" {
		t.Errorf("to[1] = %q", got)
	}
	if p.Message.Body != "Hola,\r\n.\r\nAdiós\r\n" || p.Target.TLS != TLSStartTLS || p.StopAfter != "rcpt" {
		t.Errorf("decoded %+v", p)
	}
	out, err := encode(&p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), `\u003c`) {
		t.Errorf("encode escaped HTML characters: %s", out)
	}
	q, err := decode(out, "x.json", p.ID)
	if err != nil {
		t.Fatalf("decode(encode): %v", err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Errorf("round trip changed the profile:\n%+v\n%+v", p, q)
	}
	c, cn, cm, db, fd, err := q.Timeouts.Durations()
	if err != nil || c != 10*time.Second || cn != time.Minute || cm != 30*time.Second || db != 3*time.Minute || fd != 10*time.Minute {
		t.Errorf("Durations() = %v %v %v %v %v %v", c, cn, cm, db, fd, err)
	}
}

// TestOptionalTLSAndDSN checks that the TLS and DSN options added to schema
// 1 are optional (a file written before them still loads, and saving it
// again adds nothing) and that a file with them keeps them.
func TestOptionalTLSAndDSN(t *testing.T) {
	tests := []struct {
		file   string
		target Target
		dsn    DSN
	}{
		{"testdata/schema1.json", Target{Host: "relay.contoso.com", Port: 587, TLS: TLSStartTLS, DNSServer: "[2001:db8::53]:53"},
			DSN{Notify: []string{"success", "failure"}, Ret: "hdrs", EnvID: "QQ314159"}},
		{"testdata/schema1_tls_dsn.json", Target{Host: "mail.contoso.com", TLS: TLSStartTLS, CAFile: `C:\ProgramData\Contoso\root-ca.pem`, TLSMin: "1.0", InsecureSkipVerify: true},
			DSN{Notify: []string{"failure"}, Ret: "full", EnvID: "run-42", ORCPT: true, Force: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := decode(data, "x.json", "0123456789abcdef0123456789abcdef")
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(p.Target, tt.target) || !reflect.DeepEqual(p.Envelope.DSN, tt.dsn) {
				t.Fatalf("decoded target %+v dsn %+v, want %+v %+v", p.Target, p.Envelope.DSN, tt.target, tt.dsn)
			}
			out, err := encode(&p)
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"ca_file", "tls_min", "insecure_skip_verify", "orcpt", "force_dsn"} {
				if got, want := strings.Contains(string(out), `"`+key+`"`), strings.Contains(string(data), `"`+key+`"`); got != want {
					t.Errorf("encoded file has %q: %v, the original: %v", key, got, want)
				}
			}
			q, err := decode(out, "x.json", p.ID)
			if err != nil {
				t.Fatalf("decode(encode): %v", err)
			}
			if !reflect.DeepEqual(p, q) {
				t.Errorf("round trip changed the profile:\n%+v\n%+v", p, q)
			}
		})
	}
}

func TestMigrateSchema0(t *testing.T) {
	data, err := os.ReadFile("testdata/schema0.json")
	if err != nil {
		t.Fatal(err)
	}
	id := NewID()
	p, err := decode(data, "old.json", id)
	if err != nil {
		t.Fatalf("decode schema 0: %v", err)
	}
	want := Profile{
		Schema: SchemaVersion,
		ID:     id,
		Name:   "Exchange inbound test",
		Target: Target{Host: "mail.contoso.com", Port: 2525, TLS: TLSStartTLS},
		Envelope: Envelope{
			EHLO: "probe.contoso.com",
			From: "admin@contoso.com",
			To:   []string{"kate@fabrikam.com", "luis@fabrikam.com"},
			DSN:  DSN{Notify: []string{"success", "failure"}},
		},
		Message: Message{Subject: "Prueba de SMTP", Body: "Esto es una prueba.\r\n"},
		Auth:    Auth{Mechanism: "LOGIN", User: "admin"},
		Created: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		Updated: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("migrated:\n got %+v\nwant %+v", p, want)
	}

	// A plaintext password is not a schema 0 field: the file is damaged and
	// the password goes nowhere.
	data, err = os.ReadFile("testdata/schema0_password.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = decode(data, "pw.json", id)
	var d *DamagedError
	if !errors.As(err, &d) || d.Kind != DamageType || !strings.Contains(err.Error(), `unknown field "password"`) {
		t.Errorf("decode with password = %v, want a type damage naming the field", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error repeats the password: %v", err)
	}
}

func TestDecodeDamaged(t *testing.T) {
	id := "0123456789abcdef0123456789abcdef"
	good, err := os.ReadFile("testdata/schema1.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data string
		kind DamageKind
	}{
		{"empty", "", DamageJSON},
		{"truncated", string(good[:len(good)/2]), DamageJSON},
		{"trailing garbage", string(good) + "}", DamageJSON},
		{"array", `[1,2]`, DamageType},
		{"schema string", `{"schema":"1"}`, DamageType},
		{"schema fraction", `{"schema":1.5}`, DamageType},
		{"newer schema", `{"schema":2,"id":"` + id + `"}`, DamageSchema},
		{"negative schema", `{"schema":-1}`, DamageSchema},
		{"port as string", strings.Replace(string(good), `"port": 587`, `"port": "587"`, 1), DamageType},
		{"unknown field", strings.Replace(string(good), `"pipelining"`, `"password": "x", "pipelining"`, 1), DamageType},
		{"invalid value", strings.Replace(string(good), `"starttls"`, `"ssl"`, 1), DamageInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode([]byte(tt.data), "f.json", id)
			var d *DamagedError
			if !errors.As(err, &d) {
				t.Fatalf("decode = %v, want *DamagedError", err)
			}
			if d.Kind != tt.kind || d.File != "f.json" || !errors.Is(err, ErrDamaged) {
				t.Errorf("damage = %+v, want kind %s", d, tt.kind)
			}
			if es := lang.ErrorText(err, lang.ES); !strings.Contains(es, "el archivo de perfil f.json") {
				t.Errorf("Spanish explanation = %q", es)
			}
		})
	}
}
