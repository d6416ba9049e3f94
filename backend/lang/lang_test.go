package lang

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    Lang
		wantErr bool
	}{
		{"", EN, false},
		{"en", EN, false},
		{"ES", ES, false},
		{"es_ES.UTF-8", ES, false},
		{"en-US", EN, false},
		{"es-MX", ES, false},
		{"fr", EN, true},
		{"espanol", EN, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Parse(%q) = %q, %v; want %q, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "es_AR.UTF-8")
	if got := FromEnv(); got != ES {
		t.Errorf("FromEnv with LANG=es_AR = %q, want es", got)
	}
	t.Setenv("LC_ALL", "C.UTF-8")
	if got := FromEnv(); got != EN {
		t.Errorf("FromEnv with LC_ALL=C = %q, want en", got)
	}
}

func TestTextIn(t *testing.T) {
	tx := Text{EN: "hello %s", ES: "hola %s"}
	if got := tx.Format(ES, "x"); got != "hola x" {
		t.Errorf("Format(es) = %q", got)
	}
	if got := (Text{EN: "only"}).In(ES); got != "only" {
		t.Errorf("missing Spanish should fall back to English, got %q", got)
	}
}
