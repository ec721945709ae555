package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestShardFromEnvironment(t *testing.T) {
	for _, c := range []struct {
		env   map[string]string
		flag  string
		count int
		want  string // "K/N from ...", "" for the whole job, or "error: ..."
	}{
		{want: ""},
		{flag: "2/5", want: "2/5 from --shard 2/5"},
		{flag: "none", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, want: ""},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, want: "1/4 from SLURM_ARRAY_TASK_ID=1 and SLURM_ARRAY_TASK_COUNT=4"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, want: "3/4 from"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "9"}, want: "2/7 from SLURM_ARRAY_TASK_ID=5 of SLURM_ARRAY_TASK_MIN=3 to SLURM_ARRAY_TASK_MAX=9"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_STEP": "2"}, want: "2/4 from"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, want: "error: SLURM_ARRAY_TASK_ID=4 and SLURM_ARRAY_TASK_COUNT=4: not one of 4 tasks"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"}, want: `error: SLURM_ARRAY_TASK_ID="x"`},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, want: "error: SLURM_ARRAY_TASK_ID=1 is set but neither"},
		{env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "0"}, want: `error: SLURM_ARRAY_TASK_COUNT="0"`},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "2", "CORESCALE_SHARDS": "3"}, want: "2/3 from JOB_COMPLETION_INDEX=2 and CORESCALE_SHARDS=3"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, count: 5, want: "2/5 from JOB_COMPLETION_INDEX=2 and --shards=5"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, want: "error: JOB_COMPLETION_INDEX=2 is set but not the number of shards"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "3", "CORESCALE_SHARDS": "3"}, want: "error: JOB_COMPLETION_INDEX=3: want below the 3 shards of CORESCALE_SHARDS"},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "-1", "CORESCALE_SHARDS": "3"}, want: `error: JOB_COMPLETION_INDEX="-1"`},
		{env: map[string]string{"JOB_COMPLETION_INDEX": "1", "CORESCALE_SHARDS": "many"}, want: `error: CORESCALE_SHARDS="many"`},
		{flag: "3/3", want: `error: --shard "3/3": K "3" is not a shard from 0 to 2`},
		{flag: "1/4", env: map[string]string{"JOB_COMPLETION_INDEX": "2", "CORESCALE_SHARDS": "3"}, want: "1/4 from --shard 1/4"},
	} {
		t.Run(fmt.Sprint(c.flag, c.env, c.count), func(t *testing.T) {
			getenv = func(k string) string { return c.env[k] }
			defer func() { getenv = os.Getenv }()
			s, err := findSharding(c.flag, c.flag != "", c.count)
			var got string
			switch {
			case err != nil:
				got = "error: " + err.Error()
			case s.on:
				got = fmt.Sprintf("%s from %s", s.Spec, s.from)
			}
			if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
