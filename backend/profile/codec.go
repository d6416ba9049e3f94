package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"smtpprobe/backend/lang"
)

// encode renders p as the file format: indented JSON without HTML escaping,
// so '<' in an address costs one byte, not six, and a hand-edited file reads
// naturally.
func encode(p *Profile) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encode profile: %w", err)
	}
	if buf.Len() > MaxFileSize {
		return nil, fmt.Errorf("encode profile: %w", &lang.FieldError{Field: "profile", Reason: msgTooLong, Args: []any{buf.Len(), MaxFileSize}})
	}
	return buf.Bytes(), nil
}

// decode parses a profile file of any known schema, migrating older ones.
// fileID is the id to give a schema 0 profile, which had none of its own.
// The profile is validated. Every failure is a *DamagedError naming file.
func decode(data []byte, file, fileID string) (Profile, error) {
	damaged := func(k DamageKind, err error) (Profile, error) {
		return Profile{}, &DamagedError{File: file, Kind: k, Err: err}
	}
	if len(data) > MaxFileSize {
		return damaged(DamageSize, fmt.Errorf("%d bytes, at most %d", len(data), MaxFileSize))
	}
	if !json.Valid(data) {
		// Unmarshal again only to get a message with the offset.
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return damaged(DamageJSON, err)
	}
	var head map[string]json.RawMessage
	if err := json.Unmarshal(data, &head); err != nil {
		return damaged(DamageType, errors.New("the file is not a JSON object"))
	}
	schema := 0
	if raw, ok := head["schema"]; ok {
		n, err := strconv.Atoi(string(raw))
		if err != nil {
			return damaged(DamageType, fmt.Errorf("schema is %s, not a whole number", truncate(string(raw), 40)))
		}
		schema = n
	}
	var p Profile
	switch schema {
	case 0:
		var err error
		if p, err = migrate0(data, fileID); err != nil {
			return damaged(DamageType, err)
		}
	case SchemaVersion:
		if err := strictUnmarshal(data, &p); err != nil {
			return damaged(DamageType, err)
		}
	default:
		return damaged(DamageSchema, fmt.Errorf("schema %d, this version reads up to %d", schema, SchemaVersion))
	}
	if err := p.Validate(); err != nil {
		return damaged(DamageInvalid, err)
	}
	return p, nil
}

// strictUnmarshal rejects unknown fields: a field this version does not
// know would be silently dropped on the next save, and a stray "password"
// must never be accepted as if it belonged there.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return nil
}

// profileV0 is schema 0, the flat layout of the first prototype, kept only
// to migrate from. Files had no "schema" field and no id (the file name was
// the id); recipients were one comma-separated string, TLS a STARTTLS yes/no,
// and DSN NOTIFY a comma-separated string. Schema 0 never stored secrets.
//
//	{"name": "Exchange test", "server": "mail.contoso.com:2525", "port": 0,
//	 "from": "admin@contoso.com", "to": "a@fabrikam.com, b@fabrikam.com",
//	 "helo": "probe.contoso.com", "subject": "Test", "body": "Hello",
//	 "starttls": true, "notify": "success,failure", "user": "admin",
//	 "created": "2024-05-01T10:00:00Z"}
type profileV0 struct {
	Name     string    `json:"name"`
	Server   string    `json:"server"`
	Port     int       `json:"port"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Helo     string    `json:"helo"`
	Subject  string    `json:"subject"`
	Body     string    `json:"body"`
	StartTLS bool      `json:"starttls"`
	Notify   string    `json:"notify"`
	User     string    `json:"user"`
	Created  time.Time `json:"created"`
}

// migrate0 turns a schema 0 file into the current schema.
func migrate0(data []byte, id string) (Profile, error) {
	var old profileV0
	if err := strictUnmarshal(data, &old); err != nil {
		return Profile{}, fmt.Errorf("schema 0: %w", err)
	}
	p := Profile{Schema: SchemaVersion, ID: id, Name: old.Name}
	p.Target.Host, p.Target.Port = old.Server, old.Port
	// "host:port" was accepted in the server field when port was 0.
	if h, port, ok := strings.Cut(old.Server, ":"); ok && old.Port == 0 && !strings.Contains(port, ":") {
		if n, err := strconv.Atoi(port); err == nil {
			p.Target.Host, p.Target.Port = h, n
		}
	}
	// Schema 0 had no opportunistic mode: STARTTLS was either demanded or
	// never tried.
	p.Target.TLS = TLSNone
	if old.StartTLS {
		p.Target.TLS = TLSStartTLS
	}
	p.Envelope.From = old.From
	p.Envelope.EHLO = old.Helo
	p.Envelope.To = splitList(old.To)
	p.Envelope.DSN.Notify = splitList(strings.ToLower(old.Notify))
	p.Message.Subject, p.Message.Body = old.Subject, old.Body
	p.Auth.User = old.User
	if old.User != "" {
		p.Auth.Mechanism = "LOGIN" // the only mechanism schema 0 spoke
	}
	p.Created = old.Created.UTC()
	p.Updated = p.Created
	return p, nil
}

// splitList splits a comma- or semicolon-separated list (Outlook users type
// either), dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
