#!/usr/bin/env bash
# Installs the CUDA toolkit that builds and checks corescale's GPU path on
# Debian bookworm: nvcc, ptxas and cuobjdump (CUDA 11.8), cuda.h, and the
# driver library libcuda.so.1, which on a machine without a GPU answers
# CUDA_ERROR_NO_DEVICE. The packages live in bookworm's non-free component,
# which this script enables with a sources file of its own that copies the
# Types, URIs and Signed-By of the bookworm entry already configured.
# nvcc 11.8 needs g++ 11 or older as its host compiler; the Debian wrapper
# finds g++-11. About 870 MB to download. Run as root; safe to run again.
set -euo pipefail

if command -v nvcc >/dev/null && command -v ptxas >/dev/null && [ -f /usr/include/cuda.h ]; then
	echo "CUDA toolkit already installed: $(nvcc --version | tail -n 1)"
	exit 0
fi

src=/etc/apt/sources.list.d/debian.sources
out=/etc/apt/sources.list.d/corescale-cuda.sources
if [ ! -f "$out" ]; then
	# The first stanza whose Suites include plain "bookworm".
	stanza=$(awk -v RS= '/(^|\n)Suites:[^\n]*(^|[ \t])bookworm([ \t]|$)/ {print; exit}' "$src")
	[ -n "$stanza" ] || { echo "no bookworm entry in $src" >&2; exit 1; }
	{
		printf '%s\n' "$stanza" | grep -E '^(Types|URIs|Signed-By):'
		echo "Suites: bookworm"
		echo "Components: contrib non-free"
	} >"$out"
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nvidia-cuda-toolkit g++-11 >/dev/null
nvcc --version | tail -n 1
