package profile

import (
	"fmt"

	"smtpprobe/backend/lang"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrNotFound means no profile file exists for the id.
	ErrNotFound error = lang.NewError(lang.Text{
		EN: "profile not found",
		ES: "no se encontró el perfil",
	})
	// ErrInvalidID means the id is not one this package generates, so it
	// cannot name a file in the store (and cannot escape the folder).
	ErrInvalidID error = lang.NewError(lang.Text{
		EN: "invalid profile id (expected 32 lowercase hexadecimal characters)",
		ES: "identificador de perfil no válido (se esperan 32 caracteres hexadecimales en minúscula)",
	})
	// ErrDamaged is matched by every *DamagedError.
	ErrDamaged error = lang.NewError(lang.Text{
		EN: "profile file is damaged",
		ES: "el archivo del perfil está dañado",
	})
	// ErrNoKeyring means the operating system's keyring (Windows Credential
	// Manager, macOS Keychain, Secret Service) cannot be used. Nothing was
	// stored anywhere else: the secret has to be asked for at run time.
	ErrNoKeyring error = lang.NewError(lang.Text{
		EN: "no keyring is available on this system: the secret was not stored and will be asked for when the test runs",
		ES: "no hay ningún llavero del sistema disponible: el secreto no se guardó y se pedirá al ejecutar la prueba",
	})
	// ErrNoSecret means the keyring holds no secret for the profile.
	ErrNoSecret error = lang.NewError(lang.Text{
		EN: "no secret is stored in the keyring for this profile",
		ES: "no hay ningún secreto guardado en el llavero para este perfil",
	})
	// ErrNoUser means a secret was offered for a profile without an AUTH
	// user name, which is half of the keyring key.
	ErrNoUser error = lang.NewError(lang.Text{
		EN: "the profile has no AUTH user name, so no secret can be stored for it",
		ES: "el perfil no tiene usuario de AUTH, así que no se le puede guardar un secreto",
	})
)

// DamageKind says why a profile file could not be read.
type DamageKind string

// The kinds of damage.
const (
	DamageRead    DamageKind = "read"    // the file could not be read
	DamageSize    DamageKind = "size"    // larger than MaxFileSize
	DamageJSON    DamageKind = "json"    // not valid JSON
	DamageSchema  DamageKind = "schema"  // a schema version this build does not know
	DamageType    DamageKind = "type"    // a field of the wrong type or an unknown field
	DamageInvalid DamageKind = "invalid" // parses, but fails Validate
	DamageID      DamageKind = "id"      // the id inside differs from the file name
)

var damageText = map[DamageKind]lang.Text{
	DamageRead:    {EN: "cannot be read", ES: "no se puede leer"},
	DamageSize:    {EN: "is too large to be a profile", ES: "es demasiado grande para ser un perfil"},
	DamageJSON:    {EN: "is not valid JSON", ES: "no es JSON válido"},
	DamageSchema:  {EN: "was written by a newer or unknown version of SMTP Probe", ES: "lo escribió una versión más reciente o desconocida de SMTP Probe"},
	DamageType:    {EN: "has a field of the wrong type or an unknown field", ES: "tiene un campo de tipo incorrecto o un campo desconocido"},
	DamageInvalid: {EN: "holds values that are not valid", ES: "contiene valores no válidos"},
	DamageID:      {EN: "holds a different id than its file name", ES: "contiene un identificador distinto del nombre del archivo"},
}

// DamagedError describes a profile file that cannot be used. The store never
// overwrites or removes such a file unless the caller deletes its id.
type DamagedError struct {
	File string     // base name of the file
	Kind DamageKind // why it is damaged
	Err  error      // the underlying error, for detail
}

func (e *DamagedError) Error() string { return e.Localize(lang.EN) }

// Localize explains the damage in l, naming the file and the detail.
func (e *DamagedError) Localize(l lang.Lang) string {
	what := lang.Text{EN: "profile file %s %s", ES: "el archivo de perfil %s %s"}.Format(l, e.File, damageText[e.Kind].In(l))
	if e.Err != nil {
		return what + ": " + lang.ErrorText(e.Err, l)
	}
	return what
}

// Unwrap gives both ErrDamaged and the detail to errors.Is and errors.As.
func (e *DamagedError) Unwrap() []error { return []error{ErrDamaged, e.Err} }

// ValidationError lists every problem Validate found, so a user fixes them
// all in one pass rather than one per attempt.
type ValidationError struct {
	Fields []*lang.FieldError
}

func (e *ValidationError) Error() string { return e.Localize(lang.EN) }

// Localize lists the problems in l, separated by "; ".
func (e *ValidationError) Localize(l lang.Lang) string {
	s := lang.Text{EN: "invalid profile: ", ES: "perfil no válido: "}.In(l)
	for i, f := range e.Fields {
		if i > 0 {
			s += "; "
		}
		s += f.Localize(l)
	}
	return s
}

// SecretLeftError reports that a profile file was deleted but its secret
// could not be removed from the keyring, so the user can remove it by hand.
type SecretLeftError struct {
	Service, Key string
	Err          error
}

func (e *SecretLeftError) Error() string { return e.Localize(lang.EN) }

// Localize explains in l where the leftover secret is.
func (e *SecretLeftError) Localize(l lang.Lang) string {
	return lang.Text{
		EN: "the profile was deleted, but its secret could not be removed from the keyring (service %q, account %q): %s",
		ES: "se eliminó el perfil, pero su secreto no se pudo quitar del llavero (servicio %q, cuenta %q): %s",
	}.Format(l, e.Service, e.Key, lang.ErrorText(e.Err, l))
}

func (e *SecretLeftError) Unwrap() error { return e.Err }

// wrapf wraps err with English context but keeps err's localized wording
// reachable for lang.ErrorText.
func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// Every localized error here speaks through the one lang.Localized method.
var _ = []lang.Localized{(*DamagedError)(nil), (*ValidationError)(nil), (*SecretLeftError)(nil), (*noKeyringError)(nil)}
