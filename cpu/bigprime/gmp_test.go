package bigprime

import (
	"bufio"
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gmpOracle builds bench/anchors/gmp/gmpprime.c, GMP's
// mpz_probab_prime_p on each line of a file, and returns its path; the
// test is skipped where gcc or libgmp-dev is missing.
func gmpOracle(t *testing.T) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not installed: the GMP oracle is skipped")
	}
	bin := filepath.Join(t.TempDir(), "gmpprime")
	out, err := exec.Command(gcc, "-O2", "-o", bin, "../../bench/anchors/gmp/gmpprime.c", "-lgmp").CombinedOutput()
	if err != nil {
		if bytes.Contains(out, []byte("gmp.h")) || bytes.Contains(out, []byte("-lgmp")) {
			t.Skipf("libgmp-dev not installed: the GMP oracle is skipped (%s)", bytes.TrimSpace(out))
		}
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return bin
}

// gmpVerdicts returns GMP's verdicts, mpz_probab_prime_p(n, 25): Baillie–PSW
// and 24 Miller–Rabin rounds with random bases.
func gmpVerdicts(t *testing.T, bin string, ns []*big.Int) []bool {
	t.Helper()
	in := filepath.Join(t.TempDir(), "numbers.txt")
	var b strings.Builder
	for _, n := range ns {
		b.WriteString(n.Text(10))
		b.WriteByte('\n')
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-r", "25", "-v", in).Output()
	if err != nil {
		t.Fatalf("gmpprime: %v", err)
	}
	var vs []bool
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			t.Fatalf("gmpprime: line %q", sc.Text())
		}
		vs = append(vs, f[1] == "prime")
	}
	if len(vs) != len(ns) {
		t.Fatalf("gmpprime: %d verdicts for %d numbers", len(vs), len(ns))
	}
	return vs
}

// agreeWithGMP tests ns through the batch engine and compares each
// verdict with GMP's.
func agreeWithGMP(t *testing.T, what string, ns []*big.Int) {
	t.Helper()
	want := gmpVerdicts(t, gmpOracle(t), ns)
	got := make([]bool, len(ns))
	Test(ns, got, 2)
	bad := 0
	for i := range ns {
		if got[i] != want[i] {
			if bad++; bad <= 10 {
				t.Errorf("%s: %d bits: %#x: engine says prime=%v, GMP says %v", what, ns[i].BitLen(), ns[i], got[i], want[i])
			}
		}
	}
	if bad > 10 {
		t.Errorf("%s: %d disagreements in all", what, bad)
	}
}

// TestAgreesWithGMPRandom compares verdicts with GMP's on random odd
// numbers of mixed sizes, 65 to 4096 bits, weighted to the small ones:
// 5,000 by default, BIGPRIME_GMP_COUNT of them when set (10^6 for the
// closing check of #16).
func TestAgreesWithGMPRandom(t *testing.T) {
	count := 5000
	if testing.Short() {
		count = 1000
	}
	if s := os.Getenv("BIGPRIME_GMP_COUNT"); s != "" {
		var err error
		if count, err = strconv.Atoi(s); err != nil {
			t.Fatalf("BIGPRIME_GMP_COUNT=%q: %v", s, err)
		}
	}
	r := rand.New(rand.NewPCG(16, 25))
	const batch = 50000
	for done := 0; done < count; done += batch {
		ns := make([]*big.Int, min(batch, count-done))
		for i := range ns {
			// Half up to 256 bits, a quarter up to 1024, a quarter up to 4096.
			bits := 65 + r.IntN(192)
			switch r.IntN(4) {
			case 2:
				bits = 65 + r.IntN(960)
			case 3:
				bits = 65 + r.IntN(MaxBits-64)
			}
			ns[i] = randomOdd(r, bits)
		}
		agreeWithGMP(t, fmt.Sprintf("random odd %d+", done), ns)
	}
}

// TestAgreesWithGMPHardCases compares verdicts with GMP's on numbers built to get through the early steps of the test (see
// hardCases).
func TestAgreesWithGMPHardCases(t *testing.T) {
	cases := hardCases(t)
	var ns []*big.Int
	for _, c := range cases {
		ns = append(ns, c.N)
	}
	agreeWithGMP(t, "hard cases", ns)
}
