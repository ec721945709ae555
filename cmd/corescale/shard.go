package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/corescale/corescale/internal/shard"
	"github.com/urfave/cli/v2"
)

// shardFlags are --shard and --shards, the same on prime, resize and bench.
func shardFlags(category string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "shard", Category: category, Usage: "do shard `K/N` of the job, K from 0 (default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX when set; none: the whole job whatever the environment)", DefaultText: "the environment's, or none"},
		&cli.IntFlag{Name: "shards", Category: category, Usage: "`N` shards in all, with JOB_COMPLETION_INDEX (Kubernetes gives no count; or CORESCALE_SHARDS)", DefaultText: "CORESCALE_SHARDS"},
	}
}

// getenv reads the environment; tests replace it.
var getenv = os.Getenv

// sharding is which shard of a job this run does, and where that came from.
type sharding struct {
	shard.Spec
	on   bool   // false: the whole job
	from string // for --verbose: "--shard 1/4", "SLURM_ARRAY_TASK_ID=1 and SLURM_ARRAY_TASK_COUNT=4"
}

// readSharding reads --shard, --shards and the cluster engines'
// environment. Without --shard, Slurm's array variables come first, then
// Kubernetes' completion index, whose count is not in the environment of a
// pod and comes from --shards or CORESCALE_SHARDS.
func readSharding(c *cli.Context) (sharding, error) {
	count := 0
	if c.IsSet("shards") {
		if count = c.Int("shards"); count < 1 || count > shard.MaxShards {
			return sharding{}, usageErrorf("--shards %d: want 1 to %d shards", count, shard.MaxShards)
		}
	}
	s, err := findSharding(c.String("shard"), c.IsSet("shard"), count)
	if err != nil {
		return s, &usageError{err}
	}
	if count > 0 && s.on && s.N != count {
		return s, usageErrorf("--shards %d, but %s says %d shards", count, s.from, s.N)
	}
	if count > 0 && !s.on && c.String("shard") != "none" {
		return s, usageErrorf("--shards %d without a shard index: give --shard K/N, or run as a task that sets JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID", count)
	}
	return s, nil
}

func findSharding(flag string, flagSet bool, count int) (sharding, error) {
	switch {
	case flagSet && flag == "none":
		return sharding{from: "--shard none"}, nil
	case flagSet:
		spec, err := shard.Parse(flag)
		if err != nil {
			return sharding{}, fmt.Errorf("--shard %w", err)
		}
		return sharding{Spec: spec, on: true, from: "--shard " + flag}, nil
	case getenv("SLURM_ARRAY_TASK_ID") != "":
		return slurmSharding()
	case getenv("JOB_COMPLETION_INDEX") != "":
		k, err := envInt("JOB_COMPLETION_INDEX", 0)
		if err != nil {
			return sharding{}, err
		}
		from := "--shards"
		if count == 0 {
			from = "CORESCALE_SHARDS"
			if getenv(from) == "" {
				return sharding{}, fmt.Errorf("JOB_COMPLETION_INDEX=%d is set but not the number of shards: give --shards N or set CORESCALE_SHARDS to the Job's completions (or --shard none for the whole job)", k)
			}
			if count, err = envInt(from, 1); err != nil {
				return sharding{}, err
			}
		}
		if k >= count {
			return sharding{}, fmt.Errorf("JOB_COMPLETION_INDEX=%d: want below the %d shards of %s", k, count, from)
		}
		return sharding{Spec: shard.Spec{K: k, N: count}, on: true,
			from: fmt.Sprintf("JOB_COMPLETION_INDEX=%d and %s=%d", k, from, count)}, nil
	}
	return sharding{}, nil
}

// slurmSharding reads a Slurm array task's variables: K is the task's
// place in the array, N the array's size, so --array=0-3 and --array=1-4
// both make shards 0/4 to 3/4, and --array=0-6:2 too.
func slurmSharding() (sharding, error) {
	id, err := envInt("SLURM_ARRAY_TASK_ID", 0)
	if err != nil {
		return sharding{}, err
	}
	lo, step := 0, 1
	if getenv("SLURM_ARRAY_TASK_MIN") != "" {
		if lo, err = envInt("SLURM_ARRAY_TASK_MIN", 0); err != nil {
			return sharding{}, err
		}
	}
	if getenv("SLURM_ARRAY_TASK_STEP") != "" {
		if step, err = envInt("SLURM_ARRAY_TASK_STEP", 1); err != nil {
			return sharding{}, err
		}
	}
	var n int
	from := fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", id)
	switch {
	case getenv("SLURM_ARRAY_TASK_COUNT") != "":
		if n, err = envInt("SLURM_ARRAY_TASK_COUNT", 1); err != nil {
			return sharding{}, err
		}
		from += fmt.Sprintf(" and SLURM_ARRAY_TASK_COUNT=%d", n)
	case getenv("SLURM_ARRAY_TASK_MAX") != "":
		hi, err := envInt("SLURM_ARRAY_TASK_MAX", lo)
		if err != nil {
			return sharding{}, err
		}
		n = (hi-lo)/step + 1
		from += fmt.Sprintf(" of SLURM_ARRAY_TASK_MIN=%d to SLURM_ARRAY_TASK_MAX=%d", lo, hi)
	default:
		return sharding{}, fmt.Errorf("%s is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX: give --shard K/N", from)
	}
	if id < lo || (id-lo)%step != 0 || (id-lo)/step >= n || n > shard.MaxShards {
		return sharding{}, fmt.Errorf("%s: not one of %d tasks from SLURM_ARRAY_TASK_MIN=%d by %d (submit the array as --array=0-%d, or give --shard K/N)", from, n, lo, step, n-1)
	}
	return sharding{Spec: shard.Spec{K: (id - lo) / step, N: n}, on: true, from: from}, nil
}

// envInt reads a variable that must hold an integer of at least least.
func envInt(name string, least int) (int, error) {
	v := getenv(name)
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < least {
		return 0, fmt.Errorf("%s=%q: want a whole number, %d or more", name, v, least)
	}
	return n, nil
}
