package main

// `rollouts-host relay --out FILE -- PLUGIN [ARGS...]` is itself a go-plugin plugin: it runs the real plugin, takes
// over its handshake, and relays the host's connection to it while parsing the host→plugin yamux frames and the
// gob messages inside, so the bytes of each net/rpc request can be read off the wire rather than re-derived.

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"net"
	netrpc "net/rpc"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

type wireRequest struct {
	Stream uint32 `json:"stream"`
	Method string `json:"method"`
	// GobBytes is the net/rpc request (header, new type definitions and body) as gob wrote it; WireBytes adds
	// the 12-byte yamux header of each Data frame that carried it.
	GobBytes  int `json:"gobBytes"`
	Frames    int `json:"frames"`
	WireBytes int `json:"wireBytes"`
}

type relaySummary struct {
	Handshake string        `json:"handshake"`
	Requests  []wireRequest `json:"requests"`
	Error     string        `json:"error,omitempty"`
}

// gobStream feeds one yamux stream's bytes to a real gob.Decoder reading net/rpc requests (header, then body)
// and reports each request's exact byte count and how many Data frames carried it. feed returns only once the
// decoder has consumed the frame, and the relay forwards the frame after that, so every request is recorded
// before the plugin can answer it (and before the host can kill the relay).
type gobStream struct {
	skip     int // the broker stream starts with a 4-byte id
	frames   chan []byte
	idle     chan struct{}
	mu       sync.Mutex
	frameEnd []int // cumulative byte offsets where fed Data frames end
	fed      int
}

// frameReader hands frames to the decoder and signals idle when it has consumed all of them.
type frameReader struct {
	g       *gobStream
	cur     []byte
	pending bool
	n       int
}

func (f *frameReader) Read(p []byte) (int, error) {
	for len(f.cur) == 0 {
		f.signal()
		b, ok := <-f.g.frames
		if !ok {
			return 0, io.EOF
		}
		f.cur, f.pending = b, true
	}
	n := copy(p, f.cur)
	f.cur, f.n = f.cur[n:], f.n+n
	return n, nil
}

// ReadByte makes this an io.ByteReader, so gob reads exactly each message and never buffers ahead.
func (f *frameReader) ReadByte() (byte, error) {
	var b [1]byte
	if _, err := f.Read(b[:]); err != nil {
		return 0, err
	}
	return b[0], nil
}

func (f *frameReader) signal() {
	if f.pending {
		f.pending = false
		f.g.idle <- struct{}{}
	}
}

func newGobStream(id uint32, skip int, done func(wireRequest)) *gobStream {
	g := &gobStream{skip: skip, frames: make(chan []byte), idle: make(chan struct{})}
	go func() {
		in := &frameReader{g: g}
		dec := gob.NewDecoder(in)
		for {
			start := in.n
			var req netrpc.Request
			if err := dec.Decode(&req); err != nil {
				break
			}
			if err := dec.Decode(requestBody(req.ServiceMethod)); err != nil {
				break
			}
			frames := g.framesBetween(start, in.n)
			done(wireRequest{Stream: id, Method: req.ServiceMethod, GobBytes: in.n - start, Frames: frames, WireBytes: in.n - start + 12*frames})
		}
		// Undecodable: keep acknowledging frames so the relay never blocks.
		in.signal()
		for range g.frames {
			g.idle <- struct{}{}
		}
	}()
	return g
}

// requestBody is a decode target of the type the host sends for method, as the plugin's server decodes it: the
// control stream carries plain values, every Plugin.* body is an interface.
func requestBody(method string) any {
	switch method {
	case "Dispenser.Dispense":
		return new(string)
	case "Control.Ping", "Control.Quit":
		return new(bool)
	}
	return new(any)
}

func (g *gobStream) framesBetween(start, end int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, prev := 0, 0
	for _, e := range g.frameEnd {
		if e > start && prev < end {
			n++
		}
		prev = e
	}
	return n
}

func (g *gobStream) feed(p []byte) {
	if g.skip > 0 {
		n := min(g.skip, len(p))
		p, g.skip = p[n:], g.skip-n
	}
	if len(p) == 0 {
		return
	}
	g.mu.Lock()
	g.fed += len(p)
	g.frameEnd = append(g.frameEnd, g.fed)
	g.mu.Unlock()
	g.frames <- p
	<-g.idle
}

