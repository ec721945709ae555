package main

import "testing"

// --from and --to take bounds as primesieve's users write them, and the
// run is the one their decimal values give, byte for byte: the verdicts,
// auto's choice and reason under --verbose, a shard's output with its
// job digest.
func TestRangeBoundForms(t *testing.T) {
	for _, c := range []struct{ from, to, fromDecimal, toDecimal string }{
		{"1e12", "1e12+100", "1000000000000", "1000000000100"},
		{"1E6", "10^6+1e3", "1000000", "1001000"},
		{"2^64-100", "2^64+100", "18446744073709551516", "18446744073709551716"},
		{"(2^32-1)*2^32", "2^64 - 2^32 + 300", "18446744069414584320", "18446744069414584620"},
		{"0x10", "2*50", "16", "100"},
	} {
		for _, extra := range [][]string{
			{"--print", "primes"},
			{"--print", "count", "--verbose"},
			{"--print", "all", "--shard", "1/2"},
		} {
			args := append([]string{"prime", "--from", c.from, "--to", c.to}, extra...)
			got, gotErr, code := runCLI("", args...)
			want, wantErr, wantCode := runCLI("", append([]string{"prime", "--from", c.fromDecimal, "--to", c.toDecimal}, extra...)...)
			if code != 0 || wantCode != 0 || got != want || gotErr != wantErr || want == "" {
				t.Errorf("%q: exit %d, %.200q, stderr %q\nwant exit 0, %.200q, stderr %q", args, code, got, gotErr, want, wantErr)
			}
		}
	}
}

// A bound that is not one is bad usage, named with the flag, the text and
// where it goes wrong; nothing is printed.
func TestRangeBoundErrors(t *testing.T) {
	for _, c := range []struct {
		from, to, want string
	}{
		{"1e12", "2^64-", `corescale: --to: "2^64-": missing a number after "-" at character 5` + "\n"},
		{"1.5e0", "10", `corescale: --from: "1.5e0": 1.5e0 at character 1 is not a whole number` + "\n"},
		{"10-20", "10", `corescale: --from: "10-20": -10 is negative: a bound is 0 or more` + "\n"},
		{"1", "2^70000", `corescale: --to: "2^70000": the value is a number of 70001 bits: a bound is below 2^65536, as --random's numbers are (math/big takes minutes to test one)` + "\n"},
		{"1e3", "10", "corescale: --from 1e3 (1000) is greater than --to 10\n"},
		{"20", "2^4", "corescale: --from 20 is greater than --to 2^4 (16)\n"},
	} {
		out, errOut, code := runCLI("", "prime", "--from", c.from, "--to", c.to)
		if code != 2 || out != "" || errOut != c.want {
			t.Errorf("--from %s --to %s: exit %d, %q, stderr %q; want exit 2, stderr %q", c.from, c.to, code, out, errOut, c.want)
		}
	}
}

// --random N takes its count in the same forms, and the run is the one
// its decimal value gives.
func TestRandomCountForms(t *testing.T) {
	for _, c := range []struct{ count, decimal string }{{"1e3", "1000"}, {"2^10", "1024"}, {"10^2+1", "101"}} {
		for _, extra := range [][]string{
			{"--print", "count", "--verbose"},
			{"--print", "all", "--bits", "80", "--shard", "1/3"},
		} {
			got, gotErr, code := runCLI("", append([]string{"prime", "--random", c.count}, extra...)...)
			want, wantErr, wantCode := runCLI("", append([]string{"prime", "--random", c.decimal}, extra...)...)
			if code != 0 || wantCode != 0 || got != want || gotErr != wantErr || want == "" {
				t.Errorf("--random %s %q: exit %d, %.200q, stderr %q\nwant exit 0, %.200q, stderr %q", c.count, extra, code, got, gotErr, want, wantErr)
			}
		}
	}
	for count, want := range map[string]string{
		"1.5":  `corescale: --random: "1.5": 1.5 at character 1 is not a whole number` + "\n",
		"-1":   `corescale: --random: "-1": -1 is negative: want 0 or more` + "\n",
		"1e6x": `corescale: --random: "1e6x": unexpected "x" at character 4 (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)` + "\n",
	} {
		out, errOut, code := runCLI("", "prime", "--random", count)
		if code != 2 || out != "" || errOut != want {
			t.Errorf("--random %s: exit %d, %q, stderr %q; want exit 2, stderr %q", count, code, out, errOut, want)
		}
	}
}
