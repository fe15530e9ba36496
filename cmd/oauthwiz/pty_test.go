package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// silentPty runs the binary on a pseudo-terminal that answers no query
// and collects what the wizard writes until its first screen shows. The
// wizard draws on stderr; stdout (results) goes to a pipe here, because
// bubbletea v1 itself asks stdout's terminal for its background colour
// when the package initializes (tea_init.go, before any code of ours runs;
// gone in v2): a terminal that answers neither that nor the cursor report
// stalls there for termenv's 5 s timeout.
func silentPty(tb testing.TB, bin string) (out []byte, firstFrame time.Duration) {
	return onPty(tb, bin, false)
}

// onPty runs the binary on a pseudo-terminal; answerDSR makes the terminal
// answer the cursor-position report alone (as the Linux console and mosh
// do, and not OSC 11), with stdout on the terminal too.
func onPty(tb testing.TB, bin string, answerDSR bool) (out []byte, firstFrame time.Duration) {
	tb.Helper()
	cmd := exec.Command(bin, "demo", "--no-browser")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "OAUTHWIZ_STATE_DIR="+tb.TempDir())
	if !answerDSR {
		cmd.Stdout = io.Discard
	}
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		tb.Skipf("no pseudo-terminal here: %v", err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	}()
	var buf bytes.Buffer
	chunk := make([]byte, 4096)
	f.SetReadDeadline(time.Now().Add(20 * time.Second))
	for !bytes.Contains(buf.Bytes(), []byte("Which case is this?")) {
		n, err := f.Read(chunk)
		if err != nil {
			tb.Fatalf("the first screen never came (%v); the terminal got:\n%q", err, buf.String())
		}
		buf.Write(chunk[:n])
		if answerDSR && bytes.Contains(chunk[:n], []byte("\x1b[6n")) {
			f.Write([]byte("\x1b[24;1R"))
		}
	}
	return buf.Bytes(), time.Since(start)
}

// The wizard asks its terminal nothing before (or while) drawing its first
// screen: a terminal that answers no query does not stall it.
func TestNoTerminalQueryAtStartUp(t *testing.T) {
	out, _ := silentPty(t, buildBinary(t))
	for name, query := range map[string]string{
		"background colour (OSC 11)": "\x1b]11;?", "foreground colour (OSC 10)": "\x1b]10;?",
		"cursor position (DSR)": "\x1b[6n", "device attributes (DA1)": "\x1b[c", "secondary attributes (DA2)": "\x1b[>c",
		"termcap (XTGETTCAP)": "\x1bP+q", "kitty keyboard": "\x1b[?u", "mode report (DECRQM)": "$p",
	} {
		if strings.Contains(string(out), query) {
			t.Errorf("the wizard sent a %s query at start-up: %q", name, out)
		}
	}
}

// BenchmarkFirstFrameOnAConsolePty: stdout on a terminal that answers the
// cursor-position report but not OSC 11 (the Linux console, mosh):
// bubbletea v1's init query ends at once.
func BenchmarkFirstFrameOnAConsolePty(b *testing.B) {
	bin := buildBinary(b)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		_, d := onPty(b, bin, true)
		total += d
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-frame")
}

// BenchmarkFirstFrameOnASilentPty: from exec to the first screen on a
// pseudo-terminal that answers nothing (the demo starts its stand-ins too).
func BenchmarkFirstFrameOnASilentPty(b *testing.B) {
	bin := buildBinary(b)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		_, d := silentPty(b, bin)
		total += d
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-frame")
}
