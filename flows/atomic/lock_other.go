//go:build !unix && !windows

package atomic

import "os"

// These systems (wasm, plan9) offer no file lock that oauthwiz uses: Lock
// does not exclude anything there.
func lockFile(*os.File) error { return nil }
func unlockFile(*os.File)     {}
