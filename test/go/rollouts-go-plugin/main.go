// Command rollouts-go-plugin is the Go baseline for the conformance harness: a real go-plugin net/rpc metric
// provider, built with the go-plugin version argo-rollouts v1.9.1 pins, answering the same "fixed" provider config
// as argo-otel's TypeScript plugin. When the harness fails against both, the harness is wrong; against ours only,
// the TS plugin is.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/argoproj/argo-rollouts/metricproviders/plugin/rpc"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/utils/plugin/types"
	goPlugin "github.com/hashicorp/go-plugin"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// fixedConfig is the provider.plugin payload: {"fixed": {...}}.
type fixedConfig struct {
	Fixed *struct {
		Phase         string            `json:"phase"`
		Value         string            `json:"value"`
		Message       string            `json:"message"`
		DelayMs       int               `json:"delayMs"`
		Metadata      map[string]string `json:"metadata"`
		ResumeAfterMs *int              `json:"resumeAfterMs"`
		ResumePhase   string            `json:"resumePhase"`
	} `json:"fixed"`
}

var validPhases = map[string]bool{"Pending": true, "Running": true, "Successful": true, "Failed": true, "Error": true, "Inconclusive": true}

type fixedProvider struct{}

func (fixedProvider) InitPlugin() types.RpcError { return types.RpcError{} }

func now() *metav1.Time { t := metav1.Now(); return &t }

// config reads the single provider.plugin entry; an error names the offending field.
func config(metric v1alpha1.Metric) (*fixedConfig, error) {
	if len(metric.Provider.Plugin) != 1 {
		return nil, fmt.Errorf("provider.plugin: want exactly one entry, got %d", len(metric.Provider.Plugin))
	}
	for name, raw := range metric.Provider.Plugin {
		var c fixedConfig
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("provider.plugin[%q]: %v", name, err)
		}
		if c.Fixed == nil {
			return nil, fmt.Errorf("provider.plugin[%q].fixed: missing", name)
		}
		if !validPhases[c.Fixed.Phase] {
			return nil, fmt.Errorf("provider.plugin[%q].fixed.phase: invalid %q", name, c.Fixed.Phase)
		}
		if c.Fixed.ResumePhase == "" {
			c.Fixed.ResumePhase = "Successful"
		}
		if c.Fixed.ResumePhase == "Running" || !validPhases[c.Fixed.ResumePhase] {
			return nil, fmt.Errorf("provider.plugin[%q].fixed.resumePhase: invalid %q", name, c.Fixed.ResumePhase)
		}
		return &c, nil
	}
	return nil, fmt.Errorf("unreachable")
}

// measure answers the configured phase; a Resume of a Running measurement answers resumePhase instead.
func measure(metric v1alpha1.Metric, m v1alpha1.Measurement) v1alpha1.Measurement {
	resuming := m.Phase == v1alpha1.AnalysisPhaseRunning
	if m.StartedAt == nil {
		m.StartedAt = now()
	}
	c, err := config(metric)
	if err != nil {
		m.Phase, m.Message, m.FinishedAt = v1alpha1.AnalysisPhaseError, err.Error(), now()
		return m
	}
	if c.Fixed.DelayMs > 0 {
		time.Sleep(time.Duration(c.Fixed.DelayMs) * time.Millisecond)
	}
	phase := c.Fixed.Phase
	if resuming {
		phase = c.Fixed.ResumePhase
	}
	m.Phase, m.Value, m.Message = v1alpha1.AnalysisPhase(phase), c.Fixed.Value, c.Fixed.Message
	if len(c.Fixed.Metadata) > 0 {
		m.Metadata = c.Fixed.Metadata
	}
	if m.Phase.Completed() {
		m.FinishedAt, m.ResumeAt = now(), nil
	} else {
		after := 1000
		if c.Fixed.ResumeAfterMs != nil {
			after = *c.Fixed.ResumeAfterMs
		}
		resume := metav1.NewTime(time.Now().Add(time.Duration(after) * time.Millisecond))
		m.FinishedAt, m.ResumeAt = nil, &resume
	}
	return m
}

func (fixedProvider) Run(_ *v1alpha1.AnalysisRun, metric v1alpha1.Metric) v1alpha1.Measurement {
	return measure(metric, v1alpha1.Measurement{})
}

func (fixedProvider) Resume(_ *v1alpha1.AnalysisRun, metric v1alpha1.Metric, m v1alpha1.Measurement) v1alpha1.Measurement {
	return measure(metric, m)
}

// Terminate must return a completed phase, or the AnalysisRun never finishes.
func (fixedProvider) Terminate(_ *v1alpha1.AnalysisRun, _ v1alpha1.Metric, m v1alpha1.Measurement) v1alpha1.Measurement {
	if m.StartedAt == nil {
		m.StartedAt = now()
	}
	m.Phase, m.Message, m.FinishedAt, m.ResumeAt = v1alpha1.AnalysisPhaseSuccessful, "terminated", now(), nil
	return m
}

func (fixedProvider) GarbageCollect(*v1alpha1.AnalysisRun, v1alpha1.Metric, int) types.RpcError {
	return types.RpcError{}
}

func (fixedProvider) Type() string { return "RPCPlugin" }

func (fixedProvider) GetMetadata(metric v1alpha1.Metric) map[string]string {
	c, err := config(metric)
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return map[string]string{"provider": "fixed", "phase": c.Fixed.Phase}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println("rollouts-go-plugin")
		return
	}
	goPlugin.Serve(&goPlugin.ServeConfig{
		HandshakeConfig: goPlugin.HandshakeConfig{ProtocolVersion: 1, MagicCookieKey: "ARGO_ROLLOUTS_RPC_PLUGIN", MagicCookieValue: "metricprovider"},
		Plugins:         map[string]goPlugin.Plugin{"RpcMetricProviderPlugin": &rpc.RpcMetricProviderPlugin{Impl: fixedProvider{}}},
	})
}
