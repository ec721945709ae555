package prime

// trialBound is the largest prime tried by division before the probable-prime
// tests. Each extra prime costs one multiplication for every number and saves
// a base-2 exponentiation for 1/p of them; the benchmarks put the balance
// here (see BenchmarkTrialBound).
const trialBound = 61

// divisor tests divisibility by an odd prime p with one multiplication:
// for odd p, n·p⁻¹ mod 2^64 maps the multiples of p one to one onto
// 0 … ⌊(2^64−1)/p⌋, so p divides n exactly when the product is at most that.
type divisor struct {
	p, inv, max uint64
}

// divisors holds the odd primes up to trialBound, smallest first so that most
// composites leave early.
var divisors = oddPrimesUpTo(trialBound)

// trialSquare is the square of the first prime above trialBound: a number
// below it with no prime factor up to trialBound is prime.
var trialSquare = func() uint64 {
	p := oddPrimesUpTo(2 * trialBound)[len(divisors)].p
	return p * p
}()

func oddPrimesUpTo(limit uint64) []divisor {
	composite := make([]bool, limit+1)
	var ds []divisor
	for p := uint64(3); p <= limit; p += 2 {
		if composite[p] {
			continue
		}
		for m := p * p; m <= limit; m += 2 * p {
			composite[m] = true
		}
		ds = append(ds, divisor{p: p, inv: inverse(p), max: ^uint64(0) / p})
	}
	return ds
}

// screen settles n by trial division when it can: decided reports whether
// it did, and prime is then the verdict.
func screen(n uint64) (prime, decided bool) {
	if n&1 == 0 {
		return n == 2, true
	}
	if n < 3 {
		return false, true // 1
	}
	for _, d := range divisors {
		if n*d.inv <= d.max {
			return n == d.p, true
		}
	}
	if n < trialSquare {
		return true, true
	}
	return false, false
}
