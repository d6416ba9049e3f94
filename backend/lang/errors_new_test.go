package lang

import (
	"errors"
	"fmt"
	"testing"
)

func TestNewError(t *testing.T) {
	a := NewError(Text{EN: "not found", ES: "no encontrado"})
	b := NewError(Text{EN: "not found", ES: "no encontrado"})
	wrapped := fmt.Errorf("profile x: %w", a)
	if !errors.Is(wrapped, a) || errors.Is(wrapped, b) {
		t.Error("each NewError must be its own sentinel, found through wrapping")
	}
	if a.Error() != "not found" || ErrorText(a, ES) != "no encontrado" {
		t.Errorf("Error %q, ErrorText(es) %q", a.Error(), ErrorText(a, ES))
	}
}
