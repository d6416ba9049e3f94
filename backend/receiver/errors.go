package receiver

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"smtpprobe/backend/lang"
)

// Reasons a listen can fail that an admin can act on. A ListenError wraps one
// of them when it applies, so callers can test with errors.Is.
var (
	// ErrAddrInUse means another program already listens on the address.
	ErrAddrInUse = errors.New("address already in use")
	// ErrListenPermission means the operating system refused the port,
	// typically a port below 1024 without administrator/root rights.
	ErrListenPermission = errors.New("permission denied")
)

// ListenError is returned by Start when the receiver cannot listen.
type ListenError struct {
	// Addr is the address that was asked for.
	Addr string
	// Reason is ErrAddrInUse, ErrListenPermission or nil when the cause is
	// something else (a bad host name, an address not on this machine...).
	Reason error
	// Err is the error from the operating system.
	Err error
}

func (e *ListenError) Error() string {
	return fmt.Sprintf("receiver: cannot listen on %s: %v", e.Addr, e.Err)
}

// Unwrap exposes both the reason and the system error to errors.Is/As.
func (e *ListenError) Unwrap() []error {
	if e.Reason == nil {
		return []error{e.Err}
	}
	return []error{e.Reason, e.Err}
}

var (
	txtInUse = lang.Text{
		EN: "Cannot listen on %s: another program is already using this address. Stop that program or choose another port with --addr (for example 127.0.0.1:2526).",
		ES: "No se puede escuchar en %s: otro programa ya está usando esta dirección. Detenga ese programa o elija otro puerto con --addr (por ejemplo 127.0.0.1:2526).",
	}
	txtPermission = lang.Text{
		EN: "Cannot listen on %s: the operating system refused the port (ports below 1024 need administrator or root rights).",
		ES: "No se puede escuchar en %s: el sistema operativo rechazó el puerto (los puertos por debajo de 1024 requieren permisos de administrador o root).",
	}
	txtOther = lang.Text{
		EN: "Cannot listen on %s: %v. Check that the address belongs to this machine, or use 127.0.0.1:2525.",
		ES: "No se puede escuchar en %s: %v. Compruebe que la dirección pertenece a este equipo, o use 127.0.0.1:2525.",
	}
	// Port25Help is the advice shown whenever port 25 is involved: the
	// admin asking for it usually wants the machine reachable from outside.
	Port25Help = lang.Text{
		EN: "Port 25: on Windows, run SMTP Probe as administrator and add an inbound firewall rule for TCP 25 (Windows Defender Firewall > Inbound Rules > New Rule > Port); on Linux, run as root or grant CAP_NET_BIND_SERVICE. Listen on 0.0.0.0:25 (not 127.0.0.1) to be reachable from other machines, and check that no other mail server (IIS SMTP, Exchange, Postfix) already uses the port.",
		ES: "Puerto 25: en Windows, ejecute SMTP Probe como administrador y agregue una regla de entrada en el firewall para TCP 25 (Firewall de Windows Defender > Reglas de entrada > Nueva regla > Puerto); en Linux, ejecute como root o conceda CAP_NET_BIND_SERVICE. Escuche en 0.0.0.0:25 (no en 127.0.0.1) para ser accesible desde otros equipos, y compruebe que ningún otro servidor de correo (SMTP de IIS, Exchange, Postfix) use ya el puerto.",
	}
)

// Localize says in l what went wrong and what to do about it, with the port
// 25 advice when port 25 was asked for.
func (e *ListenError) Localize(l lang.Lang) string {
	var msg string
	switch {
	case errors.Is(e.Reason, ErrAddrInUse):
		msg = txtInUse.Format(l, e.Addr)
	case errors.Is(e.Reason, ErrListenPermission):
		msg = txtPermission.Format(l, e.Addr)
	default:
		msg = txtOther.Format(l, e.Addr, e.Err)
	}
	if IsPort25(e.Addr) {
		msg += "\n" + Port25Help.In(l)
	}
	return msg
}

// IsPort25 reports whether addr (HOST:PORT) asks for the SMTP port.
func IsPort25(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && strings.TrimLeft(port, "0") == "25"
}

// classifyListenError maps an operating system error to a Reason.
func classifyListenError(err error) error {
	switch {
	case isAddrInUse(err):
		return ErrAddrInUse
	case isPermission(err):
		return ErrListenPermission
	}
	return nil
}

// Every localized error here speaks through the one lang.Localized method.
var _ = []lang.Localized{(*ListenError)(nil)}
