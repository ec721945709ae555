package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/bench"
	"github.com/corescale/corescale/internal/quote"
	"github.com/corescale/corescale/internal/shard"
	"github.com/urfave/cli/v2"
)

// benchNode is what `bench --shard K/N --json` adds to the report: which
// node of the cluster ran it. Shards of a bench do not split its work:
// each node runs the whole bench, and corescale merge adds the nodes'
// throughputs, which is what N tasks that never talk to each other (the
// shards of a prime or resize job) do together.
type benchNode struct {
	Shard string `json:"shard"`
	Host  string `json:"host"`
	From  string `json:"from"` // where K and N came from
}

// benchShardFlags are --shard and --shards, which for bench name the node.
func benchShardFlags() []cli.Flag {
	f := shardFlags("")
	f[0].(*cli.StringFlag).Usage = "this is node `K/N` of a cluster, K from 0 (default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX when set): --json says so, and corescale merge joins the nodes' reports into a nodes × workers × GPUs table"
	return f
}

// shardedReport is bench's JSON report with the node it ran on.
type shardedReport struct {
	*bench.Report
	Node *benchNode `json:"corescale_shard,omitempty"`
}

// benchJSON returns the writer of --json: the report as bench writes it,
// with the node when sharded.
func benchJSON(s sharding) func(*bench.Report, io.Writer) error {
	if !s.on {
		return (*bench.Report).WriteJSON
	}
	host, _ := os.Hostname()
	return func(r *bench.Report, w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(shardedReport{Report: r, Node: &benchNode{Shard: s.Spec.String(), Host: host, From: s.from}})
	}
}

// isBenchReport reports whether head, a file's first bytes, is a bench
// JSON report rather than a shard of prime.
func isBenchReport(head []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("{")) &&
		bytes.Contains(head, []byte(`"schema": "`+bench.SchemaVersion+`"`))
}

// nodeReport is one node's report, read back.
type nodeReport struct {
	name string
	shardedReport
	k int
}

// mergeBench writes one Markdown report of the nodes' bench --json files:
// the nodes, then for each workload a table of the throughput of 1 to N
// nodes on each backend, worker count and GPU count, and the speedup of N
// nodes over one.
func mergeBench(names []string, w io.Writer) error {
	var nodes []nodeReport
	n := -1
	for _, name := range names {
		q := quote.Name(name)
		data, err := os.ReadFile(name)
		if err != nil {
			return &usageError{err}
		}
		r := nodeReport{name: name, shardedReport: shardedReport{Report: &bench.Report{}}}
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&r.shardedReport); err != nil || r.Schema != bench.SchemaVersion {
			return usageErrorf("%s: not a corescale bench --json report of schema %s", q, bench.SchemaVersion)
		}
		switch {
		case r.Node == nil && n > 0 || r.Node != nil && n == 0:
			return usageErrorf("%s: bench reports with and without --shard: merge the nodes of one sharded bench, or reports without --shard", q)
		case r.Node == nil:
			n, r.k = 0, len(nodes)
		default:
			k, err := shard.Parse(r.Node.Shard)
			if err != nil {
				return usageErrorf("%s: corescale_shard %w", q, err)
			}
			if n > 0 && k.N != n {
				return usageErrorf("%s: node %s, but %s is of %d nodes", q, r.Node.Shard, quote.Name(nodes[0].name), n)
			}
			n, r.k = k.N, k.K
			for _, o := range nodes {
				if o.k == r.k {
					return usageErrorf("%s: node %s again: %s holds it too", q, r.Node.Shard, quote.Name(o.name))
				}
			}
		}
		nodes = append(nodes, r)
	}
	if n > 0 && len(nodes) != n {
		return usageErrorf("%d of %d nodes' reports given: every node's bench --shard K/%d --json is needed", len(nodes), n, n)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].k < nodes[j].k })
	var b strings.Builder
	fmt.Fprintf(&b, "# corescale bench on %d nodes\n\n", len(nodes))
	b.WriteString("Each node ran the whole bench; n nodes do the throughput of nodes 0 to n-1 together, as the shards of a job do (they share nothing).\n\n")
	b.WriteString("| node | host | CPU | cores | GPU | file |\n|---:|---|---|---:|---|---|\n")
	for _, r := range nodes {
		host := ""
		if r.Node != nil {
			host = r.Node.Host
		}
		gpuName := r.Machine.GPU
		if gpuName == "" {
			gpuName = "none"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %d | %s | %s |\n", r.k, md(host), md(r.Machine.CPU), r.Machine.Cores, md(gpuName), md(quote.Name(r.name)))
	}
	// Rows: each workload's backends, in the order of node 0's report.
	type rowKey struct{ workload, label string }
	var order []rowKey
	seen := map[rowKey]bool{}
	units := map[string]string{}
	for _, r := range nodes {
		for _, res := range r.Results {
			k := rowKey{res.Workload, res.Label}
			if !seen[k] {
				seen[k] = true
				order = append(order, k)
				units[res.Workload] = res.Unit
			}
		}
	}
	find := func(r nodeReport, k rowKey) *bench.Result {
		for i := range r.Results {
			if res := &r.Results[i]; res.Workload == k.workload && res.Label == k.label && res.Status == bench.StatusOK {
				return res
			}
		}
		return nil
	}
	last := ""
	for _, k := range order {
		if k.workload != last {
			last = k.workload
			fmt.Fprintf(&b, "\n## %s (%s/s)\n\n| backend | workers | GPUs |", md(k.workload), md(units[k.workload]))
			for i := range nodes {
				fmt.Fprintf(&b, " %s |", plural(i+1, "node"))
			}
			b.WriteString(" speedup |\n|---|---:|---:|" + strings.Repeat("---:|", len(nodes)) + "---:|\n")
		}
		var workers, gpus int
		var sum, first float64
		cells := make([]string, len(nodes))
		for i, r := range nodes {
			res := find(r, k)
			if res == nil {
				for j := i; j < len(nodes); j++ {
					cells[j] = "–"
				}
				break
			}
			workers = res.Workers
			if res.Backend == corescale.GPU || res.Backend == corescale.GPUEmu {
				gpus = max(1, res.GPUs)
			}
			sum += res.Throughput
			if i == 0 {
				first = sum
			}
			cells[i] = fmt.Sprintf("%.4g", sum)
		}
		speedup := "–"
		if cells[len(cells)-1] != "–" && first > 0 {
			speedup = fmt.Sprintf("%.2f×", sum/first)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s |\n", md(k.label), workers, gpus, strings.Join(cells, " | "), speedup)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// md escapes a Markdown table cell.
func md(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
