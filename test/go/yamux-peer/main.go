// yamux-peer drives the real hashicorp/yamux v0.1.1 (the version Argo Rollouts v1.9.1 links) against the
// TypeScript session. Each mode prints one JSON report as the last stdout line; server modes first print "ready".
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/yamux"
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: yamux-peer <mode> <socket> [args...]")
	}
	mode, sock, args := os.Args[1], os.Args[2], os.Args[3:]
	var report map[string]any
	switch mode {
	case "client-echo":
		report = clientEcho(dialClient(sock, nil), intArg(args, 0, 10), sizesArg(args, 1))
	case "server-echo":
		report = serverEcho(sock)
	case "ping":
		report = ping(dialClient(sock, nil), intArg(args, 0, 5))
	case "idle":
		report = idle(dialClient(sock, nil), intArg(args, 0, 65))
	case "halfclose":
		report = halfClose(dialClient(sock, nil))
	case "rst":
		report = rst(dialClient(sock, nil))
	case "rst-backlog":
		report = rstBacklog(sock)
	case "goaway":
		report = goAwayReceived(dialClient(sock, nil))
	case "goaway-server":
		report = goAwaySent(sock)
	case "slowreader":
		report = slowReader(dialClient(sock, nil), intArg(args, 0, 4<<20))
	default:
		fail("unknown mode " + mode)
	}
	report["mode"] = mode
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "yamux-peer:", msg)
	os.Exit(2)
}

func intArg(args []string, i, def int) int {
	if len(args) <= i {
		return def
	}
	n, err := strconv.Atoi(args[i])
	if err != nil {
		fail("bad number " + args[i])
	}
	return n
}

func sizesArg(args []string, i int) []int {
	if len(args) <= i {
		return []int{1, 1000, 65536}
	}
	var out []int
	for _, s := range strings.Split(args[i], ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			fail("bad size " + s)
		}
		out = append(out, n)
	}
	return out
}

func config(backlog int) *yamux.Config {
	c := yamux.DefaultConfig()
	c.LogOutput = os.Stderr
	if backlog > 0 {
		c.AcceptBacklog = backlog
	}
	return c
}

func dialClient(sock string, cfg *yamux.Config) *yamux.Session {
	conn, err := net.Dial("unix", sock)
	if err != nil {
		fail("dial: " + err.Error())
	}
	if cfg == nil {
		cfg = config(0)
	}
	s, err := yamux.Client(conn, cfg)
	if err != nil {
		fail("client: " + err.Error())
	}
	return s
}

func listenOne(sock string, cfg *yamux.Config) *yamux.Session {
	_ = os.Remove(sock)
	l, err := net.Listen("unix", sock)
	if err != nil {
		fail("listen: " + err.Error())
	}
	fmt.Println("ready")
	conn, err := l.Accept()
	if err != nil {
		fail("accept: " + err.Error())
	}
	_ = l.Close()
	s, err := yamux.Server(conn, cfg)
	if err != nil {
		fail("server: " + err.Error())
	}
	return s
}

func payload(seed, size int) []byte {
	b := make([]byte, size)
	rand.New(rand.NewSource(int64(seed))).Read(b)
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// echoOnce writes data, reads the echo back, then FINs. It reads before closing because in yamux v0.1.1 a Read
// after the local Close returns EOF as soon as the buffer is empty: a Go stream cannot FIN first and then read.
func echoOnce(st *yamux.Stream, data []byte) ([]byte, error) {
	werr := make(chan error, 1)
	go func() {
		_, err := st.Write(data)
		werr <- err
	}()
	got := make([]byte, len(data))
	_, rerr := io.ReadFull(st, got)
	if err := <-werr; err != nil {
		return got, err
	}
	if rerr != nil {
		return got, rerr
	}
	return got, st.Close()
}

// streamsLeft waits (bounded) for the peer's FINs to retire our streams, then reports how many remain.
func streamsLeft(s *yamux.Session) int {
	for i := 0; i < 500 && s.NumStreams() > 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	return s.NumStreams()
}

func clientEcho(s *yamux.Session, n int, sizes []int) map[string]any {
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, total := 0, 0
	var errs []string
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			size := sizes[i%len(sizes)]
			data := payload(i, size)
			st, err := s.OpenStream()
			if err == nil {
				var got []byte
				got, err = echoOnce(st, data)
				if err == nil && sum(got) != sum(data) {
					err = fmt.Errorf("stream %d: echo of %d bytes came back as %d bytes with another sha256", st.StreamID(), size, len(got))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err.Error())
				return
			}
			ok++
			total += size
		}(i)
	}
	wg.Wait()
	left := streamsLeft(s)
	_ = s.Close()
	return map[string]any{"streams": n, "ok": ok, "bytes": total, "errors": errs, "goStreamsLeft": left}
}

