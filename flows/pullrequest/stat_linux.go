//go:build linux

package pullrequest

import (
	"os"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// fillStat copies what git compares to decide that a file is unchanged
// without reading it: device, inode, owner and change time.
func fillStat(e *index.Entry, st os.FileInfo) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		e.Dev, e.Inode, e.UID, e.GID = uint32(s.Dev), uint32(s.Ino), s.Uid, s.Gid
		e.CreatedAt = time.Unix(int64(s.Ctim.Sec), int64(s.Ctim.Nsec))
	}
}
