// gob-peer is the real-Go side of the gob property tests and benchmark: it encodes randomised values of the real
// argo-rollouts v1.9.1 types with Go's encoding/gob, decodes gob bytes produced by the TypeScript encoder into those
// same types, and times Go's own codec. Values are printed in a "normal form" (see norm) that the TS tests rebuild.
package main

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/argoproj/argo-rollouts/metricproviders/plugin/rpc"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/utils/plugin/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Box exercises what the argo types lack: interfaces nested in a value inside an interface (Go's delimited
// definitions inside a message), arrays, complex, floats and full-range uint64.
type Box struct {
	Label  string
	Inner  any
	Items  []any
	ByName map[string]any
	Pair   [2]int16
	C      complex128
	F      float64
	U      uint64
}

func init() { gob.RegisterName("Box", Box{}) }

// The rpc and types packages register these names themselves (init); we only mirror them for the normal form.
var ifaceNames = map[reflect.Type]string{
	reflect.TypeOf(rpc.RunArgs{}):                "RunArgs",
	reflect.TypeOf(rpc.TerminateAndResumeArgs{}): "TerminateAndResumeArgs",
	reflect.TypeOf(rpc.GarbageCollectArgs{}):     "GarbageCollectArgs",
	reflect.TypeOf(rpc.GetMetadataArgs{}):        "GetMetadataArgs",
	reflect.TypeOf(types.RpcError{}):             "RpcError",
	reflect.TypeOf(Box{}):                        "Box",
}

func ifaceName(t reflect.Type) string {
	if n, ok := ifaceNames[t]; ok {
		return n
	}
	return t.String() // gob's registerBasics names: "int", "string", "[]int", ...
}

// kinds the peer can produce and consume; "iface:" kinds travel inside an `any`, as the host sends RPC args.
var kinds = []string{"iface:RunArgs", "iface:TerminateAndResumeArgs", "iface:GarbageCollectArgs",
	"iface:GetMetadataArgs", "iface:Box", "Measurement", "RpcError", "map[string]string", "string", "struct{}", "Metric", "AnalysisRun"}

func newTarget(kind string) (any, error) {
	switch kind {
	case "Measurement":
		return new(v1alpha1.Measurement), nil
	case "RpcError":
		return new(types.RpcError), nil
	case "map[string]string":
		return new(map[string]string), nil
	case "string":
		return new(string), nil
	case "struct{}":
		return new(struct{}), nil
	case "Metric":
		return new(v1alpha1.Metric), nil
	case "AnalysisRun":
		return new(v1alpha1.AnalysisRun), nil
	}
	if strings.HasPrefix(kind, "iface:") {
		return new(any), nil
	}
	return nil, fmt.Errorf("unknown kind %q", kind)
}

func randomValue(r *rand.Rand, kind string) any {
	switch kind {
	case "iface:RunArgs":
		v := rpc.RunArgs{}
		fill(r, reflect.ValueOf(&v).Elem(), 0)
		return v
	case "iface:TerminateAndResumeArgs":
		v := rpc.TerminateAndResumeArgs{}
		fill(r, reflect.ValueOf(&v).Elem(), 0)
		return v
	case "iface:GarbageCollectArgs":
		v := rpc.GarbageCollectArgs{}
		fill(r, reflect.ValueOf(&v).Elem(), 0)
		return v
	case "iface:GetMetadataArgs":
		v := rpc.GetMetadataArgs{}
		fill(r, reflect.ValueOf(&v).Elem(), 0)
		return v
	case "iface:Box":
		return randomBox(r, 0)
	}
	p, err := newTarget(kind)
	if err != nil {
		panic(err)
	}
	fill(r, reflect.ValueOf(p).Elem(), 0)
	return reflect.ValueOf(p).Elem().Interface()
}

var timeType = reflect.TypeOf(metav1.Time{})

func randomAny(r *rand.Rand, depth int) any {
	k := r.Intn(7)
	if depth > 3 && k == 1 {
		k = 0
	}
	switch k {
	case 0:
		return nil
	case 1:
		return randomBox(r, depth+1)
	case 2:
		return types.RpcError{ErrorString: randomString(r)}
	case 3:
		return randomString(r)
	case 4:
		return int(randomInt(r, 64))
	case 5:
		return []int{int(randomInt(r, 64)), 0}
	default:
		return float64(r.Intn(1000)) / 3
	}
}

