package main

// The "controller" scenario runs the controller's own code path instead of the mirrored one: an
// argo-rollouts-config ConfigMap (fake clientset) read by utils/config, the plugin installed into
// plugin-bin/<namespace>/<name> by utils/plugin.DownloadPlugins (file://), then metricproviders/plugin.NewRpcPlugin
// for every measurement (client.GetMetricPlugin: the singleton go-plugin client, InitPlugin once, Ping each time)
// and goPlugin.CleanupClients() as on controller shutdown.

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	metricplugin "github.com/argoproj/argo-rollouts/metricproviders/plugin"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/utils/config"
	"github.com/argoproj/argo-rollouts/utils/defaults"
	pluginutil "github.com/argoproj/argo-rollouts/utils/plugin"
	goPlugin "github.com/hashicorp/go-plugin"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"sigs.k8s.io/yaml"
)

// children lists this process's child pids (the plugin the real client started; its handle is private).
func children() []int {
	pids := []int{}
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

func controllerScenario(r *result, o options) {
	work, err := os.MkdirTemp("", "rollouts-controller")
	if err != nil {
		r.problem("%v", err)
		return
	}
	defer os.RemoveAll(work)
	// The controller resolves plugin-bin/ against its working directory (/home/argo-rollouts in the image).
	if err := os.Chdir(work); err != nil {
		r.problem("%v", err)
		return
	}
	location := o.plugin
	if !filepath.IsAbs(location) {
		r.problem("--plugin must be an absolute path for the controller scenario")
		return
	}
	item := map[string]any{"name": o.pluginName, "location": "file://" + location}
	if len(o.args) > 0 {
		item["args"] = o.args
	}
	list, err := yaml.Marshal([]any{item})
	if err != nil {
		r.problem("%v", err)
		return
	}
	kube := fake.NewSimpleClientset(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: defaults.DefaultRolloutsConfigMapName, Namespace: defaults.Namespace()},
		Data:       map[string]string{"metricProviderPlugins": string(list)},
	})
	if _, err := config.InitializeConfig(kube, defaults.DefaultRolloutsConfigMapName); err != nil {
		r.problem("InitializeConfig: %v", err)
		return
	}
	defer config.UnInitializeConfig()
	if o.install == "symlink" {
		// A Node script resolves its files relative to its real path, so it cannot be copied (notes §1.2).
		dir, name, _ := strings.Cut(o.pluginName, "/")
		target := filepath.Join(work, defaults.DefaultRolloutPluginFolder, dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			r.problem("%v", err)
			return
		}
		if err := os.Symlink(location, target); err != nil {
			r.problem("%v", err)
			return
		}
	} else if err := pluginutil.DownloadPlugins(pluginutil.FileDownloaderImpl{}, kube); err != nil {
		r.problem("DownloadPlugins: %v", err)
		return
	}
	r.Data["installedAt"] = filepath.Join(defaults.DefaultRolloutPluginFolder, o.pluginName)

	run, metric := analysisRun(o.pluginName, o.config), pluginMetric(o.pluginName, o.config)
	// Each measurement goes through NewRpcPlugin, as metricproviders.NewProvider does on every reconcile.
	call := func(key string, f func(p metricPluginProvider) v1alpha1.Measurement) (v1alpha1.Measurement, bool) {
		p, err := metricplugin.NewRpcPlugin(metric)
		if err != nil {
			r.problem("%s: %v", key, err)
			return v1alpha1.Measurement{}, false
		}
		start := time.Now()
		m := f(p)
		r.Data[key] = toJSON(m, true)
		r.Data[key+"CallStartedAt"], r.Data[key+"CallFinishedAt"] = stamp(start), stamp(time.Now())
		checkMeasurement(r, key, m)
		return m, true
	}
	if p, err := metricplugin.NewRpcPlugin(metric); err != nil {
		r.problem("metadata: %v", err)
	} else {
		r.Data["metadata"] = p.GetMetadata(metric)
		r.Data["type"] = p.Type()
	}
	if m, ok := call("measurement", func(p metricPluginProvider) v1alpha1.Measurement { return p.Run(run, metric) }); ok {
		checkFixed(r, "run", m, expectedAnswer(o.config))
	}
	started := metav1.NewTime(time.Now().Add(-10 * time.Second))
	inFlight := v1alpha1.Measurement{Phase: v1alpha1.AnalysisPhaseRunning, StartedAt: &started, ResumeAt: &started}
	call("resumed", func(p metricPluginProvider) v1alpha1.Measurement { return p.Resume(run, metric, inFlight) })
	if m, ok := call("terminated", func(p metricPluginProvider) v1alpha1.Measurement { return p.Terminate(run, metric, inFlight) }); ok && !m.Phase.Completed() {
		r.problem("terminate: phase %q is not completed", m.Phase)
	}
	if p, err := metricplugin.NewRpcPlugin(metric); err != nil {
		r.problem("garbage collect: %v", err)
	} else if err := p.GarbageCollect(run, metric, 10); err != nil {
		r.problem("garbage collect: %v", err)
	}
	pids := children()
	r.Data["pluginPids"] = pids
	if len(pids) != 1 {
		r.problem("want exactly one plugin process for all measurements (the client is a singleton), got %v", pids)
	}
	goPlugin.CleanupClients() // controller shutdown
	for _, pid := range pids {
		if alive(pid) {
			r.problem("plugin pid %d alive after CleanupClients", pid)
		}
	}
	r.Data["pidsGone"] = len(r.Problems) == 0
}

// metricPluginProvider is what NewRpcPlugin returns (metric.Provider).
type metricPluginProvider interface {
	Run(*v1alpha1.AnalysisRun, v1alpha1.Metric) v1alpha1.Measurement
	Resume(*v1alpha1.AnalysisRun, v1alpha1.Metric, v1alpha1.Measurement) v1alpha1.Measurement
	Terminate(*v1alpha1.AnalysisRun, v1alpha1.Metric, v1alpha1.Measurement) v1alpha1.Measurement
}
