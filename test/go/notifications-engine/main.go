// Drives the real notifications-engine (the library inside argocd-notifications-controller) with our shipped
// ConfigMap and Secret: api.ParseConfig (secret substitution), trigger evaluation, template rendering and the real
// webhook service (retryablehttp, headers, path join) sending to our receiver. The only stand-ins are the variables
// argo-cd adds (.context, .repo.GetCommitMetadata), as in argo-cd util/notification/expression.
//
// Usage: notifications-engine -configmap cm.yaml -secret secret.yaml -app app.json [-commits commits.json] [-url URL]
// -url replaces the `url:` of every service.webhook.* entry (the shipped one names the in-cluster Service).
// Prints one JSON line per trigger condition: {"trigger","condition","triggered","oncePer","destinations","error"}.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/argoproj/notifications-engine/pkg/api"
	"github.com/argoproj/notifications-engine/pkg/services"
	"github.com/argoproj/notifications-engine/pkg/subscriptions"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

type commitMetadata struct {
	Message string
	Author  string
	Date    time.Time
	Tags    []string
}

type result struct {
	Trigger      string   `json:"trigger"`
	Condition    int      `json:"condition"`
	Triggered    bool     `json:"triggered"`
	OncePer      string   `json:"oncePer"`
	Destinations []string `json:"destinations"`
	Error        string   `json:"error"`
}

var urlLine = regexp.MustCompile(`(?m)^url:.*$`)

func readYAML(path string, into any) {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if err := yaml.Unmarshal(raw, into); err != nil {
		fail(fmt.Errorf("%s: %w", path, err))
	}
}

func main() {
	cmPath := flag.String("configmap", "", "argocd-notifications-cm YAML")
	secretPath := flag.String("secret", "", "argocd-notifications-secret YAML")
	appPath := flag.String("app", "", "Application JSON")
	commitsPath := flag.String("commits", "", "JSON map sha -> {Message, Author}")
	url := flag.String("url", "", "override the url of every webhook service")
	flag.Parse()

	var cm corev1.ConfigMap
	readYAML(*cmPath, &cm)
	if *url != "" {
		for k, v := range cm.Data {
			if strings.HasPrefix(k, "service.webhook.") {
				cm.Data[k] = urlLine.ReplaceAllString(v, "url: "+*url)
			}
		}
	}
	var secret corev1.Secret
	readYAML(*secretPath, &secret)
	// The API server folds stringData into data; a file read directly has not been through it.
	if secret.Data == nil {
		secret.Data = map[string][]byte{}
	}
	for k, v := range secret.StringData {
		secret.Data[k] = []byte(v)
	}

	var app map[string]any
	readYAML(*appPath, &app)
	commits := map[string]commitMetadata{}
	if *commitsPath != "" {
		readYAML(*commitsPath, &commits)
	}

	cfg, err := api.ParseConfig(&cm, &secret)
	if err != nil {
		fail(err)
	}
	getVars := func(obj map[string]any, dest services.Destination) map[string]any {
		return map[string]any{
			"app":     obj,
			"context": map[string]string{"argocdUrl": "https://argocd.example.com", "notificationType": dest.Service},
			"repo": map[string]any{
				"GetCommitMetadata": func(sha string) any {
					meta, ok := commits[sha]
					if !ok {
						panic(fmt.Errorf("commit %q not found", sha))
					}
					return meta
				},
			},
		}
	}
	engine, err := api.NewAPI(*cfg, getVars)
	if err != nil {
		fail(err)
	}

	// Destinations as the controller computes them: global subscriptions plus the Application's annotations.
	labels := map[string]string{}
	annotations := map[string]string{}
	if md, ok := app["metadata"].(map[string]any); ok {
		for k, v := range asStringMap(md["labels"]) {
			labels[k] = v
		}
		for k, v := range asStringMap(md["annotations"]) {
			annotations[k] = v
		}
	}
	dests := cfg.GetGlobalDestinations(labels)
	dests.Merge(subscriptions.NewAnnotations(annotations).GetDestinations(cfg.DefaultTriggers, cfg.ServiceDefaultTriggers))

	triggerNames := make([]string, 0, len(dests))
	for name := range dests {
		triggerNames = append(triggerNames, name)
	}
	sort.Strings(triggerNames)
	out := json.NewEncoder(os.Stdout)
	for _, name := range triggerNames {
		conditions, err := engine.RunTrigger(name, app)
		if err != nil {
			_ = out.Encode(result{Trigger: name, Condition: -1, Error: err.Error()})
			continue
		}
		for i, c := range conditions {
			r := result{Trigger: name, Condition: i, Triggered: c.Triggered, OncePer: c.OncePer, Destinations: []string{}}
			if c.Triggered {
				var errs []string
				for _, d := range dedupe(dests[name]) {
					r.Destinations = append(r.Destinations, d.Service+":"+d.Recipient)
					if err := engine.Send(app, c.Templates, d); err != nil {
						errs = append(errs, err.Error())
					}
				}
				r.Error = strings.Join(errs, "; ")
			}
			_ = out.Encode(r)
		}
	}
}

func dedupe(in []services.Destination) []services.Destination {
	seen := map[services.Destination]bool{}
	var out []services.Destination
	for _, d := range in {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

func asStringMap(v any) map[string]string {
	out := map[string]string{}
	if m, ok := v.(map[string]any); ok {
		for k, val := range m {
			if s, ok := val.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
