package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/oauthwiz/oauthwiz/flows/devplatform"
)

// Prompter is how the commands ask a person something. All prompts of a
// process share one reader of standard input, so a line typed ahead for the
// second question is not swallowed by the first one's buffer.
type Prompter interface {
	devplatform.Prompter
	// Confirm asks a yes/no question; only y or yes is yes.
	Confirm(ctx context.Context, question string) (bool, error)
}

// terminalPrompter asks on stderr and reads stdin (secrets without echo).
type terminalPrompter struct {
	err        io.Writer
	in         *bufio.Reader
	readSecret func(prompt string) (string, error)
	mu         sync.Mutex
}

func (p *terminalPrompter) Say(text string) { fmt.Fprintln(p.err, text) }

func (p *terminalPrompter) Ask(ctx context.Context, label string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.err, label)
	line, err := p.in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", ErrCancelled
	}
	return strings.TrimSpace(line), ctx.Err()
}

func (p *terminalPrompter) AskSecret(ctx context.Context, label string) (string, error) {
	if p.readSecret == nil {
		return p.Ask(ctx, label)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	v, err := p.readSecret(label)
	if err != nil {
		return "", ErrCancelled
	}
	return strings.TrimSpace(v), ctx.Err()
}

func (p *terminalPrompter) Confirm(ctx context.Context, question string) (bool, error) {
	a, err := p.Ask(ctx, question+" [y/N] ")
	if err != nil {
		return false, err
	}
	a = strings.ToLower(a)
	return a == "y" || a == "yes", nil
}

// prompter is the person to ask, or nil when there is none (no terminal).
func (sys *IO) prompter() Prompter {
	if !sys.Interactive {
		return nil
	}
	if sys.Prompt == nil {
		sys.Prompt = &terminalPrompter{err: sys.Err, in: sys.lines(), readSecret: sys.ReadSecret}
	}
	return sys.Prompt
}

// devPlatformPrompter is the prompter as the Developer Platform takes it (a
// nil interface, not a typed nil, when there is nobody to ask).
func (sys *IO) devPlatformPrompter() devplatform.Prompter {
	if p := sys.prompter(); p != nil {
		return p
	}
	return nil
}
