package pagerduty

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestRegionOfIDToken(t *testing.T) {
	tests := []struct {
		name, token, region, err string
	}{
		{"US host", jwt(`{"aud":"api.pagerduty.com"}`), "us", ""},
		{"EU URL", jwt(`{"aud":"https://api.eu.pagerduty.com"}`), "eu", ""},
		{"audience list", jwt(`{"aud":["other","https://api.eu.pagerduty.com/"]}`), "eu", ""},
		{"upper case", jwt(`{"aud":"API.PAGERDUTY.COM"}`), "us", ""},
		{"unknown host", jwt(`{"aud":"api.example.com"}`), "", "names no known PagerDuty API host"},
		{"no audience", jwt(`{}`), "", "names no known"},
		{"not a JWT", "abc", "", "not a JWT"},
		{"bad base64", "a.%%%.c", "", "not base64url"},
		{"not JSON", "a." + base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".c", "", "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			region, _, err := RegionOfIDToken(tt.token)
			if region != tt.region || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("region %q err %v, want %q %q", region, err, tt.region, tt.err)
			}
		})
	}
	if _, _, err := RegionOfToken(&oauth2.Token{AccessToken: "x"}); err != ErrNoIDToken {
		t.Fatalf("no id_token: %v", err)
	}
}

func TestRequestScopesAddsOpenID(t *testing.T) {
	if got := strings.Join(RequestScopes([]string{"services.read"}), " "); got != "openid services.read" {
		t.Fatal(got)
	}
	if got := strings.Join(RequestScopes([]string{"services.read", "openid"}), " "); got != "services.read openid" {
		t.Fatal(got)
	}
}

func FuzzRegionOfIDToken(f *testing.F) {
	f.Add(jwt(`{"aud":"api.pagerduty.com"}`))
	f.Add(jwt(`{"aud":["https://api.eu.pagerduty.com"]}`))
	f.Add("..")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		region, _, err := RegionOfIDToken(s)
		if (err == nil) != (region != "") {
			t.Fatalf("%q: region %q with error %v", s, region, err)
		}
		if err == nil && CheckRegion(region) != nil {
			t.Fatalf("%q gave an unknown region %q", s, region)
		}
	})
}
