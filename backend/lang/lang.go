// Package lang carries the two languages SMTP Probe speaks (English and
// Spanish) and small helpers to pick one and to hold a text in both.
package lang

import (
	"fmt"
	"os"
	"strings"
)

// Lang is a language code: "en" or "es".
type Lang string

// The supported languages.
const (
	EN Lang = "en"
	ES Lang = "es"
)

// Parse accepts "en", "es" and locale forms such as "es_ES.UTF-8" or "en-US".
// An empty string gives English.
func Parse(s string) (Lang, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return EN, nil
	case s == "en" || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en."):
		return EN, nil
	case s == "es" || strings.HasPrefix(s, "es_") || strings.HasPrefix(s, "es-") || strings.HasPrefix(s, "es."):
		return ES, nil
	}
	return EN, fmt.Errorf("unsupported language %q (use en or es)", s)
}

// FromEnv picks the language from LC_ALL, LC_MESSAGES or LANG, in that order,
// falling back to English for anything it does not recognise.
func FromEnv() Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if l, err := Parse(v); err == nil {
				return l
			}
			return EN
		}
	}
	return EN
}

// Text is one message in both languages.
type Text struct {
	EN string `json:"en"`
	ES string `json:"es"`
}

// In returns the text in l, falling back to English when the Spanish text is
// missing.
func (t Text) In(l Lang) string {
	if l == ES && t.ES != "" {
		return t.ES
	}
	return t.EN
}

// Format returns the text in l with fmt.Sprintf-style arguments applied.
func (t Text) Format(l Lang, args ...any) string {
	return fmt.Sprintf(t.In(l), args...)
}
