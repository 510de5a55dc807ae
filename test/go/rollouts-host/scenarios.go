package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/argoproj/argo-rollouts/metricproviders/plugin/rpc"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type options struct {
	plugin     string
	args       []string
	pluginName string
	config     json.RawMessage
	n          int
	size       int
	idle       time.Duration
	maxDelayMs int
	warmup     int
	install    string
	// measure: AnalysisRun args (NAME=VALUE) that replace the fixture's, e.g. real pod-template hashes, and the
	// metric's conditions (empty: none, so the provider's own verdict stands)
	runArgs          []string
	successCondition string
	failureCondition string
}

// result is the one JSON object a scenario prints. Problems lists every protocol check that failed; the exit
// code is non-zero when it is not empty.
type result struct {
	Scenario string         `json:"scenario"`
	OK       bool           `json:"ok"`
	Problems []string       `json:"problems"`
	Pid      int            `json:"pid,omitempty"`
	Addr     string         `json:"addr,omitempty"`
	Data     map[string]any `json:"data"`
	// HostWarnings are go-plugin's own WARN/ERROR log lines (e.g. "plugin failed to exit gracefully").
	HostWarnings []string `json:"hostWarnings"`
	// PluginLogLines counts plugin stderr lines the host forwarded to its logger; RawPluginLogLines are those
	// go-plugin could not parse as hclog JSON (bad @timestamp, unknown level, plain text), logged raw at DEBUG.
	PluginLogLines    int      `json:"pluginLogLines"`
	RawPluginLogLines []string `json:"rawPluginLogLines"`
}

func (r *result) problem(format string, a ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
}

