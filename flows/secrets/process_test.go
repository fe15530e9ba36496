package secrets

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// helperEnv makes the test binary, started again, act as one oauthwiz
// process storing secrets (see TestHelperStoreProcess).
const helperEnv = "OAUTHWIZ_TEST_STORE_HELPER"

// TestHelperStoreProcess is not a test: run by TestFileStoreAcrossProcesses
// in child processes, it stores its keys and exits.
func TestHelperStoreProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("run by TestFileStoreAcrossProcesses")
	}
	id, n := os.Getenv("HELPER_ID"), 25
	f := &File{Path: path}
	for i := 0; i < n; i++ {
		if err := f.Set(fmt.Sprintf("acme/site%s/test/api_key:%d", id, i), "key-"+id+"-"+strconv.Itoa(i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
}

// Six processes store 25 secrets each in the same file at once: every one
// of the 150 is there afterwards. Without a lock across processes, the
// read-modify-write of one process drops what another wrote meanwhile.
func TestFileStoreAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json")
	var wg sync.WaitGroup
	errs := make(chan string, 6)
	for p := 0; p < 6; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStoreProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), helperEnv+"="+path, "HELPER_ID="+strconv.Itoa(p))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Sprintf("process %d: %v\n%s", p, err, out)
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	f := &File{Path: path}
	missing := 0
	for p := 0; p < 6; p++ {
		for i := 0; i < 25; i++ {
			if v, err := f.Get(fmt.Sprintf("acme/site%d/test/api_key:%d", p, i)); err != nil || v != fmt.Sprintf("key-%d-%d", p, i) {
				missing++
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d of 150 secrets lost", missing)
	}
}
