// argo-otel-launcher: the static executable the distroless Argo Rollouts controller can exec as a metric plugin.
// It performs go-plugin's handshake on behalf of the Node sidecar (which serves the socket named in its args) and
// then stays alive: if it exited, the controller would see Exited() and spawn a new plugin on every reconcile.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	cookieKey       = "ARGO_ROLLOUTS_RPC_PLUGIN"
	cookieValue     = "metricprovider"
	protocolVersion = 1
	// go-plugin's own text (server.go), so operators see the familiar message.
	notAPlugin = "This binary is a plugin. These are not meant to be executed directly.\n" +
		"Please execute the program that consumes these plugins, which will\n" +
		"load any plugins automatically\n"
	usage = "usage: argo-otel-launcher [--listen] unix:/abs/path.sock|tcp:127.0.0.1:PORT [--wait 50s]\n"
)

type address struct{ network, addr string }

func parseAddress(text string) (address, error) {
	switch {
	case strings.HasPrefix(text, "unix:"):
		path := strings.TrimPrefix(text, "unix:")
		if !strings.HasPrefix(path, "/") {
			return address{}, fmt.Errorf("sidecar address %q: unix socket path must be absolute", text)
		}
		return address{"unix", path}, nil
	case strings.HasPrefix(text, "tcp:"):
		hostPort := strings.TrimPrefix(text, "tcp:")
		host, port, err := net.SplitHostPort(hostPort)
		if err != nil {
			return address{}, fmt.Errorf("sidecar address %q: %v", text, err)
		}
		if host != "127.0.0.1" && host != "::1" && host != "localhost" {
			return address{}, fmt.Errorf("sidecar address %q: only loopback hosts are allowed", text)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return address{}, fmt.Errorf("sidecar address %q: port must be 1..65535", text)
		}
		if host == "localhost" {
			host = "127.0.0.1"
		}
		return address{"tcp", net.JoinHostPort(host, port)}, nil
	}
	return address{}, fmt.Errorf("sidecar address %q: expected unix:/abs/path or tcp:127.0.0.1:PORT", text)
}

type options struct {
	target address
	wait   time.Duration
}

func parseArgs(args []string) (options, error) {
	opts := options{wait: 50 * time.Second}
	var target string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		value := func() (string, error) {
			if k, v, ok := strings.Cut(arg, "="); ok && strings.HasPrefix(k, "--") {
				return v, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", arg)
			}
			i++
			return args[i], nil
		}
		switch name, _, _ := strings.Cut(arg, "="); name {
		case "--listen", "--address":
			v, err := value()
			if err != nil {
				return opts, err
			}
			target = v
		case "--wait":
			v, err := value()
			if err != nil {
				return opts, err
			}
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 || d > 55*time.Second {
				// The host's StartTimeout is 1 minute; waiting longer would only turn our error into its timeout.
				return opts, fmt.Errorf("--wait %q: expected a duration between 0s and 55s", v)
			}
			opts.wait = d
		default:
			if strings.HasPrefix(arg, "-") || target != "" {
				return opts, fmt.Errorf("unexpected argument %q", arg)
			}
			target = arg
		}
	}
	if target == "" {
		return opts, fmt.Errorf("missing the sidecar address")
	}
	addr, err := parseAddress(target)
	if err != nil {
		return opts, err
	}
	opts.target = addr
	return opts, nil
}

// logLine writes one hclog JSON line: the host parses these into leveled log entries.
func logLine(w io.Writer, level, message string, kv ...string) {
	entry := map[string]string{
		"@level":     level,
		"@message":   message,
		"@timestamp": time.Now().UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
	}
	for i := 0; i+1 < len(kv); i += 2 {
		entry[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(entry)
	fmt.Fprintf(w, "%s\n", b)
}

// waitForSidecar dials until the sidecar accepts: printing the handshake before it listens would make the
// host's first connect fail, and a failed start leaves the controller's cached client broken until restart.
func waitForSidecar(target address, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		conn, err := net.DialTimeout(target.network, target.addr, 2*time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// protocolMatches mirrors go-plugin: an unmatched list is not fatal, the host rejects the line with a clear error.
func protocolMatches(list string) bool {
	if list == "" {
		return true
	}
	for _, s := range strings.Split(list, ",") {
		if v, err := strconv.Atoi(s); err == nil && v == protocolVersion {
			return true
		}
	}
	return false
}

func run(args []string, stdout, stderr io.Writer) int {
	if os.Getenv(cookieKey) != cookieValue {
		fmt.Fprint(stderr, notAPlugin)
		return 1
	}
	opts, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "argo-otel-launcher: %v\n%s", err, usage)
		return 2
	}
	if !protocolMatches(os.Getenv("PLUGIN_PROTOCOL_VERSIONS")) {
		logLine(stderr, "warn", "host does not list our protocol version", "ours", "1",
			"PLUGIN_PROTOCOL_VERSIONS", os.Getenv("PLUGIN_PROTOCOL_VERSIONS"))
	}

	signals := make(chan os.Signal, 4)
	// Ignore SIGINT like go-plugin; SIGTERM ends us (the host uses SIGKILL after Quit and 2 s anyway).
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)

	if err := waitForSidecar(opts.target, opts.wait); err != nil {
		logLine(stderr, "error", "argo-otel sidecar is not accepting connections", "network", opts.target.network,
			"address", opts.target.addr, "error", err.Error())
		return 1
	}
	fmt.Fprintf(stdout, "%d|%d|%s|%s|netrpc|\n", 1, protocolVersion, opts.target.network, opts.target.addr)
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	logLine(stderr, "debug", "handshake sent for the argo-otel sidecar", "network", opts.target.network,
		"address", opts.target.addr)
	for sig := range signals {
		if sig == syscall.SIGTERM {
			return 0
		}
	}
	return 0
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
