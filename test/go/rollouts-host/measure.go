package main

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	netrpc "net/rpc"
	"reflect"
	"runtime"
	"sort"
	"time"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// measurementJSON is what scenarios print for a v1alpha1.Measurement; times keep nanoseconds.
type measurementJSON struct {
	Phase      string            `json:"phase"`
	Message    string            `json:"message"`
	Value      string            `json:"value"`
	Metadata   map[string]string `json:"metadata"`
	StartedAt  *string           `json:"startedAt"`
	FinishedAt *string           `json:"finishedAt"`
	ResumeAt   *string           `json:"resumeAt"`
	// MessageBytes lets a test check a huge message without printing it.
	MessageBytes int `json:"messageBytes"`
}

func timeJSON(t *metav1.Time) *string {
	if t == nil {
		return nil
	}
	v := t.UTC().Format(time.RFC3339Nano)
	return &v
}

func toJSON(m v1alpha1.Measurement, keepMessage bool) measurementJSON {
	out := measurementJSON{Phase: string(m.Phase), Value: m.Value, Metadata: m.Metadata, MessageBytes: len(m.Message),
		StartedAt: timeJSON(m.StartedAt), FinishedAt: timeJSON(m.FinishedAt), ResumeAt: timeJSON(m.ResumeAt)}
	if keepMessage {
		out.Message = m.Message
	}
	return out
}

// counter is an io.Writer that only counts.
type counter struct{ n int }

func (c *counter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// requestSizes replays what net/rpc's gob client codec writes on a fresh Plugin stream (InitPlugin, then Run twice)
// and returns the bytes of the first and second Run request. Type ids are process-global, so called after the real
// calls it reproduces the real stream's bytes exactly.
func requestSizes(method string, args any) (first, later int, err error) {
	c := &counter{}
	enc := gob.NewEncoder(c)
	write := func(seq uint64, m string, body any) (int, error) {
		before := c.n
		if err := enc.Encode(&netrpc.Request{ServiceMethod: m, Seq: seq}); err != nil {
			return 0, err
		}
		if err := enc.Encode(body); err != nil {
			return 0, err
		}
		return c.n - before, nil
	}
	if _, err = write(0, "Plugin.InitPlugin", new(any)); err != nil {
		return
	}
	if first, err = write(1, method, &args); err != nil {
		return
	}
	later, err = write(2, method, &args)
	return
}

// firstUserTypeID encodes a value whose type this process has not sent yet and reads the id gob assigned it. Run
// before any plugin traffic it is the first user id of this Go release.
func firstUserTypeID() (int, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&netrpc.Request{}); err != nil {
		return 0, err
	}
	b := buf.Bytes()
	_, n, err := gobUint(b)
	if err != nil {
		return 0, err
	}
	u, _, err := gobUint(b[n:])
	if err != nil {
		return 0, err
	}
	id := int64(u >> 1)
	if u&1 == 1 {
		id = ^id
	}
	if id >= 0 {
		return 0, fmt.Errorf("first message is not a type definition (id %d)", id)
	}
	return int(-id), nil
}

// gobUint decodes gob's unsigned integer: one byte below 128, else a negated byte count then big-endian bytes.
func gobUint(b []byte) (uint64, int, error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("empty")
	}
	if b[0] < 0x80 {
		return uint64(b[0]), 1, nil
	}
	n := int(-int8(b[0]))
	if n > 8 || len(b) < 1+n {
		return 0, 0, fmt.Errorf("bad uint")
	}
	var v uint64
	for _, x := range b[1 : 1+n] {
		v = v<<8 | uint64(x)
	}
	return v, 1 + n, nil
}

type latencyStats struct {
	N      int     `json:"n"`
	P50Us  float64 `json:"p50Us"`
	P99Us  float64 `json:"p99Us"`
	MeanUs float64 `json:"meanUs"`
	MinUs  float64 `json:"minUs"`
	MaxUs  float64 `json:"maxUs"`
}

func stats(d []time.Duration) latencyStats {
	if len(d) == 0 {
		return latencyStats{}
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var sum time.Duration
	for _, x := range s {
		sum += x
	}
	us := func(x time.Duration) float64 { return float64(x.Nanoseconds()) / 1e3 }
	q := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return latencyStats{N: len(s), P50Us: us(q(0.50)), P99Us: us(q(0.99)), MeanUs: us(sum / time.Duration(len(s))),
		MinUs: us(s[0]), MaxUs: us(s[len(s)-1])}
}

func goVersion() string { return runtime.Version() }

// shiftTypeIDs makes gob assign n type ids before any plugin traffic, as a long-running controller has after
// talking to other plugins: ids are process-global, so every later definition gets a larger (multi-byte) id.
func shiftTypeIDs(n int) error {
	for i := 0; i < n; i++ {
		t := reflect.StructOf([]reflect.StructField{{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[int]()}})
		if err := gob.NewEncoder(io.Discard).EncodeValue(reflect.New(t).Elem()); err != nil {
			return err
		}
	}
	return nil
}
