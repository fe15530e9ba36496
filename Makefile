# oauthwiz — see README.md. Only Go is needed; modules download themselves.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 3000x

# Fuzz targets: package:Target
FUZZ := ./flows/appmanifest:FuzzClients ./flows/readme:FuzzFixReadme ./flows/integration:FuzzFixManifest ./flows/authorize:FuzzParseCallback ./flows/integration:FuzzParseClients ./flows/datadog:FuzzParseMarketplaceKey ./assets:FuzzDiagnose ./flows/authorize:FuzzTokenResponse ./flows/session:FuzzParse ./flows/pagerduty:FuzzRegionOfIDToken ./flows/termsafe:FuzzText ./flows/integration:FuzzCheckRedirectURI ./assets:FuzzUnfilled ./flows/textdiff:FuzzEdits ./flows/pullrequest:FuzzPackObjectCount ./tui:FuzzWrapWords

.PHONY: build test vet race fuzz demo bench install clean assets specgen pictures dist

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/oauthwiz ./cmd/oauthwiz

test: vet race specgen fuzz

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	cd assets/specgen && $(GO) vet ./...

race:
	$(GO) test -race -count=1 -timeout 15m ./...

# The generated API asset matches Datadog's pinned spec (its own module: the
# main module never requires the API client).
specgen:
	cd assets/specgen && $(GO) test -count=1 ./...

# Rewrite assets/datadog_api.json from the pinned spec; review the diff.
assets:
	$(GO) generate ./assets

fuzz:
	@for t in $(FUZZ); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

# The README's pictures: screens drawn in 256 colours by the tests, then by
# freeze (run from the module proxy, never a dependency of the binary).
FREEZE := github.com/charmbracelet/freeze@v0.2.2
pictures:
	$(GO) test ./tui -run '^TestPictures$$' -count=1 -pictures $(CURDIR)/assets/pictures
	# freeze's capture of a command's output now and then misses it: try again.
	cd assets/pictures && for f in *.ans; do \
		for try in 1 2 3; do $(GO) run $(FREEZE) -x "cat $$f" --window --font.family monospace -o "$${f%.ans}.svg" && break; \
			[ $$try = 3 ] && exit 1; done; \
	done

# Archives for linux, darwin and windows on amd64 and arm64, with their
# SHA256SUMS: built (in CI too), never published from here.
DIST_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
dist:
	rm -rf dist && mkdir -p dist
	@for t in $(DIST_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; name=oauthwiz_$(VERSION)_$${os}_$${arch}; ext=; \
		[ $$os = windows ] && ext=.exe; \
		echo "dist $$name"; \
		mkdir -p dist/$$name && \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o dist/$$name/oauthwiz$$ext ./cmd/oauthwiz && \
		cp README.md dist/$$name/ && \
		tar -C dist -czf dist/$$name.tar.gz $$name && rm -rf dist/$$name || exit 1; \
	done
	cd dist && sha256sum *.tar.gz > SHA256SUMS && cat SHA256SUMS

demo:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/oauthwiz demo

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

install:
	$(GO) install -ldflags "$(LDFLAGS)" ./cmd/oauthwiz

clean:
	rm -rf bin dist
