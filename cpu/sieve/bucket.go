package sieve

// The large sieving primes (above mediumMax) of a task each hit it a few
// times at most, anywhere in it: crossed off as they are generated, every
// hit was a write to a random place of a task several times the L2 cache
// (cross and start were 77% of a count at 10^18). After Oliveira e Silva's
// bucket sieve (primesieve's EratBig), each hit is written instead into the
// bucket of the part of the task (bucketSpan bytes) that holds it, a
// sequential write, and the buckets are applied part by part, each part's
// writes landing in the L2 cache. A bucket is a list of fixed-size blocks from a pool of bucketPool
// blocks per worker; when the pool runs out every bucket is applied and
// its blocks recycled, so the memory stays bounded whatever the range.
//
// What a block holds is the hit, not the prime and its state: keeping the
// states of the primes of a task until their next area, as EratBig does,
// takes 8 bytes a prime that hits the task (8 M of them in a 4 MiB task at
// 10^18, 64 MB), while a hit takes 4 bytes and is gone once applied.

const (
	// bucketLen is the size of one block: 4 KiB. Its first word is left
	// unused (blockRecords).
	bucketLen = 1024
	// blockRecords is the records a block holds, from its second word: a
	// bucket's next position is a multiple of bucketLen exactly when it
	// needs a new block, the one test a push makes, whether it has one
	// that is full or none (0).
	blockRecords = bucketLen - 1
	// bucketSpan is the bytes of the task one bucket covers: a quarter of
	// areaBytes, so that its random writes stay well inside the L2 cache
	// beside the blocks streaming in.
	bucketSpan = 1 << bucketShift
	// bucketShift is log2 of bucketSpan, for the assembly.
	bucketShift = 18
)

// bucketPool is the blocks of the pools of a run, shared among its
// workers (each pool holds at least poolLeast): 4 MiB of records, applied
// area by area when full, so that the memory stays bounded whatever the
// workers. Tests make it small, so that the pools run out often. Near 2^64 a task of 16 MiB gets ~5·10^7 hits: a pool of
// 1 MiB applied a few thousand records at a time to each area of 4,096
// cache lines, nearly each a miss (apply was a quarter of the count's
// time); four times as many, with the area read through first (touch),
// took the count from 3.67 to 2.94 CPU s (paired, 3 rounds, loaded
// machine; 2048 blocks gained nothing more).
var bucketPool = 1024

// poolLeast is the fewest blocks of a worker's pool.
const poolLeast = 64

// poolBlocks is the blocks of each worker's pool when k share bucketPool.
func poolBlocks(k int) int { return max(bucketPool/max(k, 1), min(bucketPool, poolLeast)) }

// hitBit[wi] is the bit that the multiple at wheel index wi clears (set
// in wheel.go's init, beside mask).
var hitBit [64]uint8

// buckets holds the hits of the large primes on one task, by area: a
// record is a byte's offset in its area and the bit to clear, off<<3|bit.
type buckets struct {
	arena []uint32  // blocks of bucketLen words, blockRecords records each; block 0 is not in the pool
	free  []int32   // the blocks not in a bucket
	full  [][]int32 // per area, its filled blocks
	// pos is, per area, where its next record goes in arena: past the
	// first word of its current block, at most its end; 0 when it has
	// none. A record pushed reads and writes this one word, and starts a
	// block when it is a multiple of bucketLen (the push of every hit was
	// two words read, two written, and a branch on each).
	pos []uint32
	buf []byte // the task's bytes the areas lie in
	// touched keeps touch's reads, which are for their side effect.
	touched byte
}

// reset prepares b for a task over buf, with a pool of blocks blocks.
func (b *buckets) reset(buf []byte, blocks int) {
	areas := (len(buf) + bucketSpan - 1) / bucketSpan
	if len(b.arena) != (blocks+1)*bucketLen {
		b.arena = make([]uint32, (blocks+1)*bucketLen)
	}
	b.free = b.free[:0]
	for i := range int32(blocks) {
		b.free = append(b.free, i+1)
	}
	for len(b.full) < areas {
		b.full = append(b.full, nil)
	}
	b.full = b.full[:areas]
	b.pos = b.pos[:0]
	for i := range areas {
		b.full[i] = b.full[i][:0]
		b.pos = append(b.pos, 0)
	}
	b.buf = buf
}

// add records the hits of sieving prime p on the task, from its first
// multiple st.
func (b *buckets) add(st sprime) {
	if st.idx >= uint32(len(b.buf)) {
		return // addStates takes only primes that hit the task
	}
	b.addStates(&largeStates{k: []uint32{st.k}, idx: []uint32{st.idx}, wi: []uint32{uint32(st.wi)}})
}

