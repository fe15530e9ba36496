package authorize_test

import (
	"context"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/internal/authtest"

	"github.com/oauthwiz/oauthwiz/flows/authorize"
	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// BenchmarkAuthorizeFlow is one whole test authorization against the
// in-process sandbox: listener, authorize redirect, callback, token exchange.
func BenchmarkAuthorizeFlow(b *testing.B) {
	sb, c := startSandbox(b, sandbox.Options{AutoApprove: true, Sites: []string{"us1"}})
	opts := options(sb, c)
	opts.Timeout = 10 * time.Second
	opts.OnURL = func(u, _ string) { go sandbox.Browse(u) }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := authtest.Run(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefresh is one refresh_token grant against the sandbox.
func BenchmarkRefresh(b *testing.B) {
	sb, c := startSandbox(b, sandbox.Options{AutoApprove: true, Sites: []string{"us1"}})
	opts := options(sb, c)
	opts.OnURL = func(u, _ string) { go sandbox.Browse(u) }
	res, err := authtest.Run(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := authorize.Refresh(context.Background(), opts, res.Token.RefreshToken); err != nil {
			b.Fatal(err)
		}
	}
}
