//go:build !unix

package atomic

import "os"

// processAlive reports whether pid runs; where that cannot be asked, a
// process that can be found is taken as running.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
