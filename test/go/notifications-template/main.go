// Renders an Argo CD notifications webhook template the way notifications-engine does: Go text/template with
// sprig.TxtFuncMap() minus env/expandenv, and the variables Argo CD passes (.app as an unstructured map,
// .context, .repo with GetCommitMetadata that panics on error like argo-cd's util/notification/expression/repo).
//
// Usage: notifications-template <template-file> <vars.json>
// vars.json: {"app": {...Application...}, "context": {...}, "commits": {"<sha>": {"Message": "...", "Author": "..."}}}
// Prints the rendered text on stdout; exits 1 with the template error on stderr.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
)

// CommitMetadata mirrors argo-cd util/notification/expression/shared.CommitMetadata.
type CommitMetadata struct {
	Message string
	Author  string
	Date    time.Time
	Tags    []string
}

type vars struct {
	App     map[string]any            `json:"app"`
	Context map[string]string         `json:"context"`
	Commits map[string]CommitMetadata `json:"commits"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: notifications-template <template-file> <vars.json>")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	raw, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail(err)
	}
	var v vars
	if err := json.Unmarshal(raw, &v); err != nil {
		fail(fmt.Errorf("vars: %w", err))
	}

	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	tmpl, err := template.New("body").Funcs(funcs).Parse(string(text))
	if err != nil {
		fail(err)
	}

	repo := map[string]any{
		"GetCommitMetadata": func(sha string) any {
			meta, ok := v.Commits[sha]
			if !ok {
				panic(fmt.Errorf("commit %q not found", sha))
			}
			return meta
		},
	}
	data := map[string]any{
		"app":         v.App,
		"context":     v.Context,
		"repo":        repo,
		"serviceType": "webhook",
		"recipient":   "argo-otel",
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, data); err != nil {
		fail(err)
	}
	os.Stdout.Write(out.Bytes())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
