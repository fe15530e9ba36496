package cli_test

import (
	"strconv"
	"testing"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// freePort is a loopback port nothing listens on (see
// sandbox.FreeLoopbackPort: outside the ephemeral range).
func freePort(testing.TB) string { return strconv.Itoa(sandbox.FreeLoopbackPort()) }
