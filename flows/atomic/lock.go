package atomic

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Lock takes an exclusive lock that holds across processes on path (through
// the file path+".lock", which is left in place: removing it would let two
// processes lock two different files). It blocks until the lock is free;
// the returned function releases it.
func Lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() {
		unlockFile(f)
		f.Close()
	}, nil
}

// Update changes a file under Lock: it reads the current content (nil when
// the file does not exist yet), lets change compute the new one, and writes
// it atomically — so that two processes updating the same file both keep
// their change. change returning nil, nil leaves the file as it is.
func Update(path string, perm os.FileMode, change func(old []byte) ([]byte, error)) error {
	unlock, err := Lock(path)
	if err != nil {
		return err
	}
	defer unlock()
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	b, err := change(old)
	if err != nil || b == nil {
		return err
	}
	return WriteFile(path, b, perm)
}
