package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// manifestWithSupport is a manifest.json with tile.support and no
// tile.uninstallation (the readme package's tests read it too).
var manifestWithSupport = mustRead("testdata/manifest_with_support.json")

func mustRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestFixManifest(t *testing.T) {
	tests := []struct {
		name, in, want string
		edits          ManifestEdits
		changed        bool
	}{
		{
			name:    "inserted right beneath support",
			in:      manifestWithSupport,
			want:    strings.Replace(manifestWithSupport, `"support": "README.md#Support",`, `"support": "README.md#Support",`+"\n    \"uninstallation\": \"README.md#Uninstallation\",", 1),
			edits:   ManifestEdits{Uninstallation: true},
			changed: true,
		},
		{
			name:    "no support: last in tile",
			in:      "{\n\t\"tile\": {\n\t\t\"title\": \"Acme\"\n\t}\n}",
			want:    "{\n\t\"tile\": {\n\t\t\"title\": \"Acme\",\n\t\t\"uninstallation\": \"README.md#Uninstallation\"\n\t}\n}",
			edits:   ManifestEdits{Uninstallation: true},
			changed: true,
		},
		{
			name:    "wrong anchor value is replaced",
			in:      `{"tile": {"support": "README.md#Support", "uninstallation": "README.md#uninstall"}}`,
			want:    `{"tile": {"support": "README.md#Support", "uninstallation": "README.md#Uninstallation"}}`,
			edits:   ManifestEdits{Uninstallation: true},
			changed: true,
		},
		{
			name:  "already right",
			in:    `{"tile": {"support": "README.md#Support", "uninstallation": "README.md#Uninstallation"}}`,
			want:  `{"tile": {"support": "README.md#Support", "uninstallation": "README.md#Uninstallation"}}`,
			edits: ManifestEdits{Uninstallation: true},
		},
		{
			name:    "one-line tile",
			in:      `{"tile": {"support": "README.md#Support", "title": "Acme"}}`,
			want:    `{"tile": {"support": "README.md#Support", "uninstallation": "README.md#Uninstallation", "title": "Acme"}}`,
			edits:   ManifestEdits{Uninstallation: true},
			changed: true,
		},
		{
			name:    "app_uuid replaced in place",
			in:      manifestWithSupport,
			want:    strings.Replace(manifestWithSupport, "0193a8e2-6f0c-7c3e-9d1a-2b4c6d8e0f12", "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c", 1),
			edits:   ManifestEdits{AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"},
			changed: true,
		},
		{
			name:    "app_uuid added after manifest_version, CRLF kept",
			in:      "{\r\n  \"manifest_version\": \"2.0.0\",\r\n  \"tile\": {}\r\n}\r\n",
			want:    "{\r\n  \"manifest_version\": \"2.0.0\",\r\n  \"app_uuid\": \"5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c\",\r\n  \"tile\": {}\r\n}\r\n",
			edits:   ManifestEdits{AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"},
			changed: true,
		},
		{
			name:    "empty tile",
			in:      "{\n  \"tile\": {}\n}\n",
			want:    "{\n  \"tile\": {\n    \"uninstallation\": \"README.md#Uninstallation\"\n  }\n}\n",
			edits:   ManifestEdits{Uninstallation: true},
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changed, err := FixManifest("manifest.json", []byte(tt.in), tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			if changed != tt.changed || string(out) != tt.want {
				t.Fatalf("changed=%v\n--- got\n%s\n--- want\n%s", changed, out, tt.want)
			}
			again, changed2, err := FixManifest("manifest.json", out, tt.edits)
			if err != nil || changed2 || !bytes.Equal(again, out) {
				t.Fatalf("second run changed it: %v\n%s", err, again)
			}
		})
	}
}

func TestFixManifestBadInput(t *testing.T) {
	_, _, err := FixManifest("acme/manifest.json", []byte("{\n  \"tile\": {\n    \"title\": \"x\",\n  }\n}"), ManifestEdits{Uninstallation: true})
	if pe, ok := err.(*PosError); !ok || pe.Line != 4 || !strings.HasPrefix(err.Error(), "acme/manifest.json:4:") {
		t.Fatalf("trailing comma: %v", err)
	}
	if _, _, err := FixManifest("m.json", []byte(`{"app_id": "x"}`), ManifestEdits{Uninstallation: true}); err == nil || !strings.Contains(err.Error(), `no "tile" object`) {
		t.Fatalf("no tile: %v", err)
	}
	if _, _, err := FixManifest("m.json", []byte(`[1]`), ManifestEdits{Uninstallation: true}); err == nil {
		t.Fatal("an array is not a manifest")
	}
}

// FuzzFixManifest: the result parses, equals the input plus the intended
// keys once decoded, keeps the input as a subsequence of bytes, and a second
// run changes nothing.
func FuzzFixManifest(f *testing.F) {
	f.Add(manifestWithSupport)
	f.Add(`{"tile":{}}`)
	f.Add(`{"tile":{"support":"x","uninstallation":"y"},"app_uuid":1}`)
	f.Add("{\"a\":\"\\\"}\",\"tile\":{\"support\":[1,{\"}\":2}]}}")
	f.Fuzz(func(t *testing.T, in string) {
		edits := ManifestEdits{Uninstallation: true, AppUUID: "5b1e5b6e-0d4a-4a8e-9c1f-2d3e4f5a6b7c"}
		out, _, err := FixManifest("m.json", []byte(in), edits)
		if err != nil {
			return
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("result does not parse: %v\n%s", err, out)
		}
		var before map[string]any
		json.Unmarshal([]byte(in), &before)
		tile, _ := before["tile"].(map[string]any)
		if _, had := before["app_uuid"]; !had && tile != nil {
			if _, had := tile["uninstallation"]; !had && !isByteSubsequence([]byte(in), out) {
				// Pure insertions: every byte of the input is still there, in order.
				t.Fatalf("input bytes lost:\n%s\n->\n%s", in, out)
			}
		}
		again, changed, err := FixManifest("m.json", out, edits)
		if err != nil || changed || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %v\n%s\n%s", err, out, again)
		}
	})
}

func isByteSubsequence(a, b []byte) bool {
	i := 0
	for _, c := range b {
		if i < len(a) && a[i] == c {
			i++
		}
	}
	return i == len(a)
}
