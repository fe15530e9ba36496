// Package atomic writes files so that a crash never leaves one half-written.
package atomic

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteFile writes through a temporary file in the same folder, synced, then
// renamed over path. Temporary files of the same path whose writer is gone
// (a process killed before its rename) are removed first, so a kill leaves
// no stray file behind for long: the next write of that path clears it.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	prefix := "." + filepath.Base(path) + ".tmp-"
	removeOrphans(filepath.Dir(path), prefix)
	tmp, err := os.CreateTemp(filepath.Dir(path), prefix+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op after the rename
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}

// removeOrphans deletes prefix<pid>-* files whose process no longer runs.
// A file of a live process (another write in progress) is left alone.
func removeOrphans(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || e.IsDir() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil {
			continue // not one of ours
		}
		if pid != os.Getpid() && processAlive(pid) {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}
