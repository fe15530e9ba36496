package assets

// datadog_api.json is written by the specgen module from Datadog's pinned
// OpenAPI specs ('make assets' runs this).
//go:generate sh -c "cd specgen && go run . -out ../datadog_api.json"
