package history

import (
	"fmt"

	"smtpprobe/backend/lang"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrNotFound means no run has the id.
	ErrNotFound error = lang.NewError(lang.Text{
		EN: "no run with this id in the history",
		ES: "no hay ninguna ejecución con este identificador en el historial",
	})
	// ErrReadOnly is matched by every *ReadOnlyError.
	ErrReadOnly error = lang.NewError(lang.Text{
		EN: "the history folder cannot be written",
		ES: "no se puede escribir en la carpeta del historial",
	})
	// ErrDamaged is matched by every *DamagedError.
	ErrDamaged error = lang.NewError(lang.Text{
		EN: "the history database is damaged",
		ES: "la base de datos del historial está dañada",
	})
	// ErrNewerSchema means the database was written by a newer SMTP Probe:
	// it is left alone rather than downgraded.
	ErrNewerSchema error = lang.NewError(lang.Text{
		EN: "the history database was written by a newer version of SMTP Probe",
		ES: "la base de datos del historial la escribió una versión más nueva de SMTP Probe",
	})
)

// ReadOnlyError says the history cannot be stored where it should be.
type ReadOnlyError struct {
	// Path is the database file or its folder.
	Path string
	// Err is the operating system's or SQLite's error.
	Err error
}

func (e *ReadOnlyError) Error() string { return e.Localize(lang.EN) }

// Localize explains the error in l with what to do about it.
func (e *ReadOnlyError) Localize(l lang.Lang) string {
	t := lang.Text{
		EN: "the run history cannot be saved: the folder %s is read-only or not yours (%v); give your account write access to it, or run without history (--no-history)",
		ES: "no se puede guardar el historial de ejecuciones: la carpeta %s es de solo lectura o no es suya (%v); dé permiso de escritura a su cuenta o ejecute sin historial (--no-history)",
	}
	return t.Format(l, e.Path, e.Err)
}

// Unwrap lets errors.Is match ErrReadOnly and the cause.
func (e *ReadOnlyError) Unwrap() []error { return []error{ErrReadOnly, e.Err} }

// DamagedError says the database could not be read and was moved aside; a
// new, empty history was started in its place. It is a notice
// (Store.Recovered), not a failure: the runs stay in MovedTo for a
// specialist, and nothing was deleted.
type DamagedError struct {
	// Path is the database file.
	Path string
	// MovedTo is where the damaged file now is.
	MovedTo string
	// Err is SQLite's error.
	Err error
}

func (e *DamagedError) Error() string { return e.Localize(lang.EN) }

// Localize explains the notice in l.
func (e *DamagedError) Localize(l lang.Lang) string {
	t := lang.Text{
		EN: "the run history database was damaged (%v): it was moved to %s and a new, empty history was started",
		ES: "la base de datos del historial estaba dañada (%v): se movió a %s y se empezó un historial nuevo y vacío",
	}
	return t.Format(l, e.Err, e.MovedTo)
}

// Unwrap lets errors.Is match ErrDamaged and the cause.
func (e *DamagedError) Unwrap() []error { return []error{ErrDamaged, e.Err} }

// wrap adds context to err, keeping it matchable.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("history: %s: %w", what, err)
}
