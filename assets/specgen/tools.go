//go:build tools

package main

// The specs are files of this module, not code: the import keeps the
// pinned version in go.mod (and its hash in go.sum) without building it.
import _ "github.com/DataDog/datadog-api-client-go/v2/api/datadog"
