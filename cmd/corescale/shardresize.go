package main

import (
	"fmt"
	"math"
	"sync"

	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/thumbnail"
	"github.com/urfave/cli/v2"
)

// shardImages restricts the batch to this task's shard, when there is one:
// a contiguous run of the sorted inputs of about 1/N of the pixels, read
// from the headers. Every shard plans the whole batch, so outputs get the
// names the whole run gives them, in the one output tree all shards share.
func shardImages(c *cli.Context, batch *thumbnail.Batch) error {
	sh, err := readSharding(c)
	if err != nil || !sh.on {
		return err
	}
	ins := batch.Inputs()
	pixels := make([]int64, len(ins))
	// Headers only, a few on each core: a file that cannot be read weighs
	// what a small image does, and fails in its shard as it would whole.
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, min(c.Int("workers"), len(ins))) {
		wg.Go(func() {
			for i := range next {
				pixels[i] = 1
				if info, err := imagefile.Probe(ins[i], imagefile.Limits{MaxPixels: math.MaxInt64}); err == nil {
					pixels[i] = max(int64(info.Width)*int64(info.Height), 1)
				}
			}
		})
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	lo, hi := sh.Weighted(pixels)
	batch.Restrict(lo, hi)
	if c.Bool("verbose") {
		var mine, all int64
		for i, p := range pixels {
			all += p
			if i >= lo && i < hi {
				mine += p
			}
		}
		fmt.Fprintf(c.App.ErrWriter, "corescale: shard %s (from %s): files %d to %d of %d, %.1f of %.1f megapixels\n",
			sh.Spec, sh.from, lo+1, hi, len(ins), float64(mine)/1e6, float64(all)/1e6)
	}
	return nil
}
