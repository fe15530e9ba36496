package main

import (
	"bytes"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminalKind is how the pseudo-terminal under a test behaves.
type terminalKind struct {
	name        string
	stdoutOnPty bool // stdout on the terminal too (else a pipe)
	answerDSR   bool // answers the cursor-position report (not OSC 11), as the Linux console and mosh do
}

// silentTerminals answer no query at all: a bare pty, a serial console.
var silentTerminals = []terminalKind{
	{name: "stdout and stderr on it", stdoutOnPty: true},
	{name: "stderr on it, stdout piped"},
}

// onPty runs the binary on a pseudo-terminal of a kind and collects what
// the wizard writes until its first screen shows.
func onPty(tb testing.TB, bin string, kind terminalKind) (out []byte, firstFrame time.Duration) {
	tb.Helper()
	cmd := exec.Command(bin, "demo", "--no-browser")
	cmd.Env = append(userEnviron(), "TERM=xterm-256color", "OAUTHWIZ_STATE_DIR="+tb.TempDir())
	if !kind.stdoutOnPty {
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
	// A pty's read deadline is not always honoured (the descriptor may be
	// blocking): the reads run apart, and a timer kills the process, which
	// ends them, if the screen does not come.
	chunks := make(chan []byte)
	go func() {
		defer close(chunks)
		for {
			chunk := make([]byte, 4096)
			n, err := f.Read(chunk)
			if err != nil {
				return
			}
			chunks <- chunk[:n]
		}
	}()
	timeout := time.After(20 * time.Second)
	var buf bytes.Buffer
	for !bytes.Contains(buf.Bytes(), []byte("Which case is this?")) {
		select {
		case chunk, ok := <-chunks:
			if !ok {
				tb.Fatalf("the terminal closed before the first screen; it got:\n%q", buf.String())
			}
			buf.Write(chunk)
			if kind.answerDSR && bytes.Contains(chunk, []byte("\x1b[6n")) {
				f.Write([]byte("\x1b[24;1R"))
			}
		case <-timeout:
			cmd.Process.Kill()
			tb.Fatalf("the first screen did not come in 20 s; the terminal got:\n%q", buf.String())
		}
	}
	return buf.Bytes(), time.Since(start)
}

// The wizard asks its terminal nothing before (or while) drawing its first
// screen, even with stdout on the terminal (where bubbletea v1's package
// init would ask for the background colour but for quietinit): a terminal
// that answers no query does not stall it. The screen is still in colour:
// TERM is the user's again once main runs.
func TestNoTerminalQueryAtStartUp(t *testing.T) {
	bin := buildBinary(t)
	colour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;5;[0-9]+)m`)
	for _, kind := range silentTerminals {
		t.Run(kind.name, func(t *testing.T) {
			out, _ := onPty(t, bin, kind)
			for name, query := range map[string]string{
				"background colour (OSC 11)": "\x1b]11;?", "foreground colour (OSC 10)": "\x1b]10;?",
				"cursor position (DSR)": "\x1b[6n", "device attributes (DA1)": "\x1b[c", "secondary attributes (DA2)": "\x1b[>c",
				"termcap (XTGETTCAP)": "\x1bP+q", "kitty keyboard": "\x1b[?u", "mode report (DECRQM)": "$p",
			} {
				if strings.Contains(string(out), query) {
					t.Errorf("the wizard sent a %s query at start-up: %q", name, out)
				}
			}
			if !colour.Match(out) {
				t.Errorf("the first screen has no colour (TERM not given back?): %q", out)
			}
		})
	}
}

// BenchmarkFirstFrameOnAConsolePty: stdout on a terminal that answers the
// cursor-position report but not OSC 11 (the Linux console, mosh).
func BenchmarkFirstFrameOnAConsolePty(b *testing.B) {
	benchmarkFirstFrame(b, terminalKind{stdoutOnPty: true, answerDSR: true})
}

// BenchmarkFirstFrameOnASilentPty: from exec to the first screen on a
// pseudo-terminal that answers nothing, stdout on it too (the demo starts
// its stand-ins as well).
func BenchmarkFirstFrameOnASilentPty(b *testing.B) {
	benchmarkFirstFrame(b, silentTerminals[0])
}

func benchmarkFirstFrame(b *testing.B, kind terminalKind) {
	bin := buildBinary(b)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		_, d := onPty(b, bin, kind)
		total += d
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-frame")
}
