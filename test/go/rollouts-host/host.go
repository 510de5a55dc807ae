package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"github.com/argoproj/argo-rollouts/metricproviders/plugin/rpc"
	"github.com/hashicorp/go-hclog"
	goPlugin "github.com/hashicorp/go-plugin"
)

// The controller's exact go-plugin configuration (argo-rollouts v1.9.1 metricproviders/plugin/client/client.go).
var handshakeConfig = goPlugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "ARGO_ROLLOUTS_RPC_PLUGIN",
	MagicCookieValue: "metricprovider",
}

var pluginMap = map[string]goPlugin.Plugin{
	"RpcMetricProviderPlugin": &rpc.RpcMetricProviderPlugin{},
}

// hostLog captures what go-plugin's default logger writes (it also goes to stderr). The controller leaves
// ClientConfig.Logger nil, so we capture through hclog.DefaultOutput instead of changing the config.
type hostLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *hostLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	return os.Stderr.Write(p)
}

// lines returns captured log lines containing any of the given markers.
func (l *hostLog) lines(markers ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []string{}
	for _, line := range strings.Split(l.buf.String(), "\n") {
		for _, m := range markers {
			if strings.Contains(line, m) {
				out = append(out, line)
				break
			}
		}
	}
	return out
}

var captured = &hostLog{}

func init() { hclog.DefaultOutput = captured }

// pluginSystem mirrors the controller's metricPlugin singleton for one plugin name: start lazily
// (NewClient → Client → Dispense → InitPlugin), then Ping before every measurement; a failed Ping kills the client
// so the next measurement restarts it.
type pluginSystem struct {
	path   string
	args   []string
	client *goPlugin.Client
	cmd    *exec.Cmd
	plugin rpc.MetricProviderPlugin
}

func (s *pluginSystem) start() (rpc.MetricProviderPlugin, error) {
	if s.client == nil || s.client.Exited() {
		p, err := s.launch()
		if err != nil {
			return nil, err
		}
		s.plugin = p
		if resp := p.InitPlugin(); resp.HasError() {
			return nil, fmt.Errorf("unable to initialize plugin via rpc: %s", resp.ErrorString)
		}
	}
	rpcClient, err := s.client.Client()
	if err != nil {
		return nil, fmt.Errorf("unable to get plugin client for ping: %w", err)
	}
	if err := rpcClient.Ping(); err != nil {
		s.client.Kill()
		s.client = nil
		return nil, fmt.Errorf("could not ping plugin will cleanup process so we can restart it next reconcile (%w)", err)
	}
	return s.plugin, nil
}

func (s *pluginSystem) pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

func (s *pluginSystem) addr() string {
	if s.client == nil {
		return ""
	}
	if rc := s.client.ReattachConfig(); rc != nil && rc.Addr != nil {
		return rc.Addr.Network() + ":" + rc.Addr.String()
	}
	return ""
}

func (s *pluginSystem) kill() {
	if s.client != nil {
		s.client.Kill()
	}
}

// alive reports whether pid still exists (a zombie counts as gone: go-plugin reaps its child).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat))
	return len(fields) > 2 && fields[2] != "Z"
}

// launch is the controller's start sequence up to Dispense: exact ClientConfig, a fresh exec.Cmd each time.
func (s *pluginSystem) launch() (rpc.MetricProviderPlugin, error) {
	s.cmd = exec.Command(s.path, s.args...)
	s.client = goPlugin.NewClient(&goPlugin.ClientConfig{
		HandshakeConfig: handshakeConfig,
		Plugins:         pluginMap,
		Cmd:             s.cmd,
		Managed:         true,
	})
	rpcClient, err := s.client.Client()
	if err != nil {
		return nil, fmt.Errorf("unable to get plugin client: %w", err)
	}
	raw, err := rpcClient.Dispense("RpcMetricProviderPlugin")
	if err != nil {
		return nil, fmt.Errorf("unable to dispense plugin: %w", err)
	}
	p, ok := raw.(rpc.MetricProviderPlugin)
	if !ok {
		return nil, fmt.Errorf("unexpected type from plugin")
	}
	return p, nil
}
