// expr-peer evaluates expressions with the real github.com/antonmedv/expr (the version Argo Rollouts v1.9.1 uses)
// and the same env functions as argo-rollouts utils/evaluate, so our condition subset can be checked against it.
// stdin: JSON [{"expr": "...", "result": <any>}]; stdout: JSON [{"value": <any>} | {"error": "..."}].
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"

	"github.com/antonmedv/expr"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/utils/evaluate"
	"github.com/sirupsen/logrus"
)

type testCase struct {
	Expr   string `json:"expr"`
	Result any    `json:"result"`
	// evaluate-result mode: Argo Rollouts' own EvaluateResult over these conditions
	Success *string `json:"successCondition"`
	Failure *string `json:"failureCondition"`
}

type answer struct {
	Value any    `json:"value,omitempty"`
	Kind  string `json:"kind"`
	Error string `json:"error,omitempty"`
}

func asInt(in any) int64 {
	switch i := in.(type) {
	case float64:
		return int64(i)
	case int64:
		return i
	case int:
		return int64(i)
	case string:
		v, err := strconv.ParseInt(i, 10, 64)
		if err == nil {
			return v
		}
		panic(err)
	}
	panic(fmt.Sprintf("asInt() not supported on %v %v", reflect.TypeOf(in), in))
}

func asFloat(in any) float64 {
	switch i := in.(type) {
	case float64:
		return i
	case int64:
		return float64(i)
	case int:
		return float64(i)
	case string:
		v, err := strconv.ParseFloat(i, 64)
		if err == nil {
			return v
		}
		panic(err)
	}
	panic(fmt.Sprintf("asFloat() not supported on %v %v", reflect.TypeOf(in), in))
}

func isNil(in any) bool {
	if in == nil {
		return true
	}
	switch reflect.TypeOf(in).Kind() {
	case reflect.Ptr, reflect.Map, reflect.Slice, reflect.Interface:
		return reflect.ValueOf(in).IsNil()
	}
	return false
}

func defaultFunc(in, def any) any {
	if isNil(in) || reflect.ValueOf(in).IsZero() {
		return def
	}
	return in
}

func eval(c testCase) (out answer) {
	defer func() {
		if r := recover(); r != nil {
			out = answer{Kind: "error", Error: fmt.Sprint(r)}
		}
	}()
	env := map[string]any{
		"result":  c.Result,
		"asInt":   asInt,
		"asFloat": asFloat,
		"isNaN":   math.IsNaN,
		"isInf":   func(f float64) bool { return math.IsInf(f, 0) },
		"isNil":   isNil,
		"default": defaultFunc,
	}
	program, err := expr.Compile(c.Expr, expr.Env(env))
	if err != nil {
		return answer{Kind: "error", Error: err.Error()}
	}
	v, err := expr.Run(program, env)
	if err != nil {
		return answer{Kind: "error", Error: err.Error()}
	}
	switch x := v.(type) {
	case bool:
		return answer{Kind: "bool", Value: x}
	case int, int64, float64:
		return answer{Kind: "number", Value: x}
	case string:
		return answer{Kind: "string", Value: x}
	case nil:
		return answer{Kind: "nil"}
	}
	return answer{Kind: "other", Value: fmt.Sprint(v)}
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "expr-peer: bad input:", err)
		os.Exit(2)
	}
	out := make([]answer, len(cases))
	for i, c := range cases {
		if c.Success != nil || c.Failure != nil {
			out[i] = evaluateResult(c)
		} else {
			out[i] = eval(c)
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

func evaluateResult(c testCase) answer {
	metric := v1alpha1.Metric{Name: "m"}
	if c.Success != nil {
		metric.SuccessCondition = *c.Success
	}
	if c.Failure != nil {
		metric.FailureCondition = *c.Failure
	}
	phase, err := evaluate.EvaluateResult(c.Result, metric, *logrus.NewEntry(logrus.New()))
	if err != nil {
		return answer{Kind: "phase", Value: string(phase), Error: err.Error()}
	}
	return answer{Kind: "phase", Value: string(phase)}
}