func serverEcho(sock string) map[string]any {
	s := listenOne(sock, config(0))
	accepted := 0
	var rtts []float64
	var pingErr string
	var wg sync.WaitGroup
	for {
		st, err := s.AcceptStream()
		if err != nil {
			break
		}
		accepted++
		if accepted == 1 {
			// The Go side pings our client too: our session must answer.
			for i := 0; i < 3; i++ {
				d, err := s.Ping()
				if err != nil {
					pingErr = err.Error()
					break
				}
				rtts = append(rtts, float64(d.Microseconds())/1000)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = io.Copy(st, st)
			_ = st.Close()
		}()
	}
	wg.Wait()
	return map[string]any{"accepted": accepted, "pingRttsMs": rtts, "pingError": pingErr, "goStreamsLeft": streamsLeft(s)}
}

func ping(s *yamux.Session, k int) map[string]any {
	var rtts []float64
	var perr string
	for i := 0; i < k; i++ {
		d, err := s.Ping()
		if err != nil {
			perr = err.Error()
			break
		}
		rtts = append(rtts, float64(d.Microseconds())/1000)
	}
	st, err := s.OpenStream()
	echoOK := false
	if err == nil {
		got, err2 := echoOnce(st, []byte("after pings"))
		echoOK = err2 == nil && string(got) == "after pings"
	}
	_ = s.Close()
	return map[string]any{"pings": len(rtts), "rttsMs": rtts, "error": perr, "echoOK": echoOK}
}

func idle(s *yamux.Session, seconds int) map[string]any {
	first, _ := s.OpenStream()
	r := bufio.NewReader(first)
	_, _ = first.Write([]byte("hello\n"))
	l1, err1 := r.ReadString('\n')
	time.Sleep(time.Duration(seconds) * time.Second)
	closedWhileIdle := s.IsClosed()
	_, _ = first.Write([]byte("again\n"))
	l2, err2 := r.ReadString('\n')
	second, err3 := s.OpenStream()
	secondOK := false
	if err3 == nil {
		got, err := echoOnce(second, []byte("fresh stream"))
		secondOK = err == nil && string(got) == "fresh stream"
	}
	_ = first.Close()
	_ = s.Close()
	return map[string]any{
		"firstOK": err1 == nil && l1 == "hello\n", "againOK": err2 == nil && l2 == "again\n", "secondOK": secondOK,
		"closedWhileIdle": closedWhileIdle, "idleSeconds": seconds,
	}
}

func halfClose(s *yamux.Session) map[string]any {
	// A: Go FINs first; the TS side must still see every byte, then EOF, with its own write side open.
	a, _ := s.OpenStream()
	data := payload(7, 100_000)
	_, werr := a.Write(data)
	cerr := a.Close()
	// B: the TS side FINs first; Go reads to EOF, then keeps writing and FINs.
	b, _ := s.OpenStream()
	_, _ = b.Write([]byte("B"))
	first, berr := io.ReadAll(b)
	bData := payload(8, 50_000)
	_, bwerr := b.Write(bData)
	bcerr := b.Close()
	left := streamsLeft(s)
	_ = s.Close()
	return map[string]any{
		"aSha": sum(data), "aError": errString(errors.Join(werr, cerr)),
		"bFirst": string(first), "bReadError": errString(berr), "bWriteError": errString(errors.Join(bwerr, bcerr)),
		"bSha": sum(bData), "goStreamsLeft": left,
	}
}

func rst(s *yamux.Session) map[string]any {
	// A: a 1 MiB write is in flight (and blocked on the window) when the TS side resets the stream.
	a, _ := s.OpenStream()
	writeErr := make(chan error, 1)
	go func() {
		_, err := a.Write(payload(1, 1<<20))
		writeErr <- err
	}()
	_, aReadErr := io.ReadAll(a)
	aWriteErr := <-writeErr
	_, aLateWriteErr := a.Write([]byte("more"))
	b, _ := s.OpenStream()
	got, berr := echoOnce(b, []byte("still alive"))
	closed := s.IsClosed()
	left := streamsLeft(s)
	_ = s.Close()
	return map[string]any{
		"aReadError": errString(aReadErr), "aWriteError": errString(aWriteErr), "aLateWriteError": errString(aLateWriteErr),
		"bOK": berr == nil && string(got) == "still alive", "sessionClosed": closed, "goStreamsLeft": left,
	}
}

func rstBacklog(sock string) map[string]any {
	s := listenOne(sock, config(1))
	// Accept nothing until the test says so: the backlog holds one stream, later SYNs get RST from Go.
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	st, err := s.AcceptStream()
	echoed := 0
	if err == nil {
		n, _ := io.Copy(st, st)
		echoed = int(n)
		_ = st.Close()
	}
	for {
		if _, err := s.AcceptStream(); err != nil {
			break
		}
	}
	return map[string]any{"signal": strings.TrimSpace(line), "echoed": echoed, "acceptError": errString(err)}
}

func goAwayReceived(s *yamux.Session) map[string]any {
	a, _ := s.OpenStream()
	r := bufio.NewReader(a)
	_, _ = a.Write([]byte("goaway?\n"))
	line, _ := r.ReadString('\n')
	// The GoAway frame was written before "ok", so Go has processed it by now.
	_, openErr := s.OpenStream()
	_, _ = a.Write([]byte("more"))
	rest := make([]byte, 4)
	_, rerr := io.ReadFull(r, rest)
	_ = a.Close()
	left := streamsLeft(s)
	_ = s.Close()
	return map[string]any{
		"reply": strings.TrimSpace(line), "openError": errString(openErr), "aStillWorks": rerr == nil && string(rest) == "more",
		"goStreamsLeft": left,
	}
}

func goAwaySent(sock string) map[string]any {
	s := listenOne(sock, config(0))
	st, err := s.AcceptStream()
	if err != nil {
		fail("accept: " + err.Error())
	}
	gaErr := s.GoAway()
	_, _ = st.Write([]byte("ok\n"))
	n, _ := io.Copy(st, st)
	_ = st.Close()
	extra := 0
	for {
		if _, err := s.AcceptStream(); err != nil {
			break
		}
		extra++
	}
	return map[string]any{"goAwayError": errString(gaErr), "echoed": n, "acceptedAfterGoAway": extra}
}

// slowReader checks the TS receiver's back-pressure: with nobody reading on the TS side, Go's writes must stop
// at exactly the 256 KiB window. A write deadline is only how Go notices it is blocked; the test asserts bytes.
func slowReader(s *yamux.Session, total int) map[string]any {
	data, _ := s.OpenStream()
	ctl, _ := s.OpenStream()
	ctlR := bufio.NewReader(ctl)
	body := payload(9, total)
	written := 0
	writeUntilBlocked := func() {
		_ = data.SetWriteDeadline(time.Now().Add(500 * time.Millisecond))
		for written < total {
			end := min(written+16*1024, total)
			n, err := data.Write(body[written:end])
			written += n
			if err != nil {
				return
			}
			_ = data.SetWriteDeadline(time.Now().Add(500 * time.Millisecond))
		}
	}
	var phases []int
	for _, want := range []string{"go", "finish"} {
		writeUntilBlocked()
		phases = append(phases, written)
		fmt.Fprintf(ctl, "blocked %d\n", written)
		line, err := ctlR.ReadString('\n')
		if err != nil || strings.TrimSpace(line) != want {
			fail(fmt.Sprintf("control: wanted %q, got %q (%v)", want, line, err))
		}
	}
	_ = data.SetWriteDeadline(time.Time{})
	_, werr := data.Write(body[written:])
	_ = data.Close()
	fmt.Fprintf(ctl, "done %s\n", sum(body))
	_, _ = io.ReadAll(ctlR)
	_ = ctl.Close()
	_ = s.Close()
	return map[string]any{"phases": phases, "total": total, "sha": sum(body), "writeError": errString(werr)}
}
