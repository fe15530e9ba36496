//go:build unix

package atomic

import (
	"errors"
	"syscall"
)

// processAlive reports whether pid runs. EPERM means it runs as another user.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
