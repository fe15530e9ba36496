package scopes

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter keeps one site's requests within the rate limit its answers
// announce (X-RateLimit-Remaining and -Reset), so that 429s are not needed.
type limiter struct {
	mu        sync.Mutex
	known     bool
	remaining int // requests we may still send in the window
	reset     time.Time
	inflight  int // sent and not answered yet
	minRem    int // the smallest Remaining an answer gave in this window
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
}

// wait blocks until a request may be sent, and counts it.
func (l *limiter) wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		now := l.now()
		if l.known && !now.Before(l.reset) {
			l.known = false // the window has passed
		}
		if !l.known || l.remaining > 0 {
			if l.known {
				l.remaining--
			}
			l.inflight++
			l.mu.Unlock()
			return nil
		}
		d := l.reset.Sub(now)
		l.mu.Unlock()
		if err := l.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// done ends a request; h is its answer's header (nil when none came).
// Two estimates of what may still be sent are both safe: the count kept
// since the window began (one less per request sent), and the smallest
// Remaining the server gave minus the requests still in flight (answers can
// come back out of order, so only the smallest one is trusted). The larger
// of the two is used.
func (l *limiter) done(h http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inflight--
	if h == nil {
		return
	}
	rem, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	secs, err2 := strconv.ParseFloat(h.Get("X-RateLimit-Reset"), 64)
	if err1 != nil || err2 != nil {
		return
	}
	reset := l.now().Add(time.Duration(secs * float64(time.Second)))
	if !l.known || reset.After(l.reset.Add(100*time.Millisecond)) {
		// A new window.
		l.known, l.reset, l.minRem, l.remaining = true, reset, rem, rem-l.inflight
		return
	}
	l.minRem = min(l.minRem, rem)
	l.remaining = max(l.remaining, l.minRem-l.inflight)
}

// resetDelay is how long a 429 asks to wait.
func resetDelay(h http.Header) time.Duration {
	if secs, err := strconv.ParseFloat(h.Get("X-RateLimit-Reset"), 64); err == nil && secs > 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if secs, err := strconv.Atoi(h.Get("Retry-After")); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	return time.Second
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
