package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
)

// importOnSandbox posts an exported manifest to a sandbox site's import.
func importOnSandbox(c *http.Client, appURL string, manifest []byte) (sandbox.ImportedClient, error) {
	var imp sandbox.ImportedClient
	resp, err := c.Post(appURL+"/apps/import", "application/json", bytes.NewReader(manifest))
	if err != nil {
		return imp, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &imp) != nil {
		return imp, fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return imp, nil
}
