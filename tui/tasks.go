package tui

import (
	"context"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// tasks is where the wizard's side effects run: each under a context that
// quitting cancels (ctrl+c, or SIGINT/SIGTERM through the context Run was
// given), and Run waits for the running ones to finish their cleanup — a
// scope check deleting its objects — before it returns.
type tasks struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	cond   *sync.Cond
	n      int
}

func newTasks(parent context.Context) *tasks {
	t := &tasks{}
	t.ctx, t.cancel = context.WithCancel(parent)
	t.cond = sync.NewCond(&t.mu)
	return t
}

// child is a context for one task that can also be cancelled alone (esc).
func (t *tasks) child() (context.Context, context.CancelFunc) { return context.WithCancel(t.ctx) }

// run runs f as a tea.Cmd under the group's context.
func (t *tasks) run(f func(ctx context.Context) tea.Msg) tea.Cmd { return t.cmd(t.ctx, f) }

// cmd runs f as a tea.Cmd under ctx (one of child's), counted while it runs.
func (t *tasks) cmd(ctx context.Context, f func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t.mu.Lock()
		t.n++
		t.mu.Unlock()
		defer func() {
			t.mu.Lock()
			t.n--
			t.cond.Broadcast()
			t.mu.Unlock()
		}()
		return f(ctx)
	}
}

// stop cancels every task and waits up to limit for the running ones to
// return; it reports whether they all did.
func (t *tasks) stop(limit time.Duration) bool {
	t.cancel()
	done := make(chan struct{})
	go func() {
		t.mu.Lock()
		for t.n > 0 {
			t.cond.Wait()
		}
		t.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(limit):
		return false
	}
}

// running is how many tasks are running now.
func (t *tasks) running() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}
