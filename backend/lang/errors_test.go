package lang

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// outer is a Localized error that wraps another and localizes it too, the
// way profile.DamagedError does.
type outer struct{ err error }

func (e *outer) Error() string { return e.Localize(EN) }
func (e *outer) Localize(l Lang) string {
	return Text{EN: "cannot save", ES: "no se puede guardar"}.In(l) + ": " + ErrorText(e.err, l)
}
func (e *outer) Unwrap() error { return e.err }

func TestErrorText(t *testing.T) {
	fe := NewFieldError("--to", "a@b@c", KindSyntax, Text{EN: "has two @", ES: "tiene dos @"})
	plain := errors.New("connection reset")
	tests := []struct {
		name   string
		err    error
		en, es string
	}{
		{"nil", nil, "", ""},
		{"not localized", plain, "connection reset", "connection reset"},
		{"not localized, wrapped", fmt.Errorf("dial: %w", plain), "dial: connection reset", "dial: connection reset"},
		{"localized", fe, `--to "a@b@c": has two @`, `--to "a@b@c": tiene dos @`},
		// English-only context around a localized error is dropped rather
		// than mixed into a Spanish sentence.
		{"wrapped", fmt.Errorf("options: %w", fe), `--to "a@b@c": has two @`, `--to "a@b@c": tiene dos @`},
		{"double-wrapped", fmt.Errorf("run: %w", fmt.Errorf("options: %w", fe)), `--to "a@b@c": has two @`, `--to "a@b@c": tiene dos @`},
		{"joined", errors.Join(plain, fe), `--to "a@b@c": has two @`, `--to "a@b@c": tiene dos @`},
		// A localized wrapper localizes its own context and the inner error.
		{"localized wrapper", fmt.Errorf("x: %w", &outer{fmt.Errorf("y: %w", fe)}),
			`cannot save: --to "a@b@c": has two @`, `no se puede guardar: --to "a@b@c": tiene dos @`},
		{"localized wrapper of plain", &outer{plain}, "cannot save: connection reset", "no se puede guardar: connection reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorText(tt.err, EN); got != tt.en {
				t.Errorf("EN = %q, want %q", got, tt.en)
			}
			if got := ErrorText(tt.err, ES); got != tt.es {
				t.Errorf("ES = %q, want %q", got, tt.es)
			}
		})
	}
}

func TestFieldError(t *testing.T) {
	tests := []struct {
		name   string
		err    *FieldError
		en, es string
	}{
		{"no value", &FieldError{Field: "to", Kind: KindEmpty, Reason: Text{EN: "is empty", ES: "está vacío"}}, "to: is empty", "to: está vacío"},
		{"value escaped", NewFieldError("Subject", "a\r\nBcc: x", KindLineBreak, Text{EN: "breaks", ES: "rompe"}),
			`Subject "a\r\nBcc: x": breaks`, `Subject "a\r\nBcc: x": rompe`},
		{"args", &FieldError{Field: "timeouts.banner", Reason: Text{EN: "%d is over %d", ES: "%d supera %d"}, Args: []any{9, 5}},
			"timeouts.banner: 9 is over 5", "timeouts.banner: 9 supera 5"},
		// Without Args a % in the reason is text, not a verb.
		{"percent", &FieldError{Field: "f", Reason: Text{EN: "100% wrong"}}, "f: 100% wrong", "f: 100% wrong"},
	}
	for _, tt := range tests {
		if got := tt.err.Localize(EN); got != tt.en || tt.err.Error() != tt.en {
			t.Errorf("%s: EN %q / Error %q, want %q", tt.name, got, tt.err.Error(), tt.en)
		}
		if got := tt.err.Localize(ES); got != tt.es {
			t.Errorf("%s: ES %q, want %q", tt.name, got, tt.es)
		}
	}
	long := NewFieldError("f", strings.Repeat("\x00", 200), KindControl, Text{EN: "x"})
	if n := len([]rune(long.Value)); n > MaxShownValue+3 || !strings.HasSuffix(long.Value, "...") {
		t.Errorf("long value not cut: %d runes %q", n, long.Value)
	}
	renamed := RenameField(fmt.Errorf("w: %w", long), "--from")
	var fe *FieldError
	if !errors.As(renamed, &fe) || fe.Field != "--from" || long.Field != "f" {
		t.Errorf("RenameField = %v; original now %q", renamed, long.Field)
	}
	if plain := errors.New("x"); RenameField(plain, "f") != plain {
		t.Error("RenameField changed an error that holds no FieldError")
	}
}
