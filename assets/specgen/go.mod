module github.com/oauthwiz/oauthwiz/assets/specgen

go 1.26.8

require (
	github.com/DataDog/datadog-api-client-go/v2 v2.67.0
	github.com/getkin/kin-openapi v0.153.0
	github.com/oauthwiz/oauthwiz v0.0.0
)

require (
	github.com/DataDog/zstd v1.5.2 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/goccy/go-json v0.10.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/oauth2 v0.37.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

replace github.com/oauthwiz/oauthwiz => ../..
