// Package secrets keeps client secrets, tokens and API keys out of every file
// oauthwiz writes except the OS keyring or, where no keyring works, one 0600
// file the user was warned about.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/oauthwiz/oauthwiz/flows/atomic"
)

// ErrNotFound means no secret is stored under that key.
var ErrNotFound = errors.New("no secret stored under that key")

// Store is where secrets live.
type Store interface {
	Get(key string) (string, error)
	Set(key, value string) error
	Delete(key string) error
	// Where says, for messages, where secrets are kept.
	Where() string
}

// Key builds the name a secret is stored under: one namespace per integration,
// site and client kind (test or published).
func Key(integration, site, kind, item string) string {
	return strings.Join([]string{integration, site, kind, item}, "/")
}

// Mask shows enough of a secret to recognise it and never enough to use it.
func Mask(s string) string {
	switch n := len(s); {
	case n == 0:
		return ""
	case n >= 16:
		return s[:4] + "…" + s[n-4:]
	case n >= 8:
		return "…" + s[n-4:]
	default:
		return "****"
	}
}

// ErrKeyringTimeout means the OS keyring did not answer in time: often a
// locked keyring waiting for its password in a dialog.
var ErrKeyringTimeout = errors.New("the OS keyring did not answer")

// KeyringBackend is the OS keyring's API (go-keyring's functions unless a
// test gives another).
type KeyringBackend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

type osKeyring struct{}

func (osKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osKeyring) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }

// maxKeyringWait bounds how long a user can choose to wait for the keyring.
const maxKeyringWait = 2 * time.Minute

// Keyring stores secrets in the OS keyring under one service name.
type Keyring struct {
	Service string
	// Timeout bounds each call: a locked or absent keyring daemon can hang.
	Timeout time.Duration
	// Wait, when set, is asked once the keyring has been silent for that
	// long (a locked keyring may be waiting for its password): true keeps
	// waiting, false gives up with ErrKeyringTimeout.
	Wait    func(waited time.Duration) bool
	Backend KeyringBackend
}

func (k Keyring) backend() KeyringBackend {
	if k.Backend == nil {
		return osKeyring{}
	}
	return k.Backend
}

func (k Keyring) run(fn func() error) error {
	timeout := k.Timeout
	if timeout == 0 {
		timeout = 3 * time.Second
	}
	done := make(chan error, 1)
	go func() { done <- fn() }()
	waited := time.Duration(0)
	for {
		select {
		case err := <-done:
			return err
		case <-time.After(timeout):
			waited += timeout
			if k.Wait == nil || waited >= maxKeyringWait || !k.Wait(waited) {
				return fmt.Errorf("%w within %s (is it locked, waiting for its password?)", ErrKeyringTimeout, waited.Round(time.Second))
			}
			timeout = 10 * time.Second
		}
	}
}

func (k Keyring) Get(key string) (string, error) {
	var v string
	err := k.run(func() (e error) { v, e = k.backend().Get(k.Service, key); return })
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotFound
	}
	return v, err
}

func (k Keyring) Set(key, value string) error {
	return k.run(func() error { return k.backend().Set(k.Service, key, value) })
}

func (k Keyring) Delete(key string) error {
	err := k.run(func() error { return k.backend().Delete(k.Service, key) })
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

func (k Keyring) Where() string { return "the OS keyring (service " + k.Service + ")" }

// File stores secrets as JSON in one file of mode 0600. Every change is a
// read-modify-write under a lock that holds across processes, written
// atomically: six commands storing six API keys at once keep all six.
type File struct {
	Path string
}

func (f *File) parse(b []byte) (map[string]string, error) {
	m := map[string]string{}
	if len(b) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON (%v): move it aside and store the secrets again", f.Path, err)
	}
	return m, nil
}

// update applies change to the stored map under the lock.
func (f *File) update(change func(m map[string]string) bool) error {
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return err
	}
	return atomic.Update(f.Path, 0o600, func(old []byte) ([]byte, error) {
		m, err := f.parse(old)
		if err != nil || !change(m) {
			return nil, err
		}
		return json.MarshalIndent(m, "", "  ")
	})
}

