package secrets

import (
	"strings"
	"testing"
)

// Fake credentials, assembled at run time so that this file holds none. Each
// has the shape the issuer documents; none was ever valid.
func fake(parts ...string) string { return strings.Join(parts, "") }

// The ten kinds a security reviewer expects found in a change, each as a
// partner would write it in a README, a config or a script.
func TestScanFindsEveryKind(t *testing.T) {
	tests := []struct{ kind, text string }{
		{"Datadog API key", "DD_API_KEY=" + fake("4f8c2a9e1b7d", "3c6a5e0f9b2d", "8a1c7e4f") + "\n"},
		{"Datadog application key", "datadog_app_key: " + fake("9c1e7a3f5b2d8e4a", "6c0f1b9d3e7a5c2f", "8b4d6e1a") + "\n"},
		{"OAuth client secret", `{"client_secret": "` + fake("dd", "oc_", "Qm7vT2xKp9LrW4sZ8nYc3HfJ6bEa") + `"}`},
		{"GitHub token", "git clone https://x:" + fake("gh", "p_", "R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3s9Xy") + "@github.com/acme/x\n"},
		{"AWS key pair", "aws_access_key_id = " + fake("AK", "IA", "QYLPMN5HHHFPZAM2") + "\naws_secret_access_key = " + fake("wJa1rXUtnFEMI/K7MDENG/", "bPxRfiCYzQ8mHk3dNq2") + "\n"},
		{"private key", fake("-----BEGIN ", "RSA PRIVATE KEY-----\n") + strings.Repeat("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n", 3) + fake("-----END ", "RSA PRIVATE KEY-----\n")},
		{"Slack token", "SLACK=" + fake("xo", "xb-", "1234567890123-1234567890123-", "aB3dE5fG7hI9jK1lM3nO5pQ7") + "\n"},
		{"PagerDuty token", `curl -H "Authorization: Token token=` + fake("y_Nb", "AkKc66ryYTWUXYEu") + `" https://api.pagerduty.com/users`},
		{"JWT", "id_token=" + fake("eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".", "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk") + "\n"},
		{"bearer token", "Authorization: Bearer " + fake("ya29", ".a0AfH6SMBx3kQ9vW7tZpL2", "nR8cY5mD4jH") + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			hits := Scan([]byte("# config\n"+tt.text), nil)
			if len(hits) == 0 {
				t.Fatalf("nothing found in %q", tt.text)
			}
			for _, h := range hits {
				if h.Line < 2 || strings.Contains(tt.text, h.Masked) && len(h.Masked) > 12 {
					t.Errorf("hit %+v: wrong line, or the value is not masked", h)
				}
			}
		})
	}
}

// Placeholders in documentation are not secrets.
func TestScanIgnoresPlaceholders(t *testing.T) {
	for _, text := range []string{
		"DD_API_KEY=<YOUR_API_KEY>",
		"api_key: ${DD_API_KEY}",
		`"client_secret": "********************"`,
		"Authorization: Bearer <ACCESS_TOKEN>",
		"Authorization: Bearer {{access_token}}",
		"dd_api_key = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"Send your [API key](/organization-settings/api-keys) with each request.",
	} {
		if hits := Scan([]byte(text), nil); len(hits) != 0 {
			t.Errorf("%q: %+v", text, hits)
		}
	}
}
