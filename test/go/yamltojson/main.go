// yamltojson is the go-yaml v2 peer for argo-otel's YAML tests: it reads YAML exactly the way Argo CD and kubectl
// do (sigs.k8s.io/yaml YAMLToJSON over go-yaml v2) and reports the JSON, or the error, for each input.
//
// stdin: a JSON array of strings, each one YAML document (mode "docs"), or one YAML stream whose documents are
// separated by "---" lines (mode "stream"), split with apimachinery's YAMLReader as argocd-cmp-server splits plugin
// output (gitops-engine kube.SplitYAMLToString), so each document keeps its final line break.
// stdout: a JSON array of {"json": "<JSON text>"} or {"error": "<message>"}.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// JSON is the YAMLToJSON output as text, so callers see integers beyond 2^53 exactly.
type result struct {
	JSON  *string `json:"json,omitempty"`
	Error string  `json:"error,omitempty"`
}

func convert(doc string) result {
	out, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		return result{Error: err.Error()}
	}
	text := string(out)
	return result{JSON: &text}
}

func main() {
	mode := "docs"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "read stdin:", err)
		os.Exit(2)
	}
	var docs []string
	switch mode {
	case "docs":
		if err := json.Unmarshal(in, &docs); err != nil {
			fmt.Fprintln(os.Stderr, "stdin must be a JSON array of strings:", err)
			os.Exit(2)
		}
	case "stream":
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(in)))
		for {
			d, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "split stream:", err)
				os.Exit(2)
			}
			if strings.TrimSpace(string(d)) != "" {
				docs = append(docs, string(d))
			}
		}
	default:
		fmt.Fprintln(os.Stderr, "mode must be docs or stream")
		os.Exit(2)
	}
	results := make([]result, 0, len(docs))
	for _, d := range docs {
		results = append(results, convert(d))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "write stdout:", err)
		os.Exit(2)
	}
}
