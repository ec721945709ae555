// The comparison side of the primality benchmark: FLINT's n_is_prime over a
// whole batch, so that one cgo call covers many numbers and the crossing
// costs nothing next to the work.
#include <stddef.h>
#include <stdint.h>
#include <flint/ulong_extras.h>

#include "flint.h"

void flint_test_primes(const uint64_t *ns, uint8_t *out, size_t n) {
	for (size_t i = 0; i < n; i++) {
		out[i] = (uint8_t)n_is_prime((ulong)ns[i]);
	}
}