func randomBox(r *rand.Rand, depth int) Box {
	b := Box{Label: randomString(r), Inner: randomAny(r, depth)}
	for i := r.Intn(3); i > 0; i-- {
		b.Items = append(b.Items, randomAny(r, depth))
	}
	if r.Intn(2) == 0 {
		b.ByName = map[string]any{}
		for i := r.Intn(3); i > 0; i-- {
			b.ByName[randomString(r)] = randomAny(r, depth)
		}
	}
	b.Pair = [2]int16{int16(randomInt(r, 16)), int16(randomInt(r, 16))}
	if r.Intn(2) == 0 {
		b.C = complex(float64(r.Intn(100))/4, -float64(r.Intn(100)))
	}
	if r.Intn(2) == 0 {
		b.F = float64(r.Intn(1_000_000)) / 7
	}
	b.U = r.Uint64() >> uint(r.Intn(64))
	return b
}

func randomTime(r *rand.Rand) time.Time {
	sec := r.Int63n(4102444800) // 1970..2100
	t := time.Unix(sec, int64(r.Intn(1_000_000_000)))
	switch r.Intn(4) {
	case 0:
		return t.UTC()
	case 1:
		return t.In(time.FixedZone("", (r.Intn(27)-12)*3600+r.Intn(4)*900))
	case 2:
		// A seconds part in the offset ⇒ version-2 encoding. Positive only: Go's UnmarshalBinary reads the seconds
		// byte unsigned, so a negative one comes back wrong (and −60…−119 s cannot be marshaled at all).
		return t.In(time.FixedZone("odd", 60+r.Intn(1800)))
	default:
		return t.Local()
	}
}

const alphabet = "abcxyzABC0189-_./: é€😀\u0000\""

func randomString(r *rand.Rand) string {
	if r.Intn(3) == 0 {
		return ""
	}
	runes := []rune(alphabet)
	n := 1 + r.Intn(12)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(runes[r.Intn(len(runes))])
	}
	return b.String()
}

func randomInt(r *rand.Rand, bits int) int64 {
	switch r.Intn(4) {
	case 0:
		return 0
	case 1:
		return int64(r.Intn(200)) - 100
	default:
		v := int64(r.Uint64())
		return v >> (64 - bits) // keep the sign, fit the width
	}
}

