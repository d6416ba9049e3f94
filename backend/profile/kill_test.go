package profile

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killChildEnv carries the store folder to a re-executed test binary, which
// then rewrites profiles until it is killed (see TestMain).
const (
	killChildEnv    = "SMTPPROBE_PROFILE_KILL_CHILD"
	killChildIDsEnv = "SMTPPROBE_PROFILE_KILL_IDS"
	killBodySize    = 96 << 10 // big enough that writing and syncing take a while
)

// bigProfile is generation gen of profile id. Its body is derived from the
// generation in its description, so a torn mix of two writes is detectable.
func bigProfile(id string, gen int) Profile {
	p := valid()
	p.ID = id
	p.Name = "kill " + id[:8]
	p.Description = "gen " + strconv.Itoa(gen)
	p.Message.Body = bigBody(gen)
	return p
}

func bigBody(gen int) string {
	line := fmt.Sprintf("generation %d, a line of the body\r\n", gen)
	return strings.Repeat(line, killBodySize/len(line))
}

// killChild is the writer: it announces each save on stdout and saves
// forever, until the parent's SIGKILL.
func killChild(dir string) {
	s := NewStore(dir)
	ids := strings.Split(os.Getenv(killChildIDsEnv), ",")
	out := bufio.NewWriter(os.Stdout)
	for gen := 1; ; gen++ {
		for _, id := range ids {
			out.WriteString("start\n")
			out.Flush()
			if _, err := s.Save(bigProfile(id, gen)); err != nil {
				fmt.Fprintln(os.Stderr, "child save:", err)
				os.Exit(3)
			}
		}
	}
}

// TestKillMidWrite kills a writing process 100 times at random moments and
// checks after each kill that every profile is still whole and readable:
// the atomic replace leaves the old file or the new one, never a mix.
func TestKillMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary 100 times")
	}
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is Unix; TerminateProcess behaves alike but is not exercised here")
	}
	dir := filepath.Join(t.TempDir(), "profiles")
	s := NewStore(dir)
	ids := []string{NewID(), NewID()}
	for _, id := range ids {
		mustSave(t, s, bigProfile(id, 0))
	}
	// Kill within about one save's time after a save starts, so the kill
	// lands anywhere from encoding to the rename.
	t0 := time.Now()
	mustSave(t, s, bigProfile(ids[0], 0))
	window := time.Since(t0) * 3 / 2

	const kills = 100
	midWrite := 0
	for i := 0; i < kills; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dir, killChildIDsEnv+"="+strings.Join(ids, ","))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		before := tempFiles(t, dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		started := make(chan bool, 1)
		go func() {
			// Skip a random number of saves so kills also land while the
			// second profile is being written.
			sc := bufio.NewScanner(stdout)
			n := rand.IntN(3)
			for sc.Scan() {
				if n--; n < 0 {
					started <- true
					break
				}
			}
			started <- false
		}()
		select {
		case ok := <-started:
			if !ok {
				cmd.Wait()
				t.Fatalf("child ended before writing: %s", stderr.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child never started writing: %s", stderr.String())
		}
		if i%2 == 0 {
			// Anywhere in a save: reading the old file, encoding, writing,
			// renaming.
			time.Sleep(time.Duration(rand.Int64N(int64(window) + 1)))
		} else {
			// Right inside the atomic write: once the temporary file
			// appears, the child is between create and rename.
			waitForTemp(t, dir, before)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if strings.Contains(stderr.String(), "child save") {
			t.Fatalf("child failed to save: %s", stderr.String())
		}

		for name := range tempFiles(t, dir) {
			if !before[name] {
				midWrite++ // this kill left its temporary file behind
				break
			}
		}
		list, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(ids) {
			t.Fatalf("kill %d: %d profiles listed, want %d", i, len(list), len(ids))
		}
		for _, e := range list {
			if e.Err != nil {
				t.Fatalf("kill %d: %v", i, e.Err)
			}
			gen, err := strconv.Atoi(strings.TrimPrefix(e.Profile.Description, "gen "))
			if err != nil || e.Profile.Message.Body != bigBody(gen) {
				t.Fatalf("kill %d: profile %s is a mix of two writes (%q)", i, e.ID, e.Profile.Description)
			}
		}
	}
	t.Logf("%d of %d kills left a temporary file (killed between create and rename)", midWrite, kills)
	if midWrite == 0 {
		t.Errorf("no kill landed mid-write; the test did not test what it claims")
	}
	// The next write cleans what the killed writers left.
	mustSave(t, s, bigProfile(ids[0], 0))
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			t.Errorf("temporary file not cleaned: %s", de.Name())
		}
	}
}

// tempFiles returns the names of temporary files in dir.
func tempFiles(t *testing.T, dir string) map[string]bool {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			m[de.Name()] = true
		}
	}
	return m
}

// waitForTemp polls dir until a temporary file not in old appears, for at
// most ten seconds.
func waitForTemp(t *testing.T, dir string, old map[string]bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		for name := range tempFiles(t, dir) {
			if !old[name] {
				return
			}
		}
	}
	t.Fatal("the child never created a temporary file")
}
