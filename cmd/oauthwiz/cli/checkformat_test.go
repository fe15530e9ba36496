package cli

import "testing"

// Workflow commands are escaped as GitHub's runner reads them back: a line
// break or "::" in a message cannot end the command or start another, and
// a colon or comma in a path cannot end a property.
func TestWorkflowCommandEscaping(t *testing.T) {
	for _, tt := range []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"two\nlines\r", "two%0Alines%0D", "two%0Alines%0D"},
		{"100% sure", "100%25 sure", "100%25 sure"},
		{"Supported OS::Linux", "Supported OS::Linux", "Supported OS%3A%3ALinux"},
		{"a,b:c", "a,b:c", "a%2Cb%3Ac"},
	} {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}
