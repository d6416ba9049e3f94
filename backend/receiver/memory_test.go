package receiver

import (
	"fmt"
	"net/smtp"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// heapInUse is the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// rss is the process's resident set from /proc/self/status (VmRSS), or -1
// where there is no such file (not Linux).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kb int64
			if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb); err == nil {
				return kb << 10
			}
		}
	}
	return -1
}

// transcriptBytes is what a connection's transcript holds.
func transcriptBytes(c Connection) int64 {
	var n int64
	for _, e := range c.Transcript {
		n += int64(len(e.Text) + len(e.Raw))
	}
	return n
}

// TestTranscriptMemoryBounded: clients sending long command lines cannot
// make the kept transcripts grow past the per-connection byte cap, nor all
// of them past the total cap, measured in the receiver's heap.
func TestTranscriptMemoryBounded(t *testing.T) {
	const perConn, total = 64 << 10, 256 << 10
	r := start(t, Config{MaxTranscriptBytes: perConn, MaxTranscriptTotalBytes: total})
	before := heapInUse()
	rssBefore := rss()
	line := "NOOP " + strings.Repeat("x", 1900) + "\r\n"
	flight := strings.Repeat(line, 50)
	for range 8 {
		c := dial(t, r)
		c.last()
		for range 20 {
			c.send(flight)
			for range 50 {
				c.last()
			}
		}
		expect(t, "QUIT", c.cmd("QUIT"), "221 ")
		c.conn.Close()
	}
	waitFor(t, "all closed", func() bool { return r.Stats().Open == 0 })
	grown := heapInUse() - before
	rssGrown := rss() - rssBefore
	var sum int64
	for _, c := range r.Connections() {
		n := transcriptBytes(c)
		if n > perConn {
			t.Errorf("connection %d keeps %d transcript bytes, cap %d", c.ID, n, perConn)
		}
		sum += n
	}
	t.Logf("8 connections x 1000 lines of 1.9 KB: transcripts %d bytes kept, heap grew %d bytes, RSS grew %d bytes", sum, grown, rssGrown)
	if sum > total {
		t.Errorf("transcripts hold %d bytes in total, cap %d", sum, total)
	}
	// 8 MB of lines went through; the caps allow 256 KiB (x2 for Text
	// and Raw of an escaped copy) plus the receiver's own buffers.
	if grown > 4<<20 {
		t.Errorf("heap grew by %d bytes", grown)
	}
	// The resident set keeps what the heap once held until the runtime
	// returns it, so its bound is looser; without the caps the transcripts
	// alone keep about 31 MB.
	if rssBefore > 0 && rssGrown > 28<<20 {
		t.Errorf("RSS grew by %d bytes", rssGrown)
	}
}

// TestMessageBodySharesRaw: a stored message's Body is part of Raw, not a
// second copy, so MaxStoredBytes (which counts Raw) bounds the memory.
func TestMessageBodySharesRaw(t *testing.T) {
	r := start(t, Config{MaxStoredBytes: 4 << 20})
	before := heapInUse()
	body := "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("y", 998)+"\r\n", 1000)
	for range 8 {
		if err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "closed", func() bool { return r.Stats().Open == 0 })
	grown := heapInUse() - before
	msgs := r.Messages()
	var stored int64
	for _, m := range msgs {
		stored += int64(len(m.Raw))
		if len(m.Body) == 0 || unsafe.SliceData(m.Body) != unsafe.SliceData(m.Raw[len(m.Raw)-len(m.Body):]) {
			t.Errorf("message %d: Body is a second copy of %d bytes", m.ID, len(m.Body))
		}
	}
	t.Logf("%d messages kept, %d bytes of Raw, heap grew %d bytes", len(msgs), stored, grown)
	if grown > stored+stored/2+(1<<20) {
		t.Errorf("heap grew by %d bytes for %d stored", grown, stored)
	}
}

// TestSaveCapped: --save stops at MaxSaveBytes: a message that would pass
// it is refused with 452 4.3.1 (RFC 5321 §4.2.3, RFC 3463 "mail system
// full") and written nowhere.
func TestSaveCapped(t *testing.T) {
	dir := t.TempDir()
	r := start(t, Config{SaveDir: dir, MaxSaveBytes: 1000})
	body := "Subject: s\r\n\r\n" + strings.Repeat("z", 300) + "\r\n"
	var refused int
	for i := range 5 {
		err := smtp.SendMail(r.Addr().String(), nil, "a@example.com", []string{"b@example.org"}, []byte(body))
		if err != nil {
			if !strings.Contains(err.Error(), "452") || !strings.Contains(err.Error(), "4.3.1") {
				t.Fatalf("message %d: %v, want 452 4.3.1", i, err)
			}
			refused++
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var written int64
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		written += fi.Size()
	}
	if written > 1000 || refused == 0 || len(entries)+refused != 5 {
		t.Errorf("%d files, %d bytes written, %d refused; want at most 1000 bytes", len(entries), written, refused)
	}
}
