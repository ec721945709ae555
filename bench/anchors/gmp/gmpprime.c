/* gmpprime: GMP's mpz_probab_prime_p on every number of a file, one per
 * line (decimal, or hex after 0x), on one core. The C side of
 * bench/anchors/gmp/run.sh and the oracle of cpu/bigprime's exactness tests.
 *
 *   gmpprime [-r REPS] [-v] FILE
 *
 * -r REPS is mpz_probab_prime_p's reps (default 0: Baillie–PSW alone, as
 * GMP 6.2 runs it); -v prints "N prime" or "N composite" per number (a
 * probable prime, 1, counts as prime) instead of the count of primes.
 * Blank lines and # comments are skipped, as corescale skips them. */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
	int reps = 0, verbose = 0, c;
	while ((c = getopt(argc, argv, "r:v")) != -1) {
		switch (c) {
		case 'r': reps = atoi(optarg); break;
		case 'v': verbose = 1; break;
		default: fprintf(stderr, "usage: gmpprime [-r REPS] [-v] FILE\n"); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: gmpprime [-r REPS] [-v] FILE\n");
		return 2;
	}
	FILE *f = strcmp(argv[optind], "-") == 0 ? stdin : fopen(argv[optind], "r");
	if (!f) {
		perror(argv[optind]);
		return 2;
	}
	mpz_t n;
	mpz_init(n);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, count = 0;
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = 0;
		char *s = line;
		while (*s == ' ')
			s++;
		if (*s == 0 || *s == '#')
			continue;
		int ok = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? mpz_set_str(n, s + 2, 16) : mpz_set_str(n, s, 10);
		if (ok != 0) {
			fprintf(stderr, "gmpprime: %s:%ld: %s is not a number\n", argv[optind], lineno, s);
			return 2;
		}
		int p = mpz_probab_prime_p(n, reps) != 0;
		count += p;
		if (verbose) {
			mpz_out_str(stdout, 10, n);
			fputs(p ? " prime\n" : " composite\n", stdout);
		}
	}
	if (!verbose)
		printf("%ld\n", count);
	return 0;
}
