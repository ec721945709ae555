# corescale — build, test, benchmark and lint. `make help` lists the targets.

GO          ?= go
BIN         ?= corescale
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck
STATICCHECK_VERSION := v0.8.2
FUZZTIME    ?= 15s

.PHONY: help build test fuzz bench bench-anchors lint tools ci

help:
	@echo "make build          build ./$(BIN)"
	@echo "make test           run every test (the pure-Go fallbacks too)"
	@echo "make fuzz           run each fuzz target for FUZZTIME ($(FUZZTIME))"
	@echo "make bench          run the go test benchmarks of every package"
	@echo "make bench-anchors  time the engines beside FLINT (libflint-dev) where installed"
	@echo "make lint           gofmt, go vet, staticcheck"
	@echo "make ci             what .ci/run runs: tools, lint, test, fuzz"

build:
	$(GO) build -o $(BIN) ./cmd/corescale

test:
	$(GO) test ./...
	$(GO) test -tags purego ./cpu/prime
	@if [ -f /usr/include/flint/ulong_extras.h ]; then \
		$(GO) test -tags flint -run Agree ./bench/anchors/flint; \
	else echo "FLINT not installed: the FLINT agreement test is skipped"; fi

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzIsPrime$$' -fuzztime $(FUZZTIME) ./cpu/prime
	$(GO) test -run '^$$' -fuzz '^FuzzBatch$$' -fuzztime $(FUZZTIME) ./cpu/prime
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./cmd/corescale/primeio
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzExifOrientation$$' -fuzztime $(FUZZTIME) ./internal/imagefile

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-anchors:
	@if [ -f /usr/include/flint/ulong_extras.h ]; then \
		$(GO) test -tags flint -run '^$$' -bench . -count 6 ./bench/anchors/flint; \
	else echo "FLINT not installed (apt-get install libflint-dev): skipped"; fi

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags purego ./cpu/prime
	$(STATICCHECK) ./...

tools:
	@[ -x $(STATICCHECK) ] || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

ci: tools lint test fuzz
