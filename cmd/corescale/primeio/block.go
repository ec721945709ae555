package primeio

import "math/big"

// BlockSize is how many numbers a Block holds: large enough that handing a
// block to another goroutine and to a parallel engine costs nothing next to
// testing it, small enough to stay in cache-friendly, bounded memory.
const BlockSize = 1 << 16

// maxBigBytes closes a block early when its large numbers take this much
// memory, so that a block of huge numbers stays as bounded as one of small.
const maxBigBytes = 8 << 20

// maxBigs closes a block of BlockSize early when it holds this many
// numbers of 2^64 and above: at 128 bits that is about 5 ms of testing on
// one core, so a file of 20,000 such numbers fills several blocks, the
// reader fills the next while the workers test one, and the three blocks'
// memory is reused rather than touched afresh (a block of 65,536 of them
// grows to 5 MB, and the page faults cost more than the tests). A larger
// block, made for a GPU engine, is not capped by count (maxBigBytes still
// bounds it): a GPU's big-number chunks hold up to a million numbers, and
// 4,096 a call would leave it one small chunk in flight.
const maxBigs = 4096

// Block is a run of numbers in input order and, once tested, their verdicts.
type Block struct {
	// Nums holds every number of the block in order. Where a number is 2^64
	// or more, Nums holds 0 and Big holds the number.
	Nums []uint64
	// Prime[i] is the verdict for Nums[i]; the caller sets it after testing.
	Prime []bool
	// Big holds the numbers of 2^64 and above, in order.
	Big []Big

	size     int
	bigBytes int

	// With deferBig, Reader.Fill keeps the token of each number of 2^64
	// and above in text, for ParseBig.
	deferBig bool
	text     []byte
	// textShared is set while text is a Chunk's, which Parse read and the
	// block must never write to.
	textShared bool
}

// Big is a number of 2^64 or above and its verdict, which is probable.
type Big struct {
	At    int // its index in Nums
	N     *big.Int
	Prime bool
	// Pos is where it came from, which the Source's Where names: one such
	// number can take hours, and the user is told which one.
	Pos int

	textLo, textHi int // its token in the block's text, until ParseBig
}

// NewBlock returns an empty block of up to size numbers.
func NewBlock(size int) *Block {
	return &Block{
		Nums:  make([]uint64, 0, size),
		Prime: make([]bool, 0, size),
		size:  size,
	}
}

// Len returns how many numbers the block holds.
func (b *Block) Len() int { return len(b.Nums) }

// Reset empties the block for reuse.
func (b *Block) Reset() {
	b.Nums = b.Nums[:0]
	b.Prime = b.Prime[:0]
	clear(b.Big) // let the big values go
	b.Big = b.Big[:0]
	b.bigBytes = 0
	b.text = b.text[:0]
	if b.textShared {
		b.text, b.textShared = nil, false
	}
}

// DeferBig makes a Reader fill b with the numbers of 2^64 and above as
// text, their N nil until ParseBig: converting them is most of the cost of
// reading such numbers, and the caller can spread it over its workers
// where the Reader has one goroutine.
func (b *Block) DeferBig() { b.deferBig = true }

// ParseBig sets N of each of b.Big[lo:hi] that a Reader left as text. It
// may run on disjoint ranges at once.
func (b *Block) ParseBig(lo, hi int) {
	for i := lo; i < hi; i++ {
		if g := &b.Big[i]; g.N == nil {
			g.N = parseBig(b.text[g.textLo:g.textHi])
		}
	}
}

func (b *Block) full() bool {
	return len(b.Nums) >= b.size || b.bigBytes >= maxBigBytes || (b.size <= BlockSize && len(b.Big) >= maxBigs)
}

func (b *Block) add(v uint64) {
	b.Nums = append(b.Nums, v)
}

// addBigText adds the token of a number of 2^64 and above, for ParseBig.
func (b *Block) addBigText(tok []byte, pos int) {
	lo := len(b.text)
	b.text = append(b.text, tok...)
	b.Big = append(b.Big, Big{At: len(b.Nums), Pos: pos, textLo: lo, textHi: len(b.text)})
	b.Nums = append(b.Nums, 0)
	// A decimal digit is 3.3 bits, a hex digit 4: the token's length
	// bounds the bytes its value will take.
	b.bigBytes += len(tok)
}

func (b *Block) addBig(z *big.Int, pos int) {
	b.Big = append(b.Big, Big{At: len(b.Nums), N: z, Pos: pos})
	b.Nums = append(b.Nums, 0)
	b.bigBytes += len(z.Bits()) * 8
}