type fixedAnswer struct {
	Phase   string `json:"phase"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

func expectedAnswer(config json.RawMessage) fixedAnswer {
	var c struct{ Fixed fixedAnswer }
	_ = json.Unmarshal(config, &c)
	return c.Fixed
}

// checkMeasurement applies the controller's expectations of any plugin measurement (§6 of the notes).
func checkMeasurement(r *result, what string, m v1alpha1.Measurement) {
	if strings.Contains(m.Message, "rpc call error") {
		r.problem("%s: transport error: %s", what, m.Message)
		return
	}
	if m.Phase == "" {
		r.problem("%s: empty phase", what)
	}
	if m.StartedAt == nil {
		r.problem("%s: StartedAt not set", what)
	}
	if m.Phase.Completed() && m.FinishedAt == nil {
		r.problem("%s: completed phase %s without FinishedAt", what, m.Phase)
	}
	if m.Phase == v1alpha1.AnalysisPhaseRunning && (m.FinishedAt != nil || m.ResumeAt == nil) {
		r.problem("%s: Running needs ResumeAt and no FinishedAt", what)
	}
	if m.StartedAt != nil && m.FinishedAt != nil && m.FinishedAt.Before(m.StartedAt) {
		r.problem("%s: FinishedAt before StartedAt", what)
	}
}

func checkFixed(r *result, what string, m v1alpha1.Measurement, want fixedAnswer) {
	if want.Phase != "" && string(m.Phase) != want.Phase {
		r.problem("%s: phase %q, want %q (message %q)", what, m.Phase, want.Phase, m.Message)
	}
	if want.Phase != "" && m.Value != want.Value {
		r.problem("%s: value %q, want %q", what, m.Value, want.Value)
	}
}

func timed(f func()) (time.Time, time.Time) {
	start := time.Now()
	f()
	return start, time.Now()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// measured runs one controller measurement: Ping (via start) then the call, and records the call window.
func measured(r *result, s *pluginSystem, key string, call func(p rpc.MetricProviderPlugin) v1alpha1.Measurement) (v1alpha1.Measurement, bool) {
	p, err := s.start()
	if err != nil {
		r.problem("%s: %v", key, err)
		return v1alpha1.Measurement{}, false
	}
	var m v1alpha1.Measurement
	start, end := timed(func() { m = call(p) })
	r.Data[key] = toJSON(m, true)
	r.Data[key+"CallStartedAt"] = stamp(start)
	r.Data[key+"CallFinishedAt"] = stamp(end)
	checkMeasurement(r, key, m)
	return m, true
}

func runScenario(name string, o options) *result {
	r := &result{Scenario: name, Problems: []string{}, Data: map[string]any{}}
	s := &pluginSystem{path: o.plugin, args: o.args}
	defer func() {
		r.Pid, r.Addr = s.pid(), s.addr()
		s.kill()
		r.HostWarnings = captured.lines("[WARN]", "[ERROR]")
		logName := filepath.Base(o.plugin)
		if name == "controller" {
			logName = filepath.Base(o.pluginName) // the controller runs plugin-bin/<namespace>/<name>
		}
		forwarded := captured.lines(" plugin." + logName + ":")
		r.PluginLogLines, r.RawPluginLogLines = len(forwarded), []string{}
		for _, line := range forwarded {
			_, rest, _ := strings.Cut(line, " plugin."+logName+": ")
			if strings.HasPrefix(rest, "{") {
				r.RawPluginLogLines = append(r.RawPluginLogLines, line)
			}
		}
		r.OK = len(r.Problems) == 0
	}()
	want := expectedAnswer(o.config)
	metric := pluginMetric(o.pluginName, o.config)
	run := analysisRun(o.pluginName, o.config)

	switch name {
	case "measure":
		// One Run of whatever provider the config selects (the canary judge), with the caller's args: the
		// measurement is reported, not compared with a fixed answer.
		if err := overrideArgs(run, o.runArgs); err != nil {
			r.problem("%v", err)
			break
		}
		metric.SuccessCondition, metric.FailureCondition = o.successCondition, o.failureCondition
		run.Spec.Metrics[0] = metric
		measured(r, s, "measurement", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) })
	case "dispense":
		if err := dispenseOnly(r, s); err != nil {
			r.problem("%v", err)
		}
	case "init":
		if _, err := s.start(); err != nil {
			r.problem("%v", err)
		}
		r.Data["initialized"] = len(r.Problems) == 0
	case "ping":
		for i := 0; i < 3; i++ {
			if _, err := s.start(); err != nil {
				r.problem("ping %d: %v", i, err)
			}
		}
	case "run":
		m, ok := measured(r, s, "measurement", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) })
		if ok {
			checkFixed(r, "run", m, want)
			first, later, err := requestSizes("Plugin.Run", rpc.RunArgs{AnalysisRun: run, Metric: metric})
			if err != nil {
				r.problem("request size: %v", err)
			}
			r.Data["firstRunRequestBytes"], r.Data["laterRunRequestBytes"] = first, later
		}
	case "invalid-config":
		bad := json.RawMessage(`{"fixed":{"phase":"Bogus","value":"1"}}`)
		m, ok := measured(r, s, "measurement", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement {
			return p.Run(analysisRun(o.pluginName, bad), pluginMetric(o.pluginName, bad))
		})
		if ok && m.Phase != v1alpha1.AnalysisPhaseError {
			r.problem("invalid config: phase %q, want Error", m.Phase)
		}
		// The same session must keep serving after a bad request.
		m2, ok := measured(r, s, "after", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) })
		if ok {
			checkFixed(r, "after", m2, want)
		}
	case "resume", "terminate":
		started := metav1.NewTime(time.Now().Add(-10 * time.Second))
		resumeAt := metav1.NewTime(time.Now())
		inFlight := v1alpha1.Measurement{Phase: v1alpha1.AnalysisPhaseRunning, StartedAt: &started, ResumeAt: &resumeAt,
			Metadata: map[string]string{"job": "abc"}}
		r.Data["inFlight"] = toJSON(inFlight, true)
		m, ok := measured(r, s, "measurement", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement {
			if name == "resume" {
				return p.Resume(run, metric, inFlight)
			}
			return p.Terminate(run, metric, inFlight)
		})
		if ok && name == "resume" {
			checkFixed(r, "resume", m, want)
		}
		if ok && name == "terminate" && !m.Phase.Completed() {
			r.problem("terminate: phase %q is not completed; the AnalysisRun would never finish", m.Phase)
		}
	case "async":
		// Kayenta/Job pattern: Run answers Running with ResumeAt; the controller Resumes the stored measurement.
		cfg, err := withFixed(o.config, map[string]any{"phase": "Running", "resumeAfterMs": 0, "resumePhase": "Successful"})
		if err != nil {
			r.problem("%v", err)
			break
		}
		ar, mt := analysisRun(o.pluginName, cfg), pluginMetric(o.pluginName, cfg)
		first, ok := measured(r, s, "running", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(ar, mt) })
		if !ok {
			break
		}
		if first.Phase != v1alpha1.AnalysisPhaseRunning {
			r.problem("async run: phase %q, want Running", first.Phase)
		}
		m, ok := measured(r, s, "measurement", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Resume(ar, mt, first) })
		if ok && m.Phase != v1alpha1.AnalysisPhaseSuccessful {
			r.problem("async resume: phase %q, want Successful", m.Phase)
		}
	case "garbage-collect":
		p, err := s.start()
		if err != nil {
			r.problem("%v", err)
			break
		}
		resp := p.GarbageCollect(run, metric, 10)
		r.Data["errorString"] = resp.ErrorString
		if resp.HasError() {
			r.problem("garbage collect: %s", resp.ErrorString)
		}
	case "metadata":
		p, err := s.start()
		if err != nil {
			r.problem("%v", err)
			break
		}
		md := p.GetMetadata(metric)
		r.Data["metadata"] = md
		if md["error"] != "" {
			r.problem("metadata: %s", md["error"])
		}
	case "type":
		p, err := s.start()
		if err != nil {
			r.problem("%v", err)
			break
		}
		t := p.Type()
		r.Data["type"] = t
		if strings.Contains(t, "rpc call error") {
			r.problem("type: %s", t)
		}
	case "concurrent":
		concurrent(r, s, o, o.n)
	case "big-arg":
		bigArg(r, s, o, o.size)
	case "keepalive":
		if _, ok := measured(r, s, "before", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) }); !ok {
			break
		}
		time.Sleep(o.idle)
		r.Data["idleSeconds"] = o.idle.Seconds()
		pidBefore := s.pid()
		m, ok := measured(r, s, "measurement", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) })
		if ok {
			checkFixed(r, "after idle", m, want)
		}
		r.Data["samePid"] = pidBefore == s.pid()
		if pidBefore != s.pid() {
			r.problem("the session did not survive the idle period: plugin restarted")
		}
	case "kill":
		if _, ok := measured(r, s, "measurement", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) }); !ok {
			break
		}
		pid := s.pid()
		start, end := timed(s.kill)
		r.Data["killMs"] = float64(end.Sub(start).Microseconds()) / 1e3
		gone := !alive(pid)
		r.Data["pidGone"] = gone
		// go-plugin logs "plugin process exited" at INFO for exit status 0 and at ERROR with the reason otherwise.
		exits := captured.lines("plugin process exited")
		r.Data["exitedCleanly"] = len(exits) > 0 && !strings.Contains(exits[len(exits)-1], "error=")
		r.Data["exitLog"] = exits
		r.Data["quitReplied"] = len(captured.lines("error closing client during Kill")) == 0
		r.Data["forcedKill"] = len(captured.lines("plugin failed to exit gracefully")) > 0
		r.Data["exited"] = s.client.Exited()
		if !gone {
			r.problem("pid %d still alive after Kill", pid)
		}
	case "restart":
		restart(r, s, o)
	case "crash":
		crash(r, s, o)
	case "controller":
		controllerScenario(r, o)
	case "bench":
		bench(r, s, o)
	default:
		r.problem("unknown scenario %q", name)
	}
	return r
}

// dispenseOnly stops after Dispense, before InitPlugin, to isolate the go-plugin layer.
func dispenseOnly(r *result, s *pluginSystem) error {
	if _, err := s.launch(); err != nil {
		return err
	}
	r.Data["protocol"] = string(s.client.Protocol())
	r.Data["negotiatedVersion"] = s.client.NegotiatedVersion()
	r.Data["dispensed"] = true
	return nil
}

func concurrent(r *result, s *pluginSystem, o options, n int) {
	if _, err := s.start(); err != nil {
		r.problem("%v", err)
		return
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	results := make([]measurementJSON, n)
	mismatched := 0
	for i := 0; i < n; i++ {
		// Different delays make the plugin answer out of order; the value ties each answer to its request.
		cfg, err := withFixed(o.config, map[string]any{"value": fmt.Sprintf("v%d", i), "delayMs": (i * 37) % max(1, o.maxDelayMs)})
		if err != nil {
			r.problem("%v", err)
			return
		}
		wg.Add(1)
		go func(i int, cfg json.RawMessage) {
			defer wg.Done()
			mu.Lock()
			p, err := s.start() // the controller holds a mutex around startPluginSystem (Ping), not around Run
			mu.Unlock()
			if err != nil {
				mu.Lock()
				r.problem("run %d: %v", i, err)
				mu.Unlock()
				return
			}
			m := p.Run(analysisRun(o.pluginName, cfg), pluginMetric(o.pluginName, cfg))
			mu.Lock()
			defer mu.Unlock()
			results[i] = toJSON(m, false)
			checkMeasurement(r, fmt.Sprintf("run %d", i), m)
			if m.Value != fmt.Sprintf("v%d", i) {
				mismatched++
				r.problem("run %d got value %q", i, m.Value)
			}
		}(i, cfg)
	}
	wg.Wait()
	phases := map[string]int{}
	for _, m := range results {
		phases[m.Phase]++
	}
	r.Data["n"], r.Data["phases"], r.Data["mismatched"] = n, phases, mismatched
}

func bigArg(r *result, s *pluginSystem, o options, size int) {
	big := v1alpha1.Argument{Name: "blob", Value: ptr(bigString(size))}
	m, ok := measured(r, s, "bigRequest", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement {
		return p.Run(analysisRun(o.pluginName, o.config, big), pluginMetric(o.pluginName, o.config))
	})
	if !ok {
		return
	}
	checkFixed(r, "big request", m, expectedAnswer(o.config))
	// The reply direction: the plugin echoes a message as large as the argument.
	cfg, err := withFixed(o.config, map[string]any{"message": bigString(size)})
	if err != nil {
		r.problem("%v", err)
		return
	}
	m2, ok := measured(r, s, "bigReply", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement {
		return p.Run(analysisRun(o.pluginName, cfg), pluginMetric(o.pluginName, cfg))
	})
	if ok && len(m2.Message) != size {
		r.problem("big reply: message has %d bytes, want %d", len(m2.Message), size)
	}
	if ok {
		msg := r.Data["bigReply"].(measurementJSON)
		msg.Message = ""
		r.Data["bigReply"] = msg
	}
	r.Data["size"] = size
}

func restart(r *result, s *pluginSystem, o options) {
	run, metric := analysisRun(o.pluginName, o.config), pluginMetric(o.pluginName, o.config)
	if _, ok := measured(r, s, "first", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) }); !ok {
		return
	}
	firstPid := s.pid()
	s.kill()
	r.Data["firstPidGone"] = !alive(firstPid)
	m, ok := measured(r, s, "second", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) })
	if ok {
		checkFixed(r, "after restart", m, expectedAnswer(o.config))
	}
	r.Data["firstPid"], r.Data["secondPid"] = firstPid, s.pid()
	if firstPid == s.pid() {
		r.problem("the second session reused pid %d", firstPid)
	}
}

func bench(r *result, s *pluginSystem, o options) {
	run, metric := analysisRun(o.pluginName, o.config), pluginMetric(o.pluginName, o.config)
	startBegin := time.Now()
	p, err := s.start()
	if err != nil {
		r.problem("%v", err)
		return
	}
	r.Data["startMs"] = float64(time.Since(startBegin).Microseconds()) / 1e3
	var first v1alpha1.Measurement
	a, b := timed(func() { first = p.Run(run, metric) })
	checkMeasurement(r, "first run", first)
	r.Data["firstRunUs"] = float64(b.Sub(a).Nanoseconds()) / 1e3
	// A long-running controller talks to a warm plugin: warm-up Runs (JIT for Node) are not measured.
	for i := 0; i < o.warmup; i++ {
		if m := p.Run(run, metric); m.Phase == "" || strings.Contains(m.Message, "rpc call error") {
			r.problem("warm-up run %d: %q", i, m.Message)
			return
		}
	}
	r.Data["warmupRuns"] = o.warmup
	durations := make([]time.Duration, 0, o.n)
	for i := 0; i < o.n; i++ {
		var m v1alpha1.Measurement
		a, b := timed(func() { m = p.Run(run, metric) })
		if i == 0 {
			checkMeasurement(r, "run", m)
		}
		if m.Phase == "" || strings.Contains(m.Message, "rpc call error") {
			r.problem("run %d: %q", i, m.Message)
			break
		}
		durations = append(durations, b.Sub(a))
	}
	r.Data["run"] = stats(durations)
	firstBytes, laterBytes, err := requestSizes("Plugin.Run", rpc.RunArgs{AnalysisRun: run, Metric: metric})
	if err == nil {
		r.Data["firstRunRequestBytes"], r.Data["laterRunRequestBytes"] = firstBytes, laterBytes
	}
}

// crash SIGKILLs the plugin (or the launcher) between measurements; the controller's next measurement sees
// Exited() and starts a new one (if its Ping fails instead, it Kills the client and errors that measurement).
func crash(r *result, s *pluginSystem, o options) {
	run, metric := analysisRun(o.pluginName, o.config), pluginMetric(o.pluginName, o.config)
	if _, ok := measured(r, s, "before", func(p rpc.MetricProviderPlugin) v1alpha1.Measurement { return p.Run(run, metric) }); !ok {
		return
	}
	crashed, addr := s.pid(), s.addr()
	if err := syscall.Kill(crashed, syscall.SIGKILL); err != nil {
		r.problem("kill %d: %v", crashed, err)
		return
	}
	// A SIGKILLed go-plugin server cannot remove its socket; do it for it (never the sidecar's socket).
	if path, ok := strings.CutPrefix(addr, "unix:"); ok && filepath.Dir(path) == filepath.Clean(os.TempDir()) && isPluginSocketName(filepath.Base(path)) {
		defer os.Remove(path)
	}
	// The next reconcile comes after go-plugin noticed the exit. (Sooner, a standalone plugin fails its Ping, while
	// through a launcher the sidecar session outlives the launcher and keeps answering.)
	deadline := time.Now().Add(2 * time.Second)
	for !s.client.Exited() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	r.Data["exitNoticed"] = s.client.Exited()
	failedAttempts := []string{}
	for attempt := 0; attempt < 3; attempt++ {
		p, err := s.start()
		if err != nil {
			failedAttempts = append(failedAttempts, err.Error())
			continue
		}
		m := p.Run(run, metric)
		r.Data["measurement"] = toJSON(m, true)
		checkMeasurement(r, "after crash", m)
		checkFixed(r, "after crash", m, expectedAnswer(o.config))
		break
	}
	r.Data["failedAttempts"], r.Data["crashedPid"], r.Data["newPid"] = failedAttempts, crashed, s.pid()
	if r.Data["measurement"] == nil {
		r.problem("no measurement after the crash: %v", failedAttempts)
	}
	if s.pid() == crashed {
		r.problem("still using the crashed plugin %d", crashed)
	}
}

// isPluginSocketName matches go-plugin's os.CreateTemp("", "plugin") names: "plugin" then digits.
func isPluginSocketName(name string) bool {
	digits, ok := strings.CutPrefix(name, "plugin")
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// overrideArgs replaces (or adds) AnalysisRun args from NAME=VALUE pairs, as the controller would have resolved
// them; a canary-hash also becomes the run's rollouts-pod-template-hash label, as on a real canary step.
func overrideArgs(run *v1alpha1.AnalysisRun, pairs []string) error {
	for _, pair := range pairs {
		name, value, ok := strings.Cut(pair, "=")
		if !ok || name == "" {
			return fmt.Errorf("--run-arg %q: expected NAME=VALUE", pair)
		}
		v := value
		replaced := false
		for i := range run.Spec.Args {
			if run.Spec.Args[i].Name == name {
				run.Spec.Args[i].Value, run.Spec.Args[i].ValueFrom, replaced = &v, nil, true
			}
		}
		if !replaced {
			run.Spec.Args = append(run.Spec.Args, v1alpha1.Argument{Name: name, Value: &v})
		}
		if name == "canary-hash" {
			run.Labels["rollouts-pod-template-hash"] = value
		}
	}
	return nil
}
