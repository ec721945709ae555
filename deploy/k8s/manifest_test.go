package k8s

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// decodeStrict decodes a manifest as the API server's strict field
// validation does: field names matched case-sensitively, an unknown or
// duplicate field an error. kubectl's lenient decoding drops a misspelled
// field (completionmode, paralellism) silently, and the Job then runs
// unsharded N times; encoding/json would match completionmode anyway.
func decodeStrict(data []byte, into any) error {
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("yaml to json: %w", err)
	}
	strict, err := kjson.UnmarshalStrict(js, into, kjson.DisallowUnknownFields, kjson.DisallowDuplicateFields)
	if err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if err := errors.Join(strict...); err != nil {
		return fmt.Errorf("strict decoding: %w", err)
	}
	return nil
}

func readJob(t *testing.T, name string) *batchv1.Job {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var job batchv1.Job
	if err := decodeStrict(data, &job); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if job.APIVersion != "batch/v1" || job.Kind != "Job" {
		t.Fatalf("%s: %s %s, want batch/v1 Job", name, job.APIVersion, job.Kind)
	}
	return &job
}

func envValue(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// checkVolumes: every volume mount is a PVC that the pods share.
func checkVolumes(t *testing.T, name string, job *batchv1.Job) {
	t.Helper()
	spec := job.Spec.Template.Spec
	claims := map[string]bool{}
	for _, v := range spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			t.Errorf("%s: volume %s is not a PersistentVolumeClaim (the pods must share inputs and outputs)", name, v.Name)
			continue
		}
		claims[v.Name] = true
	}
	for _, c := range spec.Containers {
		if len(c.VolumeMounts) == 0 {
			t.Errorf("%s: container %s mounts no volume", name, c.Name)
		}
		for _, m := range c.VolumeMounts {
			if !claims[m.Name] {
				t.Errorf("%s: container %s mounts %s, which is not a PVC volume of the pod", name, c.Name, m.Name)
			}
		}
	}
	if p := spec.RestartPolicy; p != corev1.RestartPolicyNever && p != corev1.RestartPolicyOnFailure {
		t.Errorf("%s: restartPolicy %q, a Job needs Never or OnFailure", name, p)
	}
}

// checkIndexed holds what makes an Indexed Job run the shards of one
// corescale job: it returns the shard count.
func checkIndexed(t *testing.T, name string, job *batchv1.Job) int {
	t.Helper()
	s := job.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("%s: completionMode %v, want Indexed (pods get JOB_COMPLETION_INDEX only then)", name, s.CompletionMode)
	}
	if s.Completions == nil || *s.Completions < 1 {
		t.Fatalf("%s: completions %v, want the shard count", name, s.Completions)
	}
	n := int(*s.Completions)
	if s.Parallelism != nil && (*s.Parallelism < 1 || int(*s.Parallelism) > n) {
		t.Errorf("%s: parallelism %d, want 1..completions (%d)", name, *s.Parallelism, n)
	}
	cs := s.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("%s: %d containers, want the one corescale container", name, len(cs))
	}
	c := cs[0]
	v, ok := envValue(c, "CORESCALE_SHARDS")
	if !ok {
		t.Fatalf("%s: no CORESCALE_SHARDS in the container's env (Kubernetes gives the index, not the count)", name)
	}
	if got, err := strconv.Atoi(v); err != nil || got != n {
		t.Errorf("%s: CORESCALE_SHARDS=%q, want completions %d", name, v, n)
	}
	cmd := append(slices.Clone(c.Command), c.Args...)
	if len(cmd) < 2 || filepath.Base(cmd[0]) != "corescale" || !slices.Contains([]string{"prime", "resize", "bench"}, cmd[1]) {
		t.Fatalf("%s: command %q, want corescale prime, resize or bench", name, cmd)
	}
	for _, a := range cmd {
		if a == "--shard" || a == "--shards" || strings.HasPrefix(a, "--shard=") || strings.HasPrefix(a, "--shards=") {
			t.Errorf("%s: the command carries %s; the shard must come from JOB_COMPLETION_INDEX and CORESCALE_SHARDS", name, a)
		}
	}
	checkVolumes(t, name, job)
	return n
}

