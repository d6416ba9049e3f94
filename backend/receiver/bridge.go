package receiver

import (
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"smtpprobe/backend/transcript"
)

// The STARTTLS bridge.
//
// After STARTTLS go-smtp wraps the connection in its own tls.Conn, so the
// recording wrapper underneath would only see ciphertext. To keep the
// transcript readable after STARTTLS, the wrapper terminates the client's
// TLS itself (outer) and hands go-smtp one end of an in-memory pipe on which
// an in-process TLS client (inner) completes go-smtp's handshake. Plaintext
// passes through the wrapper between the two and is recorded there. go-smtp
// still sees a real *tls.Conn, so its state machine (EHLO reset, AUTH only
// over TLS, no second STARTTLS) is unchanged. The cost is one extra TLS
// handshake inside the process per STARTTLS.

// startBridgeLocked creates the pipe; c.mu must be held.
func (c *recConn) startBridgeLocked() {
	smtpSide, bridgeSide := net.Pipe()
	c.inner = smtpSide
	c.r.connWG.Add(1)
	go func() {
		defer c.r.connWG.Done()
		c.runBridge(bridgeSide)
	}()
}

func (c *recConn) runBridge(bridgeSide net.Conn) {
	cfg := c.r.cfg
	// Whatever ends the bridge ends the session: go-smtp reads EOF from
	// its pipe end and closes, and the client's socket is closed.
	defer c.raw.Close()
	defer bridgeSide.Close()

	outer := tls.Server(c.raw, c.r.outerTLS)
	_ = c.raw.SetDeadline(time.Now().Add(cfg.ReadTimeout))
	if err := outer.Handshake(); err != nil {
		c.note(fmt.Sprintf("TLS handshake with the client failed: %s", transcript.EscapeString(err.Error())))
		return
	}
	_ = c.raw.SetDeadline(time.Time{})
	inner := tls.Client(bridgeSide, c.r.innerTLS)
	if err := inner.Handshake(); err != nil {
		c.note(fmt.Sprintf("internal TLS bridge failed: %v", err))
		return
	}

	st := outer.ConnectionState()
	c.mu.Lock()
	c.inTLS = true
	c.addLocked(transcript.Info, nil, fmt.Sprintf("TLS established: %s, %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite)), false)
	c.r.mu.Lock()
	c.rec.TLS = true
	c.rec.TLSVersion = tls.VersionName(st.Version)
	c.rec.TLSCipher = tls.CipherSuiteName(st.CipherSuite)
	c.r.mu.Unlock()
	c.mu.Unlock()

	toClientDone := make(chan struct{})
	go func() {
		defer close(toClientDone)
		defer c.raw.Close()
		buf := make([]byte, 32<<10)
		for {
			n, err := inner.Read(buf)
			if n > 0 {
				c.record(transcript.Server, buf[:n])
				_ = c.raw.SetWriteDeadline(time.Now().Add(cfg.WriteTimeout))
				if _, werr := outer.Write(buf[:n]); werr != nil || c.takeClose() {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()

	buf := make([]byte, 32<<10)
	for {
		// No read deadline here: go-smtp's own deadlines on its pipe end
		// decide when an idle client is dropped, and its Close ends this.
		n, err := outer.Read(buf)
		if n > 0 {
			c.record(transcript.Client, buf[:n])
			if _, werr := inner.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	bridgeSide.Close()
	<-toClientDone
}
