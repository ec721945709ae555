#!/usr/bin/env bash
# Installs what builds and checks corescale's GPU path on Debian bookworm,
# and only what is missing: nvcc, ptxas and cuobjdump (CUDA 11.8), cuda.h,
# g++-11 (nvcc 11.8's host compiler, which Debian's nvcc wrapper finds),
# and, on a machine with no NVIDIA driver, the driver library libcuda.so.1,
# which there answers CUDA_ERROR_NO_DEVICE (100). The packages live in
# bookworm's non-free component, which this script enables with a sources
# file of its own that copies the Types, URIs and Signed-By of the bookworm
# entry already configured. About 870 MB to download. Run as root; safe to
# run again. --dry-run says what it would do and installs nothing.
#
# A machine that has an NVIDIA driver of its own (NVIDIA's installer, the
# host's driver mounted into a container, Debian's driver packages) keeps
# its libcuda.so.1. Debian's libcuda1 is driver 535: over another release's
# kernel module every cuInit would fail with
# CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (803). Debian's toolkit packages depend
# on packages that provide libcuda.so.1 and NVML (libnvidia-ml.so.1), so
# there a local package of a few hundred bytes, corescale-host-libcuda,
# stands for the driver the machine has: it provides libcuda-11.8-1 and
# libnvidia-ml.so.1 (= 520), alternatives those dependencies accept (the
# version only meets libnvidia-ml-dev's ">= 520"; nothing runs against
# it); apt-get remove corescale-host-libcuda takes it away. And before
# installing anything the script has apt simulate the install: if apt would
# bring in a driver package there, it stops and says so.
set -euo pipefail

dry=false
case ${1:-} in
--dry-run) dry=true ;;
"") ;;
*) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac

say() { echo "install-cuda-toolkit: $*"; }

# The toolkit: nvcc, ptxas and cuobjdump on the PATH or in a toolkit folder
# (the Makefile's CUDA_PATH order), and cuda.h there or on the compiler's
# paths.
toolkit=""
for dir in "${CUDA_PATH:-}" "${CUDA_HOME:-}" /usr/local/cuda; do
	if [ -n "$dir" ] && [ -x "$dir/bin/nvcc" ] && [ -x "$dir/bin/ptxas" ] && [ -f "$dir/include/cuda.h" ]; then
		toolkit="$dir (add $dir/bin to the PATH for make ptx-check and make sass)"
		break
	fi
done
if [ -z "$toolkit" ] && nvcc --version >/dev/null 2>&1 && ptxas --version >/dev/null 2>&1 && cuobjdump --version >/dev/null 2>&1 &&
	echo '#include <cuda.h>' | "${CC:-cc}" -E -x c - 2>/dev/null | grep -c cuInit >/dev/null; then
	toolkit="$(command -v nvcc), $(nvcc --version | tail -n 1)"
fi

# The driver library the loader would give corescale, if any.
# (No reader in a pipeline here stops early: under pipefail the writer's
# SIGPIPE would fail the script.)
lib=$( (ldconfig -p 2>/dev/null || true) | awk '$1 == "libcuda.so.1" && !found {print $NF; found = 1}')
if [ -z "$lib" ]; then
	for f in /usr/lib/x86_64-linux-gnu/libcuda.so.1 /usr/lib64/libcuda.so.1 /usr/lib/libcuda.so.1; do
		if [ -e "$f" ]; then lib=$f; break; fi
	done
fi
real=""
owner=""
if [ -n "$lib" ]; then
	real=$(readlink -f "$lib")
	owner=$(dpkg -S "$real" 2>/dev/null | cut -d: -f1 | sed -n 1p || true)
fi

# A driver of the machine's own: a kernel module loaded, an nvidia-smi that
# answers, or a libcuda.so.1 that no Debian package installed.
host_driver=""
if [ -r /proc/driver/nvidia/version ]; then
	host_driver="the NVIDIA kernel module is loaded ($(head -n 1 /proc/driver/nvidia/version))"
elif command -v nvidia-smi >/dev/null && nvidia-smi >/dev/null 2>&1; then
	host_driver="nvidia-smi answers"
elif [ -n "$real" ] && [ -z "$owner" ]; then
	host_driver="$lib ($real) is not from a Debian package"
fi
if [ -n "$host_driver" ]; then
	say "this machine has an NVIDIA driver: $host_driver; its libcuda.so.1 is kept"
fi

want=()
if [ -n "$toolkit" ]; then
	say "CUDA toolkit already installed: $toolkit"
else
	for p in nvidia-cuda-toolkit g++-11; do
		dpkg -s "$p" >/dev/null 2>&1 || want+=("$p")
	done