func TestJobManifest(t *testing.T) {
	job := readJob(t, "job.yaml")
	checkIndexed(t, "job.yaml", job)
	if job.Spec.Template.Spec.Containers[0].Command[1] != "prime" {
		t.Errorf("job.yaml: want the prime job (merge-job.yaml merges its outputs)")
	}
}

func TestGPUJobManifest(t *testing.T) {
	job := readJob(t, "job-gpu.yaml")
	checkIndexed(t, "job-gpu.yaml", job)
	c := job.Spec.Template.Spec.Containers[0]
	gpus, ok := c.Resources.Limits["nvidia.com/gpu"]
	if !ok || gpus.Value() < 1 {
		t.Errorf("job-gpu.yaml: limits nvidia.com/gpu = %v, want at least 1", c.Resources.Limits)
	}
	if !slices.Contains(c.Command, "gpu") {
		t.Errorf("job-gpu.yaml: command %q does not ask for --backend gpu", c.Command)
	}
}

// The merge job lists exactly the files job.yaml's pods write, in index order.
func TestMergeJobManifest(t *testing.T) {
	job := readJob(t, "job.yaml")
	n := checkIndexed(t, "job.yaml", job)
	merge := readJob(t, "merge-job.yaml")
	checkVolumes(t, "merge-job.yaml", merge)
	if merge.Spec.CompletionMode != nil && *merge.Spec.CompletionMode == batchv1.IndexedCompletion {
		t.Errorf("merge-job.yaml: the merge runs once, not Indexed")
	}
	mc := merge.Spec.Template.Spec.Containers
	if len(mc) != 1 {
		t.Fatalf("merge-job.yaml: %d containers, want 1", len(mc))
	}
	cmd := mc[0].Command
	if len(cmd) < 4 || filepath.Base(cmd[0]) != "corescale" || cmd[1] != "merge" || cmd[2] != "--output" {
		t.Fatalf("merge-job.yaml: command %q, want corescale merge --output FILE SHARD...", cmd)
	}
	var want []string
	c := job.Spec.Template.Spec.Containers[0]
	for k := range n {
		env := podEnv(c, k)
		out := outputFlag(t, expand(c.Command, env))
		want = append(want, out)
	}
	if got := cmd[4:]; !slices.Equal(got, want) {
		t.Errorf("merge-job.yaml merges %q, want job.yaml's outputs %q", got, want)
	}
}

// The strict decoding is what rejects a misspelled field; show that it does.
func TestDecodeStrictRejectsUnknownField(t *testing.T) {
	data, err := os.ReadFile("job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, to string }{
		{"completionMode:", "completionmode:"},
		{"parallelism:", "paralellism:"},
	} {
		bad := bytes.Replace(data, []byte(c.from), []byte(c.to), 1)
		if bytes.Equal(bad, data) {
			t.Fatalf("job.yaml has no %s to misspell", c.from)
		}
		var job batchv1.Job
		if err := decodeStrict(bad, &job); err == nil || !strings.Contains(err.Error(), strings.TrimSuffix(c.to, ":")) {
			t.Errorf("a misspelled %s decoded (err %v); the check would miss it", c.to, err)
		}
	}
	var pvc corev1.PersistentVolumeClaim
	pdata, err := os.ReadFile("pvc.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeStrict(pdata, &pvc); err != nil {
		t.Fatalf("pvc.yaml: %v", err)
	}
	if pvc.Kind != "PersistentVolumeClaim" || !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("pvc.yaml: %s with access modes %v, want a ReadWriteMany PersistentVolumeClaim", pvc.Kind, pvc.Spec.AccessModes)
	}
	for _, j := range []string{"job.yaml", "job-gpu.yaml", "merge-job.yaml"} {
		claim := readJob(t, j).Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName
		if claim != pvc.Name {
			t.Errorf("%s: claim %q, want pvc.yaml's %q", j, claim, pvc.Name)
		}
	}
}
