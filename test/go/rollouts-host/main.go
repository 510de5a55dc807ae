// Command rollouts-host drives a metric-provider plugin exactly as the Argo Rollouts v1.9.1 controller does: the
// real go-plugin v1.6.3 client with the controller's ClientConfig, the real rpc.MetricsPluginRPC client and the real
// v1alpha1 types (so the full gob type graph goes over the wire). Each scenario prints one JSON object on stdout
// and exits non-zero when a protocol check failed; go-plugin's own logs go to stderr.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, " ") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

const usage = `usage: rollouts-host <scenario> --plugin PATH [--arg A]... [flags]
scenarios: dispense init ping run measure invalid-config async resume terminate garbage-collect metadata type
           concurrent big-arg keepalive kill restart crash controller bench gob-first-id
       rollouts-host relay --out FILE -- PLUGIN [ARGS...]   (a wire-measuring plugin wrapper)`

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	scenario := os.Args[1]
	if scenario == "relay" {
		os.Exit(relayMain(os.Args[2:]))
	}
	fs := flag.NewFlagSet(scenario, flag.ExitOnError)
	var args repeated
	plugin := fs.String("plugin", "", "plugin executable (the ConfigMap location)")
	fs.Var(&args, "arg", "plugin argument (the ConfigMap args), repeatable")
	successCondition := fs.String("success-condition", "", "measure: the metric's successCondition")
	failureCondition := fs.String("failure-condition", "", "measure: the metric's failureCondition")
	var runArgs repeated
	fs.Var(&runArgs, "run-arg", "measure: AnalysisRun arg NAME=VALUE replacing the fixture's, repeatable")
	name := fs.String("plugin-name", "argo-otel/canary-judge", "provider.plugin key")
	config := fs.String("config", `{"fixed":{"phase":"Successful","value":"1","message":"fixed answer","delayMs":0}}`, "provider.plugin JSON")
	n := fs.Int("n", 50, "concurrent: parallel Runs; bench: sequential Runs")
	size := fs.Int("size", 16<<20, "big-arg: argument size in bytes")
	maxDelay := fs.Int("max-delay-ms", 200, "concurrent: Runs take 0..max-delay-ms (spread so answers come out of order)")
	warmup := fs.Int("warmup", 0, "bench: unmeasured Runs after the first one")
	install := fs.String("install", "download", "controller: put the plugin into plugin-bin/ by DownloadPlugins (copy) or symlink")
	idle := fs.Duration("idle", 65*time.Second, "keepalive: idle time before the next Run")
	shift := fs.Int("shift-type-ids", 0, "gob-encode this many other types first (a long-running controller's ids)")
	_ = fs.Parse(os.Args[2:])
	if err := shiftTypeIDs(*shift); err != nil {
		fmt.Fprintf(os.Stderr, "rollouts-host: --shift-type-ids: %v\n", err)
		os.Exit(2)
	}

	if scenario == "gob-first-id" {
		id, err := firstUserTypeID()
		r := &result{Scenario: scenario, Problems: []string{}, Data: map[string]any{"firstUserTypeId": id, "goVersion": goVersion()}}
		if err != nil {
			r.problem("%v", err)
		}
		r.OK = len(r.Problems) == 0
		emit(r)
		return
	}
	if *plugin == "" {
		fmt.Fprintln(os.Stderr, "rollouts-host: --plugin is required\n"+usage)
		os.Exit(2)
	}
	if !json.Valid([]byte(*config)) {
		fmt.Fprintf(os.Stderr, "rollouts-host: --config is not valid JSON: %s\n", *config)
		os.Exit(2)
	}
	var compact strings.Builder
	_ = json.NewEncoder(&compact).Encode(json.RawMessage(*config)) // compacted, as ResolveMetricArgs re-encodes it
	emit(runScenario(scenario, options{plugin: *plugin, args: args, pluginName: *name,
		config: json.RawMessage(strings.TrimSpace(compact.String())), n: *n, size: *size, idle: *idle, maxDelayMs: *maxDelay, warmup: *warmup, install: *install, runArgs: runArgs,
		successCondition: *successCondition, failureCondition: *failureCondition}))
}

func emit(r *result) {
	b, err := json.Marshal(r)
	if err != nil {
		fmt.Fprintf(os.Stderr, "rollouts-host: encode result: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(string(b))
	if !r.OK {
		os.Exit(1)
	}
}
