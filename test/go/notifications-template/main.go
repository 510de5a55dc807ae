// Renders an Argo CD notifications webhook template the way notifications-engine does: Go text/template with
// sprig.TxtFuncMap() minus env/expandenv, and the variables Argo CD passes (.app as an unstructured map,
// .context, .repo with GetCommitMetadata that panics on error like argo-cd's util/notification/expression/repo).
//
// Also evaluates trigger conditions as notifications-engine pkg/triggers does (expr-lang/expr, which argo-cd uses
// since v2.12): `when` must yield true; only then `oncePer` is evaluated and formatted with %v.
//
// Usage: notifications-template <template-file> <vars.json>
//
//	notifications-template trigger <when> <oncePer> <vars.json>
//
// vars.json: {"app": {...Application...}, "context": {...}, "commits": {"<sha>": {"Message": "...", "Author": "..."}}}
// Template mode prints the rendered text; trigger mode prints {"triggered":bool,"oncePer":string,"error":string}.
// Exits 1 with the error on stderr when a template or expression does not compile or render.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
	"github.com/expr-lang/expr"
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

func readVars(path string) vars {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	var v vars
	if err := json.Unmarshal(raw, &v); err != nil {
		fail(fmt.Errorf("vars: %w", err))
	}
	return v
}

func trigger(when, oncePer string, v vars) {
	env := map[string]any{"app": v.App}
	result := struct {
		Triggered bool   `json:"triggered"`
		OncePer   string `json:"oncePer"`
		Error     string `json:"error"`
	}{}
	whenProg, err := expr.Compile(when)
	if err != nil {
		fail(fmt.Errorf("when: %w", err))
	}
	// Like the engine: a runtime error in `when` means not triggered (it only logs the error).
	if val, err := expr.Run(whenProg, env); err == nil {
		b, ok := val.(bool)
		result.Triggered = ok && b
	} else {
		result.Error = err.Error()
	}
	if result.Triggered && oncePer != "" {
		onceProg, err := expr.Compile(oncePer)
		if err != nil {
			fail(fmt.Errorf("oncePer: %w", err))
		}
		if val, err := expr.Run(onceProg, env); err == nil {
			result.OncePer = fmt.Sprintf("%v", val)
		} else {
			result.Error = err.Error()
		}
	}
	out, _ := json.Marshal(result)
	os.Stdout.Write(append(out, '\n'))
}

func main() {
	if len(os.Args) == 5 && os.Args[1] == "trigger" {
		trigger(os.Args[2], os.Args[3], readVars(os.Args[4]))
		return
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: notifications-template <template-file> <vars.json> | trigger <when> <oncePer> <vars.json>")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	v := readVars(os.Args[2])

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
