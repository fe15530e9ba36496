package scopes_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/oauthwiz/oauthwiz/flows/sandbox"
	"github.com/oauthwiz/oauthwiz/flows/scopes"
)

// BenchmarkSevenSitesEveryProbe runs the scope checks on 7 sites × every
// probed scope (61: the written probes, the reads derived from Datadog's
// spec, the API key) with 50 ms of injected latency on every API call and a
// rate limit of 10 requests per 250 ms per site, and reports the ratio of
// the measured time to the ideal one (budget: 1.25).
func BenchmarkSevenSitesEveryProbe(b *testing.B) {
	const (
		latency     = 50 * time.Millisecond
		limit       = 10
		period      = 250 * time.Millisecond
		concurrency = 4
	)
	sites := []string{"us1", "us3", "us5", "eu1", "ap1", "ap2", "uk1"}
	requested := probeScopes()
	sb, targets := authorized(b, sandbox.Options{RateLimit: limit, RatePeriod: period}, sites, requested)
	sb.SetFaults([]sandbox.Fault{{Path: "/api/", Latency: latency}})
	var perSite int
	time.Sleep(time.Until(time.Now().Truncate(period).Add(period)))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		before := sb.APIRequests()
		rep := scopes.Run(context.Background(), scopes.Options{Targets: targets, Requested: requested, Concurrency: concurrency})
		if rep.Failed() {
			b.Fatalf("%+v", rep)
		}
		// Every request a site received (reads, sweeps, writes, cleanups,
		// the refusal probe), less the API key's two, which count against
		// the key's own window.
		perSite = (sb.APIRequests()-before)/len(sites) - 2
		b.StopTimer()
		paused := time.Now()
		time.Sleep(time.Until(time.Now().Truncate(period).Add(period))) // start the next run on a fresh window
		start = start.Add(time.Since(paused))
		b.StartTimer()
	}
	elapsed := time.Since(start)
	// Ideal: every site in parallel, bound by latency with the given
	// concurrency, or by the rate limit: full windows, then the last
	// requests at the given concurrency.
	latencyBound := time.Duration(math.Ceil(float64(perSite)/concurrency)) * latency
	full := (perSite - 1) / limit
	rateBound := time.Duration(full)*period + time.Duration(math.Ceil(float64(perSite-full*limit)/concurrency))*latency
	ideal := max(latencyBound, rateBound)
	ratio := float64(elapsed) / float64(b.N) / float64(ideal)
	b.ReportMetric(ratio, "x-ideal")
	b.ReportMetric(float64((perSite+2)*len(sites)), "requests/op")
	if sb.RateLimited() != 0 {
		b.Fatalf("the rate limit was exceeded %d times", sb.RateLimited())
	}
}