// fill sets v to a random value, leaving fields zero often enough to exercise gob's omission rules.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == timeType {
		if r.Intn(4) != 0 {
			v.Set(reflect.ValueOf(metav1.NewTime(randomTime(r))))
		}
		return
	}
	deep := depth > 7
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(r.Intn(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(randomInt(r, v.Type().Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(randomInt(r, v.Type().Bits())) >> (64 - v.Type().Bits()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(r.Intn(1000)) / 8)
	case reflect.String:
		v.SetString(randomString(r))
	case reflect.Pointer:
		if deep || r.Intn(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		if deep || r.Intn(3) == 0 {
			return
		}
		n := r.Intn(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			fillElem(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			fillElem(r, v.Index(i), depth+1)
		}
	case reflect.Map:
		if deep || r.Intn(3) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		n := r.Intn(4)
		for i := 0; i < n; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			fillElem(r, k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			fillElem(r, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	}
}

// fillElem fills a slice/array/map element: gob cannot send nil pointers there.
func fillElem(r *rand.Rand, v reflect.Value, depth int) {
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth)
		v.Set(p)
		return
	}
	fill(r, v, depth)
}

var (
	gobEncoderT = reflect.TypeOf((*gob.GobEncoder)(nil)).Elem()
	binaryT     = reflect.TypeOf((*encoding.BinaryMarshaler)(nil)).Elem()
	textT       = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// marshaled returns the opaque bytes gob would send for a GobEncoder/BinaryMarshaler/TextMarshaler, in gob's order.
func marshaled(v reflect.Value) ([]byte, bool) {
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	for _, c := range []reflect.Value{v, p} {
		switch {
		case c.Type().Implements(gobEncoderT):
			b, err := c.Interface().(gob.GobEncoder).GobEncode()
			must(err)
			return b, true
		case c.Type().Implements(binaryT):
			b, err := c.Interface().(encoding.BinaryMarshaler).MarshalBinary()
			must(err)
			return b, true
		case c.Type().Implements(textT):
			b, err := c.Interface().(encoding.TextMarshaler).MarshalText()
			must(err)
			return b, true
		}
	}
	return nil, false
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// norm maps a Go value to the normal form the TS tests compute from a decoded GobValue: strings "s:…", integers
// "i:…", floats "f:<bits hex>", bytes and opaque marshaler output "b:<hex>", maps {"$map":[[k,v]…]} (TS sorts),
// interfaces {"$iface":name,"value":…}, structs keyed by Go field name holding only the fields gob sends.
func norm(v reflect.Value) any {
	if b, ok := marshaled(v); ok {
		return "b:" + hex.EncodeToString(b)
	}
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("i:%d", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("i:%d", v.Uint())
	case reflect.Float32, reflect.Float64:
		// An integral float prints as an integer: the TS side sees only a JS number.
		if f := v.Float(); f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return fmt.Sprintf("i:%d", int64(f))
		}
		return fmt.Sprintf("f:%016x", math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return map[string]any{"real": norm(reflect.ValueOf(real(c))), "imag": norm(reflect.ValueOf(imag(c)))}
	case reflect.String:
		return "s:" + v.String()
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return norm(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		e := v.Elem()
		for e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		return map[string]any{"$iface": ifaceName(e.Type()), "value": norm(e)}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			return "b:" + hex.EncodeToString(v.Bytes())
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = norm(v.Index(i))
		}
		return out
	case reflect.Map:
		entries := make([][2]any, 0, v.Len())
		it := v.MapRange()
		for it.Next() {
			entries = append(entries, [2]any{norm(it.Key()), norm(it.Value())})
		}
		return map[string]any{"$map": entries}
	case reflect.Struct:
		out := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Type.Kind() == reflect.Chan || f.Type.Kind() == reflect.Func {
				continue
			}
			if fv, sent := sentField(v.Field(i)); sent {
				out[f.Name] = norm(fv)
			}
		}
		return out
	}
	panic("norm: unsupported kind " + v.Kind().String())
}

// sentField applies gob's encoder rules for a struct field: pointers flattened, zero values omitted except
// nested structs and arrays (always sent) and non-nil empty maps (sent). A marshaler is judged at the indirection
// where Go finds its method: a non-nil *metav1.Time is sent even when the time is zero (the pointer is not zero);
// a metav1.Time value is omitted when zero.
func sentField(v reflect.Value) (reflect.Value, bool) {
	for {
		if implementsMarshaler(v.Type()) {
			if v.Kind() == reflect.Pointer {
				return v, !v.IsNil()
			}
			return v, !v.IsZero()
		}
		if v.Kind() != reflect.Pointer {
			if implementsMarshaler(reflect.PointerTo(v.Type())) {
				return v, true // pointer-receiver marshaler: Go takes the address, which is never zero
			}
			break
		}
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct, reflect.Array:
		return v, true
	case reflect.Map, reflect.Interface:
		return v, !v.IsNil()
	case reflect.Slice:
		return v, v.Len() > 0
	}
	return v, !v.IsZero()
}

func implementsMarshaler(t reflect.Type) bool {
	return t.Implements(gobEncoderT) || t.Implements(binaryT) || t.Implements(textT)
}

func encodeKind(enc *gob.Encoder, kind string, v any) error {
	if strings.HasPrefix(kind, "iface:") {
		var a any = v // as the host does: client.Call(..., &args) with args of type any
		return enc.Encode(&a)
	}
	return enc.Encode(v)
}

func cmdGen(args []string) {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	seed := fs.Int64("seed", 1, "PRNG seed")
	n := fs.Int("n", 100, "number of values")
	out := fs.String("out", ".", "output directory")
	only := fs.String("kinds", strings.Join(kinds, ","), "comma-separated kinds to draw from")
	must(fs.Parse(args))
	r := rand.New(rand.NewSource(*seed))
	pick := strings.Split(*only, ",")
	var stream bytes.Buffer
	enc := gob.NewEncoder(&stream)
	jf, err := os.Create(*out + "/expected.jsonl")
	must(err)
	w := bufio.NewWriter(jf)
	for i := 0; i < *n; i++ {
		kind := pick[r.Intn(len(pick))]
		v := randomValue(r, kind)
		must(encodeKind(enc, kind, v))
		var normal any
		if strings.HasPrefix(kind, "iface:") {
			var a any = v
			normal = norm(reflect.ValueOf(&a).Elem())
		} else {
			normal = norm(reflect.ValueOf(v))
		}
		line, err := json.Marshal(map[string]any{"kind": kind, "value": normal})
		must(err)
		w.Write(line)
		w.WriteByte('\n')
	}
	must(w.Flush())
	must(jf.Close())
	must(os.WriteFile(*out+"/stream.gob", stream.Bytes(), 0o644))
}

// cmdDecode reads one gob stream and a kinds file (one kind a line) and prints one JSON line per value:
// {"value": normal form} or {"error": Go's error text}; after an error the stream is unusable, as in net/rpc.
func cmdDecode(args []string) {
	fs := flag.NewFlagSet("decode", flag.ExitOnError)
	in := fs.String("in", "", "gob stream file")
	kindsFile := fs.String("kinds", "", "file with one kind per line")
	must(fs.Parse(args))
	data, err := os.ReadFile(*in)
	must(err)
	kb, err := os.ReadFile(*kindsFile)
	must(err)
	dec := gob.NewDecoder(bytes.NewReader(data))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, kind := range strings.Fields(string(kb)) {
		target, err := newTarget(kind)
		must(err)
		var line []byte
		if err := dec.Decode(target); err != nil {
			line, _ = json.Marshal(map[string]any{"error": err.Error()})
			out.Write(append(line, '\n'))
			return
		}
		line, err = json.Marshal(map[string]any{"value": norm(reflect.ValueOf(target).Elem())})
		must(err)
		out.Write(append(line, '\n'))
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line, _ := json.Marshal(map[string]any{"error": fmt.Sprintf("trailing data after last value: %v", err)})
		out.Write(append(line, '\n'))
	}
}

func nsPerOp(iters int, f func()) float64 {
	start := time.Now()
	for i := 0; i < iters; i++ {
		f()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(iters)
}

// cmdBench times Go's codec on a first Plugin.Run body (fresh encoder/decoder: type graph included) and on
// steady-state Measurements (one stream), and writes the same bytes for the TS benchmark to replay.
func cmdBench(args []string) {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	seed := fs.Int64("seed", 7, "PRNG seed")
	out := fs.String("out", ".", "output directory for firstrun.gob and measurements.gob")
	iters := fs.Int("iters", 300, "first-Run iterations")
	steady := fs.Int("steady", 20000, "steady-state Measurements")
	must(fs.Parse(args))
	r := rand.New(rand.NewSource(*seed))
	var run rpc.RunArgs
	for run.AnalysisRun == nil || len(run.AnalysisRun.Status.MetricResults) == 0 {
		run = randomValue(r, "iface:RunArgs").(rpc.RunArgs)
	}
	var args0 any = run
	var first bytes.Buffer
	must(gob.NewEncoder(&first).Encode(&args0))
	firstBytes := first.Bytes()
	encFirst := nsPerOp(*iters, func() {
		var b bytes.Buffer
		must(gob.NewEncoder(&b).Encode(&args0))
	})
	decFirst := nsPerOp(*iters, func() {
		var a any
		must(gob.NewDecoder(bytes.NewReader(firstBytes)).Decode(&a))
	})
	var m v1alpha1.Measurement
	for m.StartedAt == nil || m.Metadata == nil {
		m = randomValue(r, "Measurement").(v1alpha1.Measurement)
	}
	var ms bytes.Buffer
	menc := gob.NewEncoder(&ms)
	must(menc.Encode(&m))
	defsLen := ms.Len()
	encSteady := nsPerOp(*steady, func() { must(menc.Encode(&m)) })
	steadyBytes := float64(ms.Len()-defsLen) / float64(*steady)
	stream := ms.Bytes()
	mdec := gob.NewDecoder(bytes.NewReader(stream))
	var first0 v1alpha1.Measurement
	must(mdec.Decode(&first0))
	decSteady := nsPerOp(*steady, func() {
		var x v1alpha1.Measurement
		must(mdec.Decode(&x))
	})
	must(os.WriteFile(*out+"/firstrun.gob", firstBytes, 0o644))
	must(os.WriteFile(*out+"/measurements.gob", stream, 0o644))
	res, _ := json.Marshal(map[string]any{
		"firstRunBytes": len(firstBytes), "encodeFirstRunNs": encFirst, "decodeFirstRunNs": decFirst,
		"measurementBytes": steadyBytes, "measurementCount": *steady, "encodeMeasurementNs": encSteady,
		"decodeMeasurementNs": decSteady,
	})
	fmt.Println(string(res))
}

// cmdTypes prints the type definitions Go sends for the first Run, for inspection.
func cmdKinds() {
	sort.Strings(kinds)
	fmt.Println(strings.Join(kinds, "\n"))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gob-peer gen|decode|bench|kinds [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "gen":
		cmdGen(os.Args[2:])
	case "decode":
		cmdDecode(os.Args[2:])
	case "bench":
		cmdBench(os.Args[2:])
	case "kinds":
		cmdKinds()
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}
