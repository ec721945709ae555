package primeio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"testing"
)

// m89 is the Mersenne prime 2^89-1, above 2^64, so its verdict is probable.
const m89 = "618970019642690137449562111"

// sample returns blocks of at most size numbers holding 1, 2, 3, 4, 2^89-1,
// 2^64 and 97, tested by hand.
func sample(size int) []*Block {
	nums := []string{"1", "2", "3", "4", m89, "18446744073709551616", "97"}
	prime := map[string]bool{"2": true, "3": true, m89: true, "97": true}
	var blocks []*Block
	for len(nums) > 0 {
		b := NewBlock(size)
		for len(nums) > 0 && !b.full() {
			z, _ := new(big.Int).SetString(nums[0], 10)
			if z.IsUint64() {
				b.add(z.Uint64())
			} else {
				b.addBig(z, len(b.Nums)+1)
			}
			nums = nums[1:]
		}
		b.Prime = b.Prime[:len(b.Nums)]
		for i, n := range b.Nums {
			b.Prime[i] = prime[fmt.Sprint(n)]
		}
		for i := range b.Big {
			b.Big[i].Prime = prime[b.Big[i].N.String()]
		}
		blocks = append(blocks, b)
	}
	return blocks
}

var golden = []struct {
	format      Format
	mode        Mode
	want, empty string
}{
	{Text, Primes, "2\n3\n" + m89 + "?\n97\n", ""},
	{Text, All, "1 composite\n2 prime\n3 prime\n4 composite\n" + m89 + " prime?\n18446744073709551616 composite\n97 prime\n", ""},
	{Text, Count, "4\n", "0\n"},
	{CSV, Primes, "n,prime\n2,true\n3,true\n" + m89 + ",true?\n97,true\n", "n,prime\n"},
	{CSV, All, "n,prime\n1,false\n2,true\n3,true\n4,false\n" + m89 + ",true?\n18446744073709551616,false\n97,true\n", "n,prime\n"},
	{CSV, Count, "count\n4\n", "count\n0\n"},
	{JSON, Primes, `[
{"n":"2","prime":true},
{"n":"3","prime":true},
{"n":"` + m89 + `","prime":true,"probable":true},
{"n":"97","prime":true}
]
`, "[]\n"},
	{JSON, All, `[
{"n":"1","prime":false},
{"n":"2","prime":true},
{"n":"3","prime":true},
{"n":"4","prime":false},
{"n":"` + m89 + `","prime":true,"probable":true},
{"n":"18446744073709551616","prime":false},
{"n":"97","prime":true}
]
`, "[]\n"},
	{JSON, Count, "{\"count\":4}\n", "{\"count\":0}\n"},
}

func TestWriter(t *testing.T) {
	for _, tc := range golden {
		t.Run(fmt.Sprintf("%s/%s", tc.format, tc.mode), func(t *testing.T) {
			// Block boundaries must not show in the output.
			for _, size := range []int{1, 2, 3, 100} {
				var out bytes.Buffer
				w := NewWriter(&out, tc.format, tc.mode)
				for _, b := range sample(size) {
					if err := w.Write(b); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if out.String() != tc.want {
					t.Errorf("blocks of %d:\n%s\nwant:\n%s", size, out.String(), tc.want)
				}
				if tc.format == JSON && !json.Valid(out.Bytes()) {
					t.Errorf("invalid json:\n%s", out.String())
				}
			}
			var out bytes.Buffer
			w := NewWriter(&out, tc.format, tc.mode)
			if err := w.Close(); err != nil || out.String() != tc.empty {
				t.Errorf("no numbers: %q, %v; want %q", out.String(), err, tc.empty)
			}
		})
	}
}

func TestParseFormatAndMode(t *testing.T) {
	for _, s := range []string{"text", "csv", "json"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	for _, s := range []string{"primes", "all", "count"} {
		if m, err := ParseMode(s); err != nil || string(m) != s {
			t.Errorf("ParseMode(%q) = %q, %v", s, m, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("format xml accepted")
	}
	if _, err := ParseMode("Primes"); err == nil {
		t.Error("mode Primes accepted")
	}
}

type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriterError(t *testing.T) {
	w := NewWriter(brokenPipe{}, Text, All)
	b := NewBlock(BlockSize)
	for i := range BlockSize {
		b.add(uint64(i))
	}
	b.Prime = b.Prime[:len(b.Nums)]
	// A block's text is larger than the buffer, so the error shows at once.
	if err := w.Write(b); err == nil {
		t.Error("Write to a broken pipe succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed write succeeded")
	}
}
