package profile

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"smtpprobe/backend/lang"
)

// KeyringService is the service name under which secrets are filed in the
// operating system's keyring.
const KeyringService = "SMTP Probe"

// MaxSecret is the longest secret accepted: Windows Credential Manager
// stores at most 2560 bytes, and a profile must move between systems.
const MaxSecret = 2560

// Secrets stores AUTH secrets outside profile files, keyed by profile id and
// user name. Implementations return ErrNoSecret when there is none, and an
// error matching ErrNoKeyring when they cannot store anything at all, in
// which case nothing has been written anywhere.
type Secrets interface {
	SetSecret(id, user, secret string) error
	GetSecret(id, user string) (string, error)
	DeleteSecret(id, user string) error
}

// Keyring is the Secrets of the operating system (Windows Credential
// Manager, macOS Keychain, Secret Service over D-Bus), through
// github.com/zalando/go-keyring. Its zero value is ready to use.
type Keyring struct{}

// KeyringTimeout bounds one keyring call. go-keyring takes no context, and
// a Secret Service unlock prompt or a stuck D-Bus daemon can wait forever;
// the time allows a user to type a keychain password.
var KeyringTimeout = 2 * time.Minute

// keyringMu serialises calls into go-keyring: its providers are global,
// and the mock used by tests is a plain map.
var keyringMu sync.Mutex

// SetSecret stores secret under KeyringService and SecretKey(id, user).
func (Keyring) SetSecret(id, user, secret string) error {
	if err := checkSecret(secret); err != nil {
		return err
	}
	_, err := callKeyring(KeyringTimeout, func() (string, error) {
		return "", keyring.Set(KeyringService, SecretKey(id, user), secret)
	})
	return err
}

// GetSecret returns the secret stored for id and user.
func (Keyring) GetSecret(id, user string) (string, error) {
	return callKeyring(KeyringTimeout, func() (string, error) {
		return keyring.Get(KeyringService, SecretKey(id, user))
	})
}

// DeleteSecret removes the secret stored for id and user.
func (Keyring) DeleteSecret(id, user string) error {
	_, err := callKeyring(KeyringTimeout, func() (string, error) {
		return "", keyring.Delete(KeyringService, SecretKey(id, user))
	})
	return err
}

// callKeyring runs f under keyringMu and gives up after timeout, reporting
// the keyring as unavailable. A call that never returns keeps its goroutine
// (and the mutex, so later calls time out too), which is the best possible
// without a way to cancel it.
func callKeyring(timeout time.Duration, f func() (string, error)) (string, error) {
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		keyringMu.Lock()
		defer keyringMu.Unlock()
		s, err := f()
		done <- result{s, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.s, keyringErr(r.err)
	case <-t.C:
		return "", &noKeyringError{cause: fmt.Errorf("no answer within %s", timeout)}
	}
}

// errSecretSize is the wording for a secret the keyrings cannot hold.
var errSecretSize error = lang.NewError(lang.Text{
	EN: fmt.Sprintf("the secret is empty or longer than %d bytes", MaxSecret),
	ES: fmt.Sprintf("el secreto está vacío o supera los %d bytes", MaxSecret),
})

func checkSecret(s string) error {
	if s == "" || len(s) > MaxSecret {
		return errSecretSize
	}
	return nil
}

// keyringErr maps go-keyring's errors to this package's. Anything but
// "not found" and "too big" means the keyring cannot be used (no Secret
// Service on D-Bus, a locked or dismissed keychain, an unsupported system).
func keyringErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNoSecret
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return errSecretSize
	}
	return &noKeyringError{cause: err}
}

// noKeyringError is ErrNoKeyring with the keyring's own reason.
type noKeyringError struct{ cause error }

func (e *noKeyringError) Error() string { return e.Localize(lang.EN) }

func (e *noKeyringError) Localize(l lang.Lang) string {
	return ErrNoKeyring.(lang.Localized).Localize(l) + " (" + e.cause.Error() + ")"
}

func (e *noKeyringError) Unwrap() []error { return []error{ErrNoKeyring, e.cause} }
