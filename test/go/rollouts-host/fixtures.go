package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Hashes as the Rollout controller resolves podTemplateHashValue: Latest|Stable into plain arg values.
const (
	canaryHash  = "6d4f8b9c7"
	stableHash  = "5b7c9d8f6"
	traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
)

func ptr[T any](v T) *T { return &v }

// pluginMetric is the metric under test: provider.plugin holds the plugin's JSON exactly as the controller passes
// it after ResolveMetricArgs (compacted by encoding/json).
func pluginMetric(pluginName string, config json.RawMessage) v1alpha1.Metric {
	return v1alpha1.Metric{
		Name:             "canary-judge",
		Interval:         "1m",
		InitialDelay:     "30s",
		Count:            ptr(intstr.FromInt32(5)),
		SuccessCondition: "result == '1'",
		FailureLimit:     ptr(intstr.FromInt32(1)),
		Provider:         v1alpha1.MetricProvider{Plugin: map[string]json.RawMessage{pluginName: config}},
	}
}

// jobMetric makes the type graph as large as the controller's: a Job provider drags in batchv1.JobSpec → PodSpec.
func jobMetric() v1alpha1.Metric {
	return v1alpha1.Metric{
		Name:     "smoke-job",
		Interval: "5m",
		Provider: v1alpha1.MetricProvider{Job: &v1alpha1.JobMetric{
			Metadata: metav1.ObjectMeta{Labels: map[string]string{"app": "model-smoke"}},
			Spec: batchv1.JobSpec{
				BackoffLimit: ptr(int32(0)),
				Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers: []corev1.Container{{
						Name:  "smoke",
						Image: "curlimages/curl:8.10.1",
						Args:  []string{"-fsS", "http://model-canary/healthz"},
						Env:   []corev1.EnvVar{{Name: "TRACEPARENT", Value: traceparent}},
					}},
				}},
			},
		}},
	}
}

// analysisRun is a realistic run created by a Rollout canary step: labels, owner reference, resolved args and a
// metric history, so the plugin decodes every shape the real controller sends.
func analysisRun(pluginName string, config json.RawMessage, extraArgs ...v1alpha1.Argument) *v1alpha1.AnalysisRun {
	started := metav1.NewTime(time.Now().Add(-3 * time.Minute).Truncate(time.Second))
	measured := metav1.NewTime(started.Add(time.Minute))
	args := []v1alpha1.Argument{
		{Name: "service", Value: ptr("model-server")},
		{Name: "canary-hash", Value: ptr(canaryHash)},
		{Name: "stable-hash", Value: ptr(stableHash)},
		{Name: "traceparent", Value: ptr(traceparent)},
		{Name: "api-token", ValueFrom: &v1alpha1.ValueFrom{SecretKeyRef: &v1alpha1.SecretKeyRef{Name: "judge", Key: "token"}}},
	}
	return &v1alpha1.AnalysisRun{
		TypeMeta: metav1.TypeMeta{APIVersion: "argoproj.io/v1alpha1", Kind: "AnalysisRun"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              "model-server-" + canaryHash + "-3-1",
			Namespace:         "ml",
			UID:               "0c1f6a4e-8e7c-4a4b-9a8e-3b2f7c6d5e4f",
			CreationTimestamp: started,
			Labels: map[string]string{
				"rollouts-pod-template-hash": canaryHash,
				"rollout-type":               "Step",
				"step-index":                 "3",
			},
			Annotations: map[string]string{"rollout.argoproj.io/revision": "4", "argo-otel.io/traceparent": traceparent},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout", Name: "model-server",
				UID: "7a9b3c2d-1e0f-4a5b-8c7d-6e5f4a3b2c1d", Controller: ptr(true), BlockOwnerDeletion: ptr(true),
			}},
		},
		Spec: v1alpha1.AnalysisRunSpec{
			Metrics:              []v1alpha1.Metric{pluginMetric(pluginName, config), jobMetric()},
			Args:                 append(args, extraArgs...),
			DryRun:               []v1alpha1.DryRun{{MetricName: "smoke-job"}},
			MeasurementRetention: []v1alpha1.MeasurementRetention{{MetricName: "canary-judge", Limit: 10}},
		},
		Status: v1alpha1.AnalysisRunStatus{
			Phase:     v1alpha1.AnalysisPhaseRunning,
			StartedAt: &started,
			MetricResults: []v1alpha1.MetricResult{{
				Name:  "canary-judge",
				Phase: v1alpha1.AnalysisPhaseRunning,
				Measurements: []v1alpha1.Measurement{{
					Phase: v1alpha1.AnalysisPhaseSuccessful, Value: "1", StartedAt: &measured, FinishedAt: &measured,
					Metadata: map[string]string{"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"},
				}},
				Count: 1, Successful: 1, ConsecutiveSuccess: 1,
				Metadata: map[string]string{"provider": "argo-otel"},
			}},
			RunSummary: v1alpha1.RunSummary{Count: 2, Successful: 1},
		},
	}
}

// withFixed returns a copy of a {"fixed": {...}} config with some fields replaced; other keys are kept as given.
func withFixed(config json.RawMessage, set map[string]any) (json.RawMessage, error) {
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(config, &outer); err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	fixed := map[string]any{}
	if raw, ok := outer["fixed"]; ok {
		if err := json.Unmarshal(raw, &fixed); err != nil {
			return nil, fmt.Errorf("--config .fixed: %w", err)
		}
	}
	for k, v := range set {
		fixed[k] = v
	}
	b, err := json.Marshal(fixed)
	if err != nil {
		return nil, err
	}
	outer["fixed"] = b
	return json.Marshal(outer)
}

func bigString(n int) string { return strings.Repeat("x", n) }