fi
if [ -z "$lib" ] && [ -z "$host_driver" ]; then
	# No driver at all: Debian's library, which answers
	# CUDA_ERROR_NO_DEVICE (100), lets the probe's tests run against the
	# real thing.
	want+=(libcuda1)
fi
if [ ${#want[@]} -eq 0 ]; then
	say "nothing to install"
	exit 0
fi

stand_in=""
provided=$(dpkg-query -W -f '${Status} ${Provides}\n' 2>/dev/null | grep -E '^install ok installed' | grep -cE '(libcuda\.so\.1|libcuda-11\.8-1)( |,|$)' || true)
if [ -n "$host_driver" ] && [ -z "$toolkit" ] && [ "$provided" = 0 ]; then
	# The local package that stands for the machine's own driver.
	build=$(mktemp -d)
	trap 'rm -rf "$build"' EXIT
	mkdir -p "$build/pkg/DEBIAN"
	cat >"$build/pkg/DEBIAN/control" <<-EOF
		Package: corescale-host-libcuda
		Version: 1.0
		Architecture: all
		Maintainer: corescale <corescale@localhost>
		Provides: libcuda-11.8-1, libnvidia-ml.so.1 (= 520)
		Description: stands for the NVIDIA driver this machine already has
		 Installed by corescale's gpu/install-cuda-toolkit.sh so that Debian's
		 CUDA toolkit installs without Debian's libcuda1, whose driver release
		 would not match this machine's kernel module.
	EOF
	stand_in="$build/corescale-host-libcuda.deb"
	dpkg-deb --build --root-owner-group "$build/pkg" "$stand_in" >/dev/null
	want=("$stand_in" "${want[@]}")
fi

src=/etc/apt/sources.list.d/debian.sources
out=/etc/apt/sources.list.d/corescale-cuda.sources
if [ ! -f "$out" ]; then
	# The first stanza whose Suites include plain "bookworm".
	stanza=$(awk -v RS= '/(^|\n)Suites:[^\n]*(^|[ \t])bookworm([ \t]|$)/ {print; exit}' "$src")
	[ -n "$stanza" ] || { echo "no bookworm entry in $src" >&2; exit 1; }
	if $dry; then
		say "would enable bookworm's contrib and non-free in $out"
	else
		{
			printf '%s\n' "$stanza" | grep -E '^(Types|URIs|Signed-By):'
			echo "Suites: bookworm"
			echo "Components: contrib non-free"
		} >"$out"
	fi
fi
if ! $dry || [ -f "$out" ]; then
	apt-get update -qq
fi

# What apt would do, before it does it: on a machine with its own driver,
# no package that ships a libcuda.so.1 or a kernel module may come in.
plan=$(DEBIAN_FRONTEND=noninteractive apt-get -s install -y --no-install-recommends "${want[@]}" 2>&1) || {
	printf '%s\n' "$plan" >&2
	say "apt cannot install ${want[*]}" >&2
	exit 1
}
# Driver packages: libcuda1, the libnvidia-* libraries of a release (NVML,
# the PTX JIT; not the -dev ones), the alternatives and kernel modules.
drivers=$(printf '%s\n' "$plan" | awk '$1 == "Inst" && $2 ~ /^(libcuda1|libnvidia-|nvidia-alternative|nvidia-kernel-|nvidia-driver|nvidia-tesla-)/ && $2 !~ /-dev$/ {print $2}' | tr '\n' ' ')
if [ -n "$host_driver" ] && [ -n "$drivers" ]; then
	echo "install-cuda-toolkit: installing ${want[*]} would bring in ${drivers}over this machine's driver:" >&2
	echo "driver libraries of another release than its kernel module make every cuInit fail with" >&2
	echo "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH (803), and nvidia-smi with a version mismatch. Nothing was" >&2
	echo "installed. Install NVIDIA's CUDA toolkit for this driver instead (in /usr/local/cuda, where" >&2
	echo "make cuda finds it, or set CUDA_PATH)." >&2
	exit 1
fi
if $dry; then
	say "would install: ${want[*]}"
	printf '%s\n' "$plan" | awk '$1 == "Inst" {print "  " $2}'
	exit 0
fi

say "installing ${want[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
if [ -n "$real" ] && [ "$(readlink -f "$lib")" != "$real" ]; then
	echo "install-cuda-toolkit: $lib now leads to $(readlink -f "$lib"), not $real: the install replaced the driver library" >&2
	exit 1
fi
if command -v nvcc >/dev/null; then
	nvcc --version | tail -n 1
fi
