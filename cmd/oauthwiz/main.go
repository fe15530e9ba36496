// Command oauthwiz takes a partner engineer from a confidential OAuth client in
// Datadog's Developer Platform to a published, tested integration.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/cli"
	"github.com/oauthwiz/oauthwiz/cmd/oauthwiz/quietinit"
)

var version = "dev"

func main() {
	quietinit.Restore() // TERM was "dumb" while packages initialized
	// SIGTERM (kill, a closing terminal multiplexer, CI) gets what Ctrl+C
	// gets: running steps are cancelled, clean up, and the exit is 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	info, ok := debug.ReadBuildInfo()
	err := cli.Main(ctx, os.Args[1:], cli.System(cli.Version(version, info, ok)))
	stop()
	if err != nil && !cli.Silent(err) {
		fmt.Fprintln(os.Stderr, "oauthwiz:", err)
	}
	os.Exit(cli.ExitCode(err))
}
