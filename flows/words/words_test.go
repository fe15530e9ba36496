package words

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n          int
		noun, want string
	}{
		{0, "probe", "0 probes"}, {1, "probe", "1 probe"}, {2, "probe", "2 probes"},
		{2, "entry", "2 entries"}, {2, "key", "2 keys"}, {1, "entry", "1 entry"},
		{3, "pass", "3 passes"}, {2, "fix", "2 fixes"}, {2, "branch", "2 branches"},
		{2, "API key", "2 API keys"}, {0, "pull request", "0 pull requests"},
	} {
		if got := Count(tt.n, tt.noun); got != tt.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}

func TestIsAre(t *testing.T) {
	if IsAre(1) != "is" || IsAre(0) != "are" || IsAre(2) != "are" {
		t.Fatal("IsAre")
	}
}

func TestMinutes(t *testing.T) {
	for d, want := range map[time.Duration]string{5 * time.Minute: "5:00", 90 * time.Second: "1:30", -time.Second: "0:00", 1500 * time.Millisecond: "0:02"} {
		if got := Minutes(d); got != want {
			t.Errorf("Minutes(%s) = %q, want %q", d, got, want)
		}
	}
}
