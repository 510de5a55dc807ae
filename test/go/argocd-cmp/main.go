// argocd-cmp-harness drives a CMP unix socket with argo-cd's own repo-server client code (util/cmp,
// cmpserver/apiclient, util/app/discovery), and can run argo-cd's real cmpserver with a plugin.yaml, so the
// same scenarios run against our server and against the real one. One JSON object per scenario on stdout.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/argoproj/argo-cd/v3/cmpserver"
	"github.com/argoproj/argo-cd/v3/cmpserver/apiclient"
	"github.com/argoproj/argo-cd/v3/cmpserver/plugin"
	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
	"github.com/golang/protobuf/ptypes/empty"
	grpc_retry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	log "github.com/sirupsen/logrus"
	"google.golang.org/grpc/status"
)

type result struct {
	Scenario  string         `json:"scenario"`
	App       string         `json:"app,omitempty"`
	OK        bool           `json:"ok"`
	Error     string         `json:"error,omitempty"`
	Code      string         `json:"code,omitempty"`
	Manifests []string       `json:"manifests,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
}

func emit(r result) {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

func fail(r result, err error) result {
	r.OK = false
	r.Error = err.Error()
	// FromError finds a gRPC status wrapped anywhere in the chain (errors.As).
	if s, ok := status.FromError(err); ok {
		r.Code = s.Code().String()
	}
	return r
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: argocd-cmp-harness serve-real|run [flags]")
		os.Exit(2)
	}
	log.SetOutput(os.Stderr)
	log.SetLevel(log.WarnLevel)
	switch os.Args[1] {
	case "serve-real":
		serveReal(os.Args[2:])
	case "run":
		run(os.Args[2:])
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

// serveReal runs argo-cd's cmpserver (the code inside argocd-cmp-server) with a plugin.yaml. Relative
// command arguments that name a file under --cli-root are made absolute, since the command runs in the app dir.
func serveReal(args []string) {
	fs := flag.NewFlagSet("serve-real", flag.ExitOnError)
	configFile := fs.String("config", "", "plugin.yaml")
	cliRoot := fs.String("cli-root", "", "directory relative command args are resolved against")
	rewrite := fs.String("rewrite", "", "FROM=TO: replace the FROM prefix of command args (an image path such as /opt/argo-otel) with TO")
	_ = fs.Parse(args)
	raw, err := os.ReadFile(*configFile)
	if err != nil {
		log.Fatalf("reading %s: %v", *configFile, err)
	}
	dir, err := os.MkdirTemp("", "cmp-config-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "plugin.yaml"), raw, 0o600); err != nil {
		log.Fatal(err)
	}
	config, err := plugin.ReadPluginConfig(dir)
	if err != nil {
		log.Fatalf("plugin.yaml: %v", err)
	}
	absolutize := func(list []string) {
		for i, a := range list {
			if from, to, ok := strings.Cut(*rewrite, "="); ok && from != "" && strings.HasPrefix(a, from) {
				list[i] = to + strings.TrimPrefix(a, from)
				continue
			}
			if *cliRoot != "" && !filepath.IsAbs(a) && strings.Contains(a, "/") {
				if _, err := os.Stat(filepath.Join(*cliRoot, a)); err == nil {
					list[i] = filepath.Join(*cliRoot, a)
				}
			}
		}
	}
	absolutize(config.Spec.Generate.Command)
	absolutize(config.Spec.Generate.Args)
	absolutize(config.Spec.Init.Command)
	absolutize(config.Spec.Init.Args)
	srv, err := cmpserver.NewServer(plugin.CMPServerInitConstants{PluginConfig: *config})
	if err != nil {
		log.Fatalf("cmpserver.NewServer: %v", err)
	}
	// Upstream Run only removes the socket on SIGTERM and keeps serving (the kubelet's SIGKILL ends it); a test
	// peer must exit, so this process leaves shortly after the signal.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		time.Sleep(200 * time.Millisecond)
		os.RemoveAll(dir)
		os.Exit(0)
	}()
	fmt.Fprintf(os.Stderr, "real cmpserver listening on %s\n", config.Address())
	srv.Run()
}

type runner struct {
	repo     string
	plugin   string
	env      []string
	excludes []string
	timeout  time.Duration
}

func (r *runner) appPath(app string) string { return filepath.Join(r.repo, app) }

func (r *runner) appEnv(app string) []string {
	return append([]string{"ARGOCD_APP_NAME=" + filepath.Base(app), "ARGOCD_APP_NAMESPACE=default", "ARGOCD_APP_PROJECT_NAME=default",
		"ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567", "ARGOCD_APP_REVISION_SHORT=0123456",
		"ARGOCD_APP_REVISION_SHORT_8=01234567", "ARGOCD_APP_SOURCE_REPO_URL=https://example.com/repo.git",
		"ARGOCD_APP_SOURCE_PATH=" + app, "ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD", "KUBE_VERSION=1.30.2",
		"KUBE_API_VERSIONS=apps/v1,apps/v1/Deployment,v1,v1/ConfigMap"}, r.env...)
}

// generate is the repo-server's sequence for one app (runConfigManagementPluginSidecars): discovery probe
// (Check [-> Match]), Check again, then GenerateManifest with the repo streamed by SendRepoStream.
func (r *runner) generate(ctx context.Context, app, pluginName string) ([]string, error) {
	env := r.appEnv(app)
	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, r.appPath(app), r.repo, pluginName, env, r.excludes)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := client.CheckPluginConfiguration(ctx, &empty.Empty{}); err != nil {
		return nil, fmt.Errorf("error checking plugin configuration: %w", err)
	}
	stream, err := client.GenerateManifest(ctx, grpc_retry.Disable())
	if err != nil {
		return nil, fmt.Errorf("error getting generateManifest client: %w", err)
	}
	if err := cmp.SendRepoStream(ctx, r.appPath(app), r.repo, stream, env, r.excludes); err != nil {
		return nil, fmt.Errorf("error sending file to cmp-server: %w", err)
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return nil, fmt.Errorf("error generating manifests in cmp: %w", err)
	}
	return resp.GetManifests(), nil
}

func (r *runner) client(ctx context.Context) (io.Closer, apiclient.ConfigManagementPluginServiceClient, error) {
	dir := os.Getenv("ARGOCD_PLUGINSOCKFILEPATH")
	conn, client, err := apiclient.NewConfigManagementPluginClientSet(filepath.Join(dir, r.plugin+".sock")).NewConfigManagementPluginClient()
	if err != nil {
		return nil, nil, err
	}
	return conn, client, nil
}

// sendRaw streams a hand-made archive (or a tampered real one) with the real message builders.
func sendRaw(stream cmp.StreamSender, meta *apiclient.AppStreamRequest, tgz []byte, limit int, pause time.Duration) error {
	if err := stream.Send(meta); err != nil {
		return err
	}
	if pause > 0 {
		time.Sleep(pause)
	}
	if limit < 0 || limit > len(tgz) {
		limit = len(tgz)
	}
	for i := 0; i < limit; i += 1024 {
		end := min(i+1024, limit)
		if err := stream.Send(cmp.AppFileRequest(tgz[i:end])); err != nil {
			return fmt.Errorf("error sending stream: %w", err)
		}
	}
	return nil
}

func realArchive(r *runner, app string) ([]byte, *apiclient.AppStreamRequest, error) {
	f, meta, err := cmp.GetCompressedRepoAndMetadata(r.repo, r.appPath(app), r.appEnv(app), r.excludes, nil)
	if err != nil {
		return nil, nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(bufio.NewReader(f))
	return data, meta, err
}

func run(args []string) {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	r := &runner{}
	fs.StringVar(&r.repo, "repo", "", "repo root")
	fs.StringVar(&r.plugin, "plugin", "argo-otel-v1", "plugin name (socket base name)")
	apps := fs.String("apps", "", "comma-separated app paths relative to the repo")
	scenarios := fs.String("scenarios", "check,generate", "comma-separated scenarios")
	maliciousDir := fs.String("malicious-dir", "", "directory of *.tgz archives to stream as-is")
	envList := fs.String("env", "", "extra env entries NAME=VALUE separated by ';'")
	excludes := fs.String("tar-exclude", "", "repo-server --plugin-tar-exclude globs separated by ';'")
	concurrency := fs.Int("concurrency", 50, "parallel generations for the concurrent scenario")
	noMatchApp := fs.String("no-match-app", "", "app that the discovery plugin must not match")
	runs := fs.Int("runs", 30, "timed generations per app for the latency scenario (after 3 warm-ups)")
	fs.DurationVar(&r.timeout, "timeout", 60*time.Second, "per-call deadline, as controller.repo.server.timeout.seconds")
	_ = fs.Parse(args)
	if *envList != "" {
		r.env = strings.Split(*envList, ";")
	}
	if *excludes != "" {
		r.excludes = strings.Split(*excludes, ";")
	}
	appList := strings.Split(*apps, ",")
	for _, sc := range strings.Split(*scenarios, ",") {
		ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
		switch sc {
		case "check":
			res := result{Scenario: sc}
			conn, client, err := r.client(ctx)
			if err != nil {
				emit(fail(res, err))
				break
			}
			cfg, err := client.CheckPluginConfiguration(ctx, &empty.Empty{})
			conn.Close()
			if err != nil {
				emit(fail(res, err))
				break
			}
			res.OK = true
			res.Details = map[string]any{"isDiscoveryConfigured": cfg.GetIsDiscoveryConfigured(), "provideGitCreds": cfg.GetProvideGitCreds()}
			emit(res)
		case "generate", "discover":
			name := r.plugin
			if sc == "discover" {
				name = "" // auto-discovery over every socket in the dir, as for `plugin: {}`
			}
			for _, app := range appList {
				res := result{Scenario: sc, App: app}
				m, err := r.generate(ctx, app, name)
				if err != nil {
					emit(fail(res, err))
					continue
				}
				res.OK, res.Manifests = true, m
				emit(res)
			}
			if sc == "discover" && *noMatchApp != "" {
				res := result{Scenario: "discover-no-match", App: *noMatchApp}
				_, err := r.generate(ctx, *noMatchApp, "")
				if err != nil {
					emit(fail(res, err))
				} else {
					res.OK = true
					emit(res)
				}
			}
		case "params":
			for _, app := range appList {
				res := result{Scenario: sc, App: app}
				conn, client, err := r.client(ctx)
				if err != nil {
					emit(fail(res, err))
					continue
				}
				stream, err := client.GetParametersAnnouncement(ctx, grpc_retry.Disable())
				if err == nil {
					err = cmp.SendRepoStream(ctx, r.appPath(app), r.repo, stream, r.appEnv(app), r.excludes)
				}
				var resp *apiclient.ParametersAnnouncementResponse
				if err == nil {
					resp, err = stream.CloseAndRecv()
				}
				conn.Close()
				if err != nil {
					emit(fail(res, err))
					continue
				}
				b, _ := json.Marshal(resp.GetParameterAnnouncements())
				var anns []any
				_ = json.Unmarshal(b, &anns)
				res.OK, res.Details = true, map[string]any{"announcements": anns}
				emit(res)
			}
		case "checksum-mismatch", "truncated", "stall":
			app := appList[0]
			res := result{Scenario: sc, App: app}
			tgz, meta, err := realArchive(r, app)
			if err != nil {
				emit(fail(res, err))
				break
			}
			limit, pause, callCtx := -1, time.Duration(0), ctx
			switch sc {
			case "checksum-mismatch":
				meta.GetMetadata().Checksum = strings.Repeat("0", 64)
			case "truncated":
				limit = len(tgz) / 2
			case "stall":
				// The deadline passes while the server waits for the rest of the stream.
				var c2 context.CancelFunc
				callCtx, c2 = context.WithTimeout(context.Background(), 1500*time.Millisecond)
				defer c2()
				pause = 2500 * time.Millisecond
			}
			conn, client, err := r.client(ctx)
			if err != nil {
				emit(fail(res, err))
				break
			}
			stream, err := client.GenerateManifest(callCtx, grpc_retry.Disable())
			if err == nil {
				err = sendRaw(stream, meta, tgz, limit, pause)
				if err == nil || errors.Is(err, io.EOF) {
					_, err = stream.CloseAndRecv()
				}
			}
			conn.Close()
			if err != nil {
				emit(fail(res, err))
			} else {
				res.OK = true
				emit(res)
			}
		case "malicious":
			entries, err := os.ReadDir(*maliciousDir)
			if err != nil {
				emit(fail(result{Scenario: sc}, err))
				break
			}
			names := []string{}
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tgz") {
					names = append(names, e.Name())
				}
			}
			sort.Strings(names)
			for _, n := range names {
				res := result{Scenario: sc, App: n}
				tgz, err := os.ReadFile(filepath.Join(*maliciousDir, n))
				if err != nil {
					emit(fail(res, err))
					continue
				}
				_, meta, err := realArchive(r, appList[0])
				if err != nil {
					emit(fail(res, err))
					continue
				}
				md := meta.GetMetadata()
				md.AppRelPath, md.AppName, md.Size_ = ".", ".", int64(len(tgz))
				md.Checksum = sha256hex(tgz)
				conn, client, err := r.client(ctx)
				if err != nil {
					emit(fail(res, err))
					continue
				}
				stream, err := client.GenerateManifest(ctx, grpc_retry.Disable())
				if err == nil {
					if err = sendRaw(stream, meta, tgz, -1, 0); err == nil || errors.Is(err, io.EOF) {
						_, err = stream.CloseAndRecv()
					}
				}
				conn.Close()
				if err != nil {
					emit(fail(res, err))
				} else {
					res.OK = true
					emit(res)
				}
			}
		case "latency":
			// The repo-server's whole sequence per call (probe, check, archive + stream, reply), timed one at a time.
			for _, app := range appList {
				res := result{Scenario: sc, App: app}
				times := make([]float64, 0, *runs)
				var m []string
				var err error
				for i := 0; i < *runs+3 && err == nil; i++ {
					callCtx, callCancel := context.WithTimeout(context.Background(), r.timeout)
					t0 := time.Now()
					m, err = r.generate(callCtx, app, r.plugin)
					elapsed := float64(time.Since(t0).Microseconds()) / 1000
					callCancel()
					if i >= 3 {
						times = append(times, elapsed)
					}
				}
				if err != nil {
					emit(fail(res, err))
					continue
				}
				sort.Float64s(times)
				pct := func(p float64) float64 { return times[min(len(times)-1, int(math.Ceil(p/100*float64(len(times))))-1)] }
				res.OK = true
				res.Details = map[string]any{"runs": len(times), "p50Ms": pct(50), "p99Ms": pct(99), "manifests": len(m)}
				emit(res)
			}
		case "concurrent":
			app := appList[0]
			var wg sync.WaitGroup
			outs := make([]string, *concurrency)
			errs := make([]string, *concurrency)
			for i := 0; i < *concurrency; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					m, err := r.generate(ctx, app, r.plugin)
					if err != nil {
						errs[i] = err.Error()
						return
					}
					b, _ := json.Marshal(m)
					outs[i] = string(b)
				}(i)
			}
			wg.Wait()
			distinct := map[string]int{}
			failures := []string{}
			for i := range outs {
				if errs[i] != "" {
					failures = append(failures, errs[i])
				} else {
					distinct[outs[i]]++
				}
			}
			res := result{Scenario: sc, App: app, OK: len(failures) == 0 && len(distinct) == 1,
				Details: map[string]any{"calls": *concurrency, "failures": failures, "distinctOutputs": len(distinct)}}
			for k := range distinct {
				_ = json.Unmarshal([]byte(k), &res.Manifests)
			}
			emit(res)
		default:
			emit(result{Scenario: sc, Error: "unknown scenario"})
		}
		cancel()
	}
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