func relayMain(args []string) int {
	out := ""
	for len(args) > 0 && args[0] != "--" {
		if args[0] == "--out" && len(args) > 1 {
			out, args = args[1], args[2:]
			continue
		}
		fmt.Fprintf(os.Stderr, "relay: unexpected argument %q\n", args[0])
		return 2
	}
	if out == "" || len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rollouts-host relay --out FILE -- PLUGIN [ARGS...]")
		return 2
	}
	signal.Ignore(syscall.SIGINT)
	summary := &relaySummary{Requests: []wireRequest{}}
	var mu sync.Mutex
	write := func() {
		mu.Lock()
		defer mu.Unlock()
		b, _ := json.Marshal(summary)
		if os.WriteFile(out+".tmp", b, 0o644) == nil {
			_ = os.Rename(out+".tmp", out) // atomic: the host may SIGKILL the relay at any moment
		}
	}
	fail := func(err error) int {
		summary.Error = err.Error()
		write()
		fmt.Fprintln(os.Stderr, "relay:", err)
		return 1
	}

	child := exec.Command(args[1], args[2:]...)
	child.Stderr = os.Stderr
	child.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive a SIGKILLed relay
	childOut, err := child.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	if err := child.Start(); err != nil {
		return fail(err)
	}
	lines := bufio.NewReader(childOut)
	line, err := lines.ReadString('\n')
	if err != nil {
		return fail(fmt.Errorf("plugin handshake: %w", err))
	}
	summary.Handshake = strings.TrimSpace(line)
	parts := strings.Split(summary.Handshake, "|")
	if len(parts) < 5 || parts[2] != "unix" {
		return fail(fmt.Errorf("plugin handshake %q: want a unix address", summary.Handshake))
	}
	go func() { _, _ = io.Copy(io.Discard, lines) }()

	dir, err := os.MkdirTemp("", "relay")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "relay.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return fail(err)
	}
	fmt.Printf("%s|%s|unix|%s|%s|\n", parts[0], parts[1], sock, parts[4])

	hostConn, err := ln.Accept()
	if err != nil {
		return fail(err)
	}
	pluginConn, err := net.Dial("unix", parts[3])
	if err != nil {
		return fail(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // plugin → host: plain copy
		defer wg.Done()
		_, _ = io.Copy(hostConn, pluginConn)
		_ = hostConn.Close()
	}()
	record := func(r wireRequest) {
		mu.Lock()
		summary.Requests = append(summary.Requests, r)
		mu.Unlock()
		write()
	}
	go func() { // host → plugin: copy frame by frame, parsing as we go
		defer wg.Done()
		defer pluginConn.Close()
		streams := map[uint32]*gobStream{}
		opened := 0
		header := make([]byte, 12)
		for {
			if _, err := io.ReadFull(hostConn, header); err != nil {
				return
			}
			typ, flags := header[1], binary.BigEndian.Uint16(header[2:4])
			id, length := binary.BigEndian.Uint32(header[4:8]), binary.BigEndian.Uint32(header[8:12])
			if flags&1 != 0 { // SYN: streams 1, 3, 5 are control/stdout/stderr; later ones are broker streams
				opened++
				if opened == 1 || opened > 3 {
					skip := 0
					if opened > 3 {
						skip = 4
					}
					streams[id] = newGobStream(id, skip, record)
				}
			}
			if typ != 0 || length == 0 {
				if _, err := pluginConn.Write(header); err != nil {
					return
				}
				continue
			}
			payload := make([]byte, length)
			if _, err := io.ReadFull(hostConn, payload); err != nil {
				return
			}
			if dump := os.Getenv("RELAY_DUMP"); dump != "" && streams[id] != nil {
				if f, err := os.OpenFile(fmt.Sprintf("%s.%d", dump, id), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
					_, _ = f.Write(payload)
					_ = f.Close()
				}
			}
			if g := streams[id]; g != nil {
				g.feed(payload)
			}
			if _, err := pluginConn.Write(append(header, payload...)); err != nil {
				return
			}
		}
	}()
	wg.Wait()
	write()
	if err := child.Wait(); err != nil {
		return 1
	}
	return 0
}
