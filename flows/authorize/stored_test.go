package authorize

import (
	"testing"
	"time"
)

func TestLifetime(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{24 * time.Hour, "24h"},
		{24*time.Hour - 10*time.Second, "24h"},
		{time.Hour, "1h"},
		{59*time.Minute + 40*time.Second, "1h"},
		{90 * time.Minute, "1h30m0s"},
		{5 * time.Minute, "5m0s"},
	} {
		if got := Lifetime(tt.d); got != tt.want {
			t.Errorf("Lifetime(%s) = %s, want %s", tt.d, got, tt.want)
		}
	}
}