func (f *File) Get(key string) (string, error) {
	b, err := os.ReadFile(f.Path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	m, err := f.parse(b)
	if err != nil {
		return "", err
	}
	v, ok := m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (f *File) Set(key, value string) error {
	return f.update(func(m map[string]string) bool { m[key] = value; return true })
}

func (f *File) Delete(key string) error {
	return f.update(func(m map[string]string) bool {
		if _, ok := m[key]; !ok {
			return false
		}
		delete(m, key)
		return true
	})
}

func (f *File) Where() string { return f.Path + " (mode 0600)" }

// Fallback uses Primary (the keyring) and, when it fails, Secondary (the file),
// after telling the user once through Warn.
type Fallback struct {
	Primary, Secondary Store
	Warn               func(string)
	// Told is a file that remembers the warning given (empty: none): the
	// same unusable keyring is not announced again on every command; a
	// different reason is.
	Told     string
	warned   sync.Once
	degraded bool
	why      error // the keyring's first failure
	mu       sync.Mutex
}

func (f *Fallback) fallBack(err error) {
	f.mu.Lock()
	if !f.degraded {
		f.degraded, f.why = true, err
	}
	f.mu.Unlock()
	f.warned.Do(func() {
		if f.Warn == nil {
			return
		}
		if errors.Is(err, ErrKeyringTimeout) {
			f.Warn(fmt.Sprintf("warning: %v; for this run, secrets go to %s instead. Unlock the keyring and run again to keep them there, or set OAUTHWIZ_KEYRING=file to use the file without waiting", err, f.Secondary.Where()))
			return
		}
		msg := fmt.Sprintf("warning: the OS keyring is not usable (%v); secrets go to %s instead", err, f.Secondary.Where())
		if f.Told != "" {
			if told, rerr := os.ReadFile(f.Told); rerr == nil && string(told) == msg {
				return // said on an earlier run, for the same reason
			}
			// Remembered only once said: a file that cannot be written
			// means the warning comes again next time, which is harmless.
			defer func() {
				if os.MkdirAll(filepath.Dir(f.Told), 0o700) == nil {
					_ = atomic.WriteFile(f.Told, []byte(msg), 0o600)
				}
			}()
		}
		f.Warn(msg + " (said once; again if the reason changes)")
	})
}

func (f *Fallback) isDegraded() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.degraded }

func (f *Fallback) Get(key string) (string, error) {
	if !f.isDegraded() {
		v, err := f.Primary.Get(key)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, ErrNotFound) {
			f.fallBack(err)
		}
	}
	return f.Secondary.Get(key)
}

func (f *Fallback) Set(key, value string) error {
	if !f.isDegraded() {
		err := f.Primary.Set(key, value)
		if err == nil {
			return nil
		}
		f.fallBack(err)
	}
	return f.Secondary.Set(key, value)
}

func (f *Fallback) Delete(key string) error {
	var errs []error
	if !f.isDegraded() {
		if err := f.Primary.Delete(key); err != nil {
			f.fallBack(err)
		}
	}
	if err := f.Secondary.Delete(key); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Where names the store in use; once the keyring has failed, with the
// reason, so every screen that says where a secret went also says why it is
// not in the keyring.
func (f *Fallback) Where() string {
	f.mu.Lock()
	degraded, why := f.degraded, f.why
	f.mu.Unlock()
	if degraded {
		return fmt.Sprintf("%s, not the OS keyring (%v)", f.Secondary.Where(), why)
	}
	return f.Primary.Where()
}

// Memory is an in-process store for tests and the demo.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

func (m *Memory) Get(key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

func (m *Memory) Set(key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]string{}
	}
	m.m[key] = value
	return nil
}

func (m *Memory) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}

func (m *Memory) Where() string { return "memory (this process only)" }

// Values lists every stored value, so tests can scan outputs for them.
func (m *Memory) Values() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, v := range m.m {
		out = append(out, v)
	}
	return out
}

// StateDir is where oauthwiz keeps its files: $OAUTHWIZ_STATE_DIR, else
// $XDG_STATE_HOME/oauthwiz, else ~/.local/state/oauthwiz. getenv is the
// environment as the caller has it (os.Getenv for the process).
func StateDir(getenv func(string) string) string {
	if d := getenv("OAUTHWIZ_STATE_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "oauthwiz")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "oauthwiz")
	}
	return filepath.Join(home, ".local", "state", "oauthwiz")
}

// Default is the store the commands use: the OS keyring, falling back to
// secrets.json in the state folder. OAUTHWIZ_KEYRING=file skips the keyring.
// wait (nil without a terminal to ask on) is asked when the keyring is slow
// to answer; see Keyring.Wait.
func Default(getenv func(string) string, warn func(string), wait func(time.Duration) bool) Store {
	file := &File{Path: filepath.Join(StateDir(getenv), "secrets.json")}
	if getenv("OAUTHWIZ_KEYRING") == "file" {
		return file
	}
	return &Fallback{Primary: Keyring{Service: "oauthwiz", Wait: wait}, Secondary: file, Warn: warn,
		Told: filepath.Join(StateDir(getenv), "keyring-warning")}
}
