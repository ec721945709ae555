# corescale — build, test, benchmark and lint. `make help` lists the targets.

GO          ?= go
BIN         ?= corescale
STATICCHECK ?= $(shell $(GO) env GOPATH)/bin/staticcheck
STATICCHECK_VERSION := v0.8.2
# A count (Nx), not a duration: a timed run can end in a bare "context
# deadline exceeded" from the fuzzing engine itself, with no input at fault
# (golang/go#75804).
FUZZTIME    ?= 200000x
# go test's 10-minute limit holds for a fuzz run too, and each input that
# finds new code is minimised for up to a minute with no run counted: at
# 512 bits FuzzLanesAgainstScalar stalled 5 minutes so and took 330 s of
# the 600. Minimising briefly and a limit of 30 minutes keep a slow target
# from failing for time alone.
FUZZFLAGS   ?= -fuzzminimizetime 10s -timeout 30m

# Build tags of the binary and its tests. urfave_cli_no_docs leaves out
# urfave/cli's Markdown and man-page generators, which corescale never calls
# and whose markdown library (blackfriday) costs every run of corescale, at
# start, 0.3 ms of init and ~90 page faults.
TAGS        ?= urfave_cli_no_docs

KERNELS     := $(wildcard kernels/*.cu)
NVCC        ?= nvcc
PTXAS       ?= ptxas

.PHONY: help deps build test fuzz bench bench-anchors lint tools ci ptx ptx-check sass cuda cuda-toolkit
.PHONY: fakecuda gpu-fake-check gpu-check

help:
	@echo "make deps           install the C libraries the build links, from Debian, when missing (root)"
	@echo "make build          build ./$(BIN)"
	@echo "make test           run every test (the pure-Go fallbacks too)"
	@echo "make fuzz           run each fuzz target for FUZZTIME ($(FUZZTIME))"
	@echo "make bench          run the go test benchmarks of every package"
	@echo "make bench-anchors  time the engines beside FLINT (libflint-dev) where installed"
	@echo "make lint           gofmt, go vet, staticcheck"
	@echo "make ptx            regenerate kernels/*.ptx from kernels/*.cu (needs nvcc)"
	@echo "make ptx-check      the committed PTX is what nvcc makes, and ptxas takes it for sm_70/80/90"
	@echo "make sass           registers, occupancy and hot-loop instruction counts of each kernel for sm_90"
	@echo "make cuda           build the real GPU driver, ./corescale-cuda.so (needs cuda.h, CUDA 11.x or 12.x)"
	@echo "make cuda-toolkit   install CUDA 11.8 from Debian (root): gpu/install-cuda-toolkit.sh"
	@echo "make fakecuda       build build/fakecuda/libcuda.so.1, a CUDA driver that runs the kernels on the CPU"
	@echo "make gpu-fake-check run the real GPU plugin and the CLI on that driver: results, faults, leaks"
	@echo "make gpu-check      the same result checks on this machine's NVIDIA GPU and driver"
	@echo "make ci             what .ci/run runs: tools, lint, test, fuzz"

# The C libraries corescale links through cgo, for which it has no match of
# its own: libjpeg-turbo's TurboJPEG (DCT-scaled JPEG decoding, SIMD
# encoding) and Little CMS (colour profiles). Installed from Debian when their
# headers are missing and we are root (or have sudo without a password);
# otherwise the message says what to install. A build without cgo
# (CGO_ENABLED=0) needs neither: it falls back to Go's decoders.
BUILD_DEPS := turbojpeg.h:libturbojpeg0-dev lcms2.h:liblcms2-dev
deps:
	@[ "$$($(GO) env CGO_ENABLED)" = 1 ] || exit 0; \
	missing=""; \
	for dep in $(BUILD_DEPS); do \
		echo "#include <$${dep%%:*}>" | $$($(GO) env CC) -E -x c - >/dev/null 2>&1 || missing="$$missing $${dep#*:}"; \
	done; \
	[ -n "$$missing" ] || exit 0; \
	if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; \
	else echo "corescale links$$missing (Debian's names): install them, or build without cgo (CGO_ENABLED=0 make build)" >&2; exit 1; fi; \
	echo "installing$$missing"; \
	$$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null

build: deps
	$(GO) build -tags '$(TAGS)' -o $(BIN) ./cmd/corescale

test: deps
	$(GO) test -tags '$(TAGS)' ./...
	$(GO) test -tags purego ./cpu/prime ./cpu/sieve ./cpu/bigprime
	cd bench/anchors && $(GO) test ./...
	@if [ -f /usr/include/flint/ulong_extras.h ]; then \
		cd bench/anchors && $(GO) test -tags flint -run Agree ./flint; \
	else echo "FLINT not installed: the FLINT agreement test is skipped"; fi

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzIsPrime$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cpu/prime
	$(GO) test -run '^$$' -fuzz '^FuzzBatch$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cpu/prime
	$(GO) test -run '^$$' -fuzz '^FuzzAgainstMathBig$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cpu/bigprime
	$(GO) test -run '^$$' -fuzz '^FuzzLanesAgainstScalar$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cpu/bigprime
	$(GO) test -run '^$$' -fuzz '^FuzzIFMAStages$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cpu/prime
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cmd/corescale/primeio
	$(GO) test -run '^$$' -fuzz '^FuzzLimbs$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cmd/corescale/primeio
	$(GO) test -run '^$$' -fuzz '^FuzzBound$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cmd/corescale/primeio
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./internal/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzExifOrientation$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./internal/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBMP$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./internal/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeTIFF$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./internal/imagefile
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./internal/jpegturbo
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./internal/icc
	$(GO) test -run '^$$' -fuzz '^FuzzRange$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./cpu/sieve

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The engines beside the independent tools on the same inputs: FLINT for
# primality; Pillow, libvips, github.com/disintegration/imaging for resize;
# vipsthumbnail and Pillow's draft + thumbnail for whole thumbnail jobs;
# primesieve for prime ranges (apt-get install libflint-dev python3-pil
# python3-numpy libvips-tools primesieve).
# bench/anchors is a module of its own, so that those dependencies stay out
# of corescale's: its go commands run from there.
bench-anchors: build
	@if [ -f /usr/include/flint/ulong_extras.h ]; then \
		cd bench/anchors && $(GO) test -tags flint -run '^$$' -bench . -count 6 ./flint; \
	else echo "FLINT not installed (apt-get install libflint-dev): skipped"; fi
	bench/anchors/resize/run.sh
	bench/anchors/thumbnail/run.sh
	bench/anchors/primesieve/run.sh
	bench/anchors/gmp/run.sh

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags '$(TAGS)' ./...
	$(GO) vet -tags purego ./cpu/prime ./cpu/sieve ./cpu/bigprime
	cd bench/anchors && $(GO) vet ./...
	$(STATICCHECK) ./...
	cd bench/anchors && $(STATICCHECK) ./...

tools:
	@[ -x $(STATICCHECK) ] || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

ci: tools lint test fuzz

ptx: $(KERNELS:.cu=.ptx)
	$(GO) test -count=1 ./kernels -run HostBuilds -update

# nvcc writes the PTX ISA of its own release into the header (7.8 for CUDA
# 11.8), and a driver refuses PTX of an ISA newer than it knows: 7.8 would
# need driver 520. The kernels use nothing newer than ISA 6.0, the first
# with sm_70 (CUDA 9.0, driver 384), so the header is lowered to that;
# ptxas, which refuses an instruction the declared ISA lacks, confirms it in
# ptx-check. gpu/probe.go reads the header to check the driver's version.
PTX_ISA   := 6.0
PTX_NVCC   = $(NVCC) -ptx -arch=compute_70 -O3
PTX_LOWER := sed -e 's/^\.version [0-9]*\.[0-9]*$$/.version $(PTX_ISA)/'

kernels/%.ptx: kernels/%.cu
	$(PTX_NVCC) -o $@.nvcc $< && $(PTX_LOWER) $@.nvcc > $@ && rm $@.nvcc

# The PTX is committed; this fails when it has drifted from its source or
# when an architecture from Volta to Hopper would refuse it at its ISA.
ptx-check:
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	for cu in $(KERNELS); do \
		ptx=$${cu%.cu}.ptx; \
		$(PTX_NVCC) -o $$tmp/nvcc.ptx $$cu && $(PTX_LOWER) $$tmp/nvcc.ptx > $$tmp/out.ptx || exit 1; \
		grep -qx '\.version $(PTX_ISA)' $$tmp/out.ptx || { echo "$$cu: nvcc wrote no .version line that make ptx can lower to $(PTX_ISA)"; exit 1; }; \
		diff -u $$ptx $$tmp/out.ptx > /dev/null || { \
			echo "$$ptx differs from what nvcc makes of $$cu: run make ptx"; \
			made=$$(sed -n 's|^// Cuda compilation tools, ||p' $$ptx); \
			here=$$($(NVCC) --version | sed -n 's|^Cuda compilation tools, ||p'); \
			[ "$$made" = "$$here" ] || echo "(the committed PTX was made by $$made, this nvcc is $$here: it may differ for that reason alone)"; \
			exit 1; }; \
		for arch in sm_70 sm_80 sm_90; do \
			$(PTXAS) -arch=$$arch -o /dev/null $$ptx || { echo "ptxas -arch=$$arch refuses $$ptx"; exit 1; }; \
		done; \
		echo "$$ptx: reproduced, and ptxas takes it at PTX ISA $(PTX_ISA) for sm_70, sm_80, sm_90"; \
	done

cuda-toolkit:
	bash gpu/install-cuda-toolkit.sh

# The CUDA toolkit the plugin is built against: $CUDA_PATH, else
# $CUDA_HOME, else /usr/local/cuda, where NVIDIA's installers put it. When
# neither is set and /usr/local/cuda has no include/cuda.h, the compiler's
# own paths serve (Debian's toolkit puts cuda.h in /usr/include); one that
# is set must have it. cgo flags do not carry across packages (cu's own
# -I/usr/local/cuda/include reaches package cu only) and a #cgo line cannot
# read the environment, so the -I and -L reach gorgonia.org/cu and gpu/cuda
# alike through CGO_CFLAGS and CGO_LDFLAGS, added to go env's. lib64/stubs
# holds the toolkit's link-time libcuda.so, for a machine whose driver
# installs only libcuda.so.1 (a container); the plugin records the name
# libcuda.so.1 and loads the driver's at run time.
CUDA_SET   := $(or $(CUDA_PATH),$(CUDA_HOME))
CUDA_PATH  := $(or $(CUDA_SET),/usr/local/cuda)
CUDA_CGO_CFLAGS  = $(if $(wildcard $(CUDA_PATH)/include/cuda.h),-I$(CUDA_PATH)/include) $(shell $(GO) env CGO_CFLAGS)
CUDA_CGO_LDFLAGS = $(foreach d,$(wildcard $(CUDA_PATH)/lib64 $(CUDA_PATH)/lib64/stubs),-L$(d)) $(shell $(GO) env CGO_LDFLAGS)
CUDA_GO_ENV      = CGO_CFLAGS="$(strip $(CUDA_CGO_CFLAGS))" CGO_LDFLAGS="$(strip $(CUDA_CGO_LDFLAGS))"

# The real driver is a plugin so that the main binary never links
# gorgonia.org/cu (whose init exits the process where CUDA cannot start);
# it must be built by the same toolchain as ./corescale, beside which it is
# looked for.
cuda: build
	@if [ -n "$(CUDA_SET)" ] && [ ! -f "$(CUDA_PATH)/include/cuda.h" ]; then \
		echo "no $(CUDA_PATH)/include/cuda.h: point CUDA_PATH (or CUDA_HOME) at a CUDA 11.x or 12.x toolkit"; exit 1; \
	fi
	@if [ ! -f "$(CUDA_PATH)/include/cuda.h" ] && ! echo '#include <cuda.h>' | $(CC) -E -x c - >/dev/null 2>&1; then \
		echo "no cuda.h in $(CUDA_PATH)/include or the compiler's paths: install a CUDA 11.x or 12.x toolkit"; \
		echo "(make cuda-toolkit on Debian) or set CUDA_PATH to one"; exit 1; \
	fi
	$(CUDA_GO_ENV) $(GO) build -tags cuda -buildmode=plugin -o corescale-cuda.so ./gpu/cuda
	$(CUDA_GO_ENV) $(GO) vet -tags cuda ./gpu/cuda

sass:
	bash kernels/sass.sh

# fakecuda (gpu/fakecuda): a CUDA driver library of our own that runs the
# kernels on the host, so that the real plugin and gorgonia.org/cu run in
# CI. Only the cu* entry points are exported; -Bsymbolic keeps its kernels'
# names (which gpu/emu's copy in ./corescale also has) bound to its own.
# Where NVIDIA's cuda.h is installed, the sources are also compiled against
# it, which checks every signature fakecuda.h writes out.
FAKECUDA     := build/fakecuda/libcuda.so.1
FAKECUDA_DIR := gpu/fakecuda
FAKECUDA_SRC := $(addprefix $(FAKECUDA_DIR)/,driver.c ptx.c stubs.c kernels.cc fakecuda.h ptx.h kernels.h results.inc) kernels/host.h kernels/host_grid.h kernels/host_kernels.h $(KERNELS)
CUDA_H       := $(firstword $(wildcard $(CUDA_PATH)/include/cuda.h $(CUDA_HOME)/include/cuda.h /usr/local/cuda/include/cuda.h /usr/include/cuda.h))
FAKECUDA_CFLAGS := -O2 -g -fPIC -fvisibility=hidden -Wall -Wextra -Werror

fakecuda: $(FAKECUDA)

$(FAKECUDA): $(FAKECUDA_SRC)
	@mkdir -p $(@D)
	$(CC) -std=c11 $(FAKECUDA_CFLAGS) -c $(FAKECUDA_DIR)/driver.c -o $(@D)/driver.o
	$(CC) -std=c11 $(FAKECUDA_CFLAGS) -c $(FAKECUDA_DIR)/ptx.c -o $(@D)/ptx.o
	$(CC) -std=c11 $(FAKECUDA_CFLAGS) -c $(FAKECUDA_DIR)/stubs.c -o $(@D)/stubs.o
	$(CXX) -std=c++17 $(FAKECUDA_CFLAGS) -Wno-unknown-pragmas -fno-exceptions -fno-rtti -Ikernels -c $(FAKECUDA_DIR)/kernels.cc -o $(@D)/kernels.o
	$(CC) -shared -Wl,-soname,libcuda.so.1 -Wl,-Bsymbolic -Wl,-z,defs -o $@ $(@D)/driver.o $(@D)/ptx.o $(@D)/stubs.o $(@D)/kernels.o -lpthread -lm
	@if [ -n "$(CUDA_H)" ]; then \
		$(CC) -std=c11 $(FAKECUDA_CFLAGS) -DFAKECUDA_WITH_CUDA_H -I$(dir $(CUDA_H)) -fsyntax-only $(FAKECUDA_DIR)/driver.c && \
		echo "fakecuda: the signatures agree with $(CUDA_H)"; \
	else echo "fakecuda: no cuda.h, signatures not checked against NVIDIA's"; fi
	@exported=$$(nm -D --defined-only $@ | awk '$$2 == "T" && $$3 !~ /^cu/ {print $$3}'); \
	if [ -n "$$exported" ]; then echo "$@ exports more than cu* entry points: $$exported"; exit 1; fi

# The real plugin on fakecuda, end to end through the CLI (gpu/fakecuda/check.sh);
# gpu-check runs its result checks on the machine's own GPU and driver.
gpu-fake-check: build cuda fakecuda
	bash $(FAKECUDA_DIR)/check.sh

gpu-check: build cuda
	bash $(FAKECUDA_DIR)/check.sh --real
