#include <stddef.h>
#include <stdint.h>

void flint_test_primes(const uint64_t *ns, uint8_t *out, size_t n);
