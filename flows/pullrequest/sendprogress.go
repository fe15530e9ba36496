package pullrequest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/oauthwiz/oauthwiz/flows/words"
)

// go-git sends a push's pack to an http(s) remote as the body of one POST to
// git-receive-pack, built in memory first (so its length is known), and says
// nothing while it goes. A transport installed for http and https counts
// that body's bytes as they leave, for the pushes that asked (a writer in the
// request's context); every other request passes through untouched. go-git's
// protocol table is process-wide: installing there is the only way in.

type sendReportKey struct{}

// withSendReport asks the push run under the returned context to write
// lines saying how much of its pack has been sent to w.
func withSendReport(ctx context.Context, w io.Writer) context.Context {
	installSendCounter.Do(func() {
		c := githttp.NewClient(&http.Client{Transport: sendCounter{next: http.DefaultTransport}})
		client.InstallProtocol("http", c)
		client.InstallProtocol("https", c)
	})
	return context.WithValue(ctx, sendReportKey{}, w)
}

var installSendCounter sync.Once

type sendCounter struct{ next http.RoundTripper }

func (t sendCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	w, _ := req.Context().Value(sendReportKey{}).(io.Writer)
	if w == nil || req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/git-receive-pack") || req.Body == nil || req.ContentLength <= 0 {
		return t.next.RoundTrip(req)
	}
	objects := -1
	if req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			head, _ := io.ReadAll(io.LimitReader(body, 64<<10))
			body.Close()
			if n, ok := packObjectCount(head); ok {
				objects = int(n)
			}
		}
	}
	counted := req.Clone(req.Context())
	counted.Body = &countingBody{ReadCloser: req.Body, report: sendReport{w: w, total: req.ContentLength, objects: objects}}
	return t.next.RoundTrip(counted)
}

// countingBody reports its bytes as the transport reads them.
type countingBody struct {
	io.ReadCloser
	report sendReport
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.report.add(n)
	return n, err
}

// sendReport writes a line at each tenth of the pack sent and one when all
// of it is.
type sendReport struct {
	w           io.Writer
	sent, total int64
	objects     int // -1: the body held no pack header we could read
	lastTenth   int64
	finished    bool
}

func (r *sendReport) add(n int) {
	if n <= 0 || r.finished {
		return
	}
	r.sent += int64(n)
	if r.sent >= r.total {
		r.finished = true
		fmt.Fprintf(r.w, "Sent %s, %s\n", r.what(), sizeOf(int(r.total)))
		return
	}
	if tenth := r.sent * 10 / r.total; tenth > r.lastTenth {
		r.lastTenth = tenth
		fmt.Fprintf(r.w, "Sending %s: %s of %s (%d%%)\n", r.what(), sizeOf(int(r.sent)), sizeOf(int(r.total)), r.sent*100/r.total)
	}
}

// what names what is sent: its objects, when the header said.
func (r *sendReport) what() string {
	if r.objects < 0 {
		return "the pack"
	}
	return words.Count(r.objects, "object")
}

// packObjectCount reads the number of objects from a receive-pack request:
// pkt-line commands up to a flush packet, then the pack's 12-byte header
// ("PACK", version 2 or 3, object count, big-endian).
func packObjectCount(body []byte) (uint32, bool) {
	for {
		if len(body) < 4 {
			return 0, false
		}
		size, err := strconv.ParseUint(string(body[:4]), 16, 16)
		if err != nil {
			return 0, false
		}
		if size == 0 {
			body = body[4:]
			break
		}
		if size < 4 || int(size) > len(body) {
			return 0, false
		}
		body = body[size:]
	}
	if len(body) < 12 || !bytes.HasPrefix(body, []byte("PACK")) {
		return 0, false
	}
	if v := binary.BigEndian.Uint32(body[4:8]); v != 2 && v != 3 {
		return 0, false
	}
	return binary.BigEndian.Uint32(body[8:12]), true
}