// addStates records the hits of the primes of ls, from the first
// multiples they hold (each hits the task: starts keeps no other), and
// leaves ls's fields reordered and cut. It goes in rounds, a hit of each
// prime still in the task per round, rather than prime by prime: a
// prime's hits are a chain (the next offset needs the last), and its loop
// ends after an unforeseeable number of them, a mispredicted branch a
// prime; a round's hits are independent of each other, and a prime that
// leaves the task is dropped without a branch.
func (b *buckets) addStates(ls *largeStates) {
	n := len(ls.k)
	r := pushArgs{pos: b.pos, arena: b.arena, ks: ls.k, idxs: ls.idx[:n], wis: ls.wi[:n], end: n, n: uint32(len(b.buf))}
	for r.end > 0 {
		r.i, r.kept = 0, 0
		for {
			var full uint32
			r.i, r.kept, full = pushRound(&r)
			if r.i == r.end {
				break
			}
			b.pos[full] = b.block(full)
		}
		r.end = r.kept
	}
	ls.k, ls.idx, ls.wi = ls.k[:0], ls.idx[:0], ls.wi[:0]
}

// pushArgs is a round of addStates: the buckets' positions and arena, the
// primes' fields, from prime i to end, those kept so far, and the task's
// bytes n. The assembly reads them by offset.
type pushArgs struct {
	pos, arena    []uint32
	ks, idxs, wis []uint32
	i, kept, end  int
	n             uint32
}

// pushTable[wi] is what a hit at wheel index wi needs: the byte steps
// dq[wi&7] and dc[wi] to its next multiple, and the bit it clears.
var pushTable [64][4]uint32

// pushRoundGo records the hits of the primes from i to end of a round,
// and moves each to its next multiple, kept from kept on when that is
// still in the task, until an area's block is full; it returns where it
// stopped, the primes kept, and that area. It calls nothing, so that
// pushRoundAsm, which keeps every value in a register, can stand in for
// it: with buckets.block's call in the loop, the compiler kept eleven on
// the stack (3.7 ns a hit near 2^64).
func pushRoundGo(r *pushArgs) (int, int, uint32) {
	pos, arena, n := r.pos, r.arena, r.n
	idxs := r.idxs[:r.end]
	ks, wis := r.ks[:len(idxs)], r.wis[:len(idxs)]
	i, kept := r.i, r.kept
	for ; i < len(idxs); i++ {
		idx, wi, k := idxs[i], wis[i], ks[i]
		a := idx / bucketSpan
		j := pos[a]
		if j%bucketLen == 0 {
			return i, kept, a
		}
		pos[a] = j + 1
		t := &pushTable[wi&63]
		arena[j] = idx%bucketSpan<<3 | t[2]
		idx += k*t[0] + t[1]
		wi = wi&^7 | (wi+1)&7
		// Kept in place, and counted when still in the task: idx − n
		// wraps to its top bit then, as idx and n are below 2^31.
		idxs[kept], wis[kept], ks[kept] = idx, wi, k
		kept += int((idx - n) >> 31)
	}
	return i, kept, 0
}

// push appends record r to the bucket of area a.
func (b *buckets) push(a, r uint32) {
	i := b.pos[a]
	if i%bucketLen == 0 {
		i = b.block(a)
	}
	b.arena[i] = r
	b.pos[a] = i + 1
}

// block gives area a a new current block and returns its first record's
// position (past the block's unused first word), applying every bucket
// first when the pool is empty.
func (b *buckets) block(a uint32) uint32 {
	if i := b.pos[a]; i != 0 {
		b.full[a] = append(b.full[a], int32((i-1)/bucketLen))
		b.pos[a] = 0
	}
	if len(b.free) == 0 {
		b.apply()
	}
	c := b.free[len(b.free)-1]
	b.free = b.free[:len(b.free)-1]
	return uint32(c)*bucketLen + 1
}

// apply clears the bits of every record, area by area, and returns the
// blocks to the pool.
func (b *buckets) apply() {
	for a := range b.full {
		area := b.buf[a*bucketSpan : min((a+1)*bucketSpan, len(b.buf))]
		if recs := len(b.full[a]) * blockRecords; recs >= len(area)/128 {
			b.touch(area)
		}
		for _, c := range b.full[a] {
			clearHits(area, b.arena[int(c)*bucketLen+1:int(c+1)*bucketLen])
			b.free = append(b.free, c)
		}
		b.full[a] = b.full[a][:0]
		if i := b.pos[a]; i != 0 {
			c := (i - 1) / bucketLen
			clearHits(area, b.arena[c*bucketLen+1:i])
			b.free = append(b.free, int32(c))
			b.pos[a] = 0
		}
	}
}

// touch reads area through, a byte a cache line, before at least one
// record for every other line of it is applied: read in order, the lines
// stream in at the memory's speed, where the records' random order takes
// a miss each.
func (b *buckets) touch(area []byte) {
	var x byte
	for i := 0; i < len(area); i += 64 {
		x |= area[i]
	}
	b.touched |= x
}

// clearHits clears the bit of each record in area.
func clearHits(area []byte, recs []uint32) {
	for _, r := range recs {
		area[r>>3] &^= 1 << (r & 7)
	}
}
