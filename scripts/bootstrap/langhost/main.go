// pulumi-language-nodejs: the Node.js language host for the Pulumi engine.
//
// The upstream module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
// is not served by the Go module proxy, so this host implements the LanguageRuntime gRPC
// service with the generated stubs of github.com/pulumi/pulumi/sdk/v3. It covers what
// preview, up, refresh and destroy need: it runs `node @pulumi/pulumi/cmd/run` for the
// program with the same flags and environment (PULUMI_CONFIG, ...) as the upstream host, and
// (RunPlugin) `node @pulumi/pulumi/cmd/run-policy-pack` for a TypeScript policy pack given
// with `--policy-pack <dir>`, or `@pulumi/pulumi/cmd/run-plugin` for a plugin project.
// Code generation and `pulumi new` are not supported.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is set with -ldflags "-X main.version=...".
var version = "3.0.0"

const (
	defaultRunPath = "@pulumi/pulumi/cmd/run"
	// What RunPlugin starts for a policy pack (kind "analyzer") and for any other plugin project.
	policyPackRunPath = "@pulumi/pulumi/cmd/run-policy-pack"
	pluginRunPath     = "@pulumi/pulumi/cmd/run-plugin"
	analyzerKind      = "analyzer"
	// cmd/run exits with this code after it has shown the user an actionable message.
	bailExitCode      = 32
	maxRPCMessageSize = 400 * 1024 * 1024
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	mu            sync.Mutex
	engineAddress string
	tracing       string
	children      map[*os.Process]struct{}
}

func main() {
	h := &host{children: map[*os.Process]struct{}{}}
	// The engine passes optional flags (-tracing=..., -v=..., -logtostderr) and then the
	// engine address as the last positional argument.
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			h.engineAddress = a
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "tracing" {
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			h.tracing = value
		}
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: listen: %v\n", err)
		os.Exit(1)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(maxRPCMessageSize), grpc.MaxSendMsgSize(maxRPCMessageSize))
	pulumirpc.RegisterLanguageRuntimeServer(srv, h)
	// The engine reads our port from the first line of stdout.
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)
	if err := srv.Serve(lis); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: serve: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// options are the runtime options of Pulumi.yaml (`runtime: {name: nodejs, options: ...}`).
type options struct {
	typescript bool
	nodeargs   []string
	tsconfig   string
}

func parseOptions(s *structpb.Struct) options {
	o := options{typescript: true}
	if s == nil {
		return o
	}
	m := s.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		o.nodeargs = strings.Fields(v)
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	return o
}

type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &p, nil
}

// resolvePackageDir finds node_modules/<name> walking up from dir, as Node does.
func resolvePackageDir(dir, name string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "node_modules", name, "package.json")
		if _, err := os.Stat(p); err == nil {
			return filepath.Dir(p), true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// dependencies lists the installed direct dependencies of the program's package.json.
func dependencies(programDir string, withDev bool) []*packageJSON {
	root, err := readPackageJSON(filepath.Join(programDir, "package.json"))
	if err != nil {
		return nil
	}
	names := map[string]struct{}{}
	for n := range root.Dependencies {
		names[n] = struct{}{}
	}
	if withDev {
		for n := range root.DevDependencies {
			names[n] = struct{}{}
		}
	}
	var out []*packageJSON
	for n := range names {
		if d, ok := resolvePackageDir(programDir, n); ok {
			if p, err := readPackageJSON(filepath.Join(d, "package.json")); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// requiredPlugins reports the resource plugins of the program's direct dependencies
// (packages whose package.json has "pulumi": {"resource": true}).
func requiredPlugins(programDir string) []*pulumirpc.PluginDependency {
	var plugins []*pulumirpc.PluginDependency
	for _, p := range dependencies(programDir, false) {
		if !p.Pulumi.Resource {
			continue
		}
		name := p.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(p.Name, "@pulumi/"), "@")
		}
		v := p.Pulumi.Version
		if v == "" {
			v = p.Version
		}
		if v != "" && !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: name, Kind: "resource", Version: v, Server: p.Pulumi.Server,
		})
	}
	return plugins
}

func (h *host) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram() //nolint:staticcheck
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: requiredPlugins(dir)}, nil
}

func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var pkgs []*pulumirpc.PackageDependency
	for _, p := range requiredPlugins(req.GetInfo().GetProgramDirectory()) {
		pkgs = append(pkgs, &pulumirpc.PackageDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	var deps []*pulumirpc.DependencyInfo
	for _, p := range dependencies(req.GetInfo().GetProgramDirectory(), req.GetTransitiveDependencies()) {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

// InstallDependencies installs nothing (this project installs node_modules with npm); it
// checks that @pulumi/pulumi resolves from the program directory, and @pulumi/policy too for a
// policy pack (`pulumi install` in a folder with PulumiPolicy.yaml sends is_plugin).
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	_ grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory() //nolint:staticcheck
	}
	needed := []string{"@pulumi/pulumi"}
	if _, err := os.Stat(filepath.Join(dir, "PulumiPolicy.yaml")); err == nil {
		needed = append(needed, "@pulumi/policy")
	}
	for _, name := range needed {
		if _, ok := resolvePackageDir(dir, name); !ok {
			return status.Errorf(codes.FailedPrecondition,
				"%s is not installed under %s; run npm install there first", name, dir)
		}
	}
	return nil
}

func (h *host) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.children {
		_ = p.Signal(os.Interrupt)
	}
	return &emptypb.Empty{}, nil
}

// locateRunPath resolves @pulumi/pulumi/cmd/run (or PULUMI_LANGUAGE_NODEJS_RUN_PATH) from the program directory.
func locateRunPath(node, dir string) (string, error) {
	mod := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if mod == "" {
		mod = defaultRunPath
	}
	return locateModule(node, dir, mod)
}

// locateModule resolves a module the way `require` does from dir, so the @pulumi/pulumi of the
// program (or policy pack) is used, wherever npm placed it.
func locateModule(node, dir, mod string) (string, error) {
	cmd := exec.Command(node, "-e", fmt.Sprintf("console.log(require.resolve(%q))", mod))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s: it looks like the Pulumi SDK has not been installed there; "+
			"run npm install in %s", mod, dir, dir)
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(_ context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH"}, nil
	}
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	runPath, err := locateRunPath(node, programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts := parseOptions(info.GetOptions())

	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engine)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", fmt.Sprint(req.GetParallel()))
	add("tracing", h.tracing)
	program := req.GetProgram()
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := os.Environ()
	env = append(env, "PULUMI_CONFIG="+string(configJSON), "PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.Command(node, args...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.mu.Lock()
	h.children[cmd.Process] = struct{}{}
	h.mu.Unlock()
	err = cmd.Wait()
	h.mu.Lock()
	delete(h.children, cmd.Process)
	h.mu.Unlock()

	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// streamWriter sends what a plugin writes to the engine as RunPluginResponse messages.
// Stdout and stderr share one stream, whose Send must not be called concurrently.
type streamWriter struct {
	mu     *sync.Mutex
	server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
	stderr bool
}

func (w streamWriter) Write(b []byte) (int, error) {
	// The stream may hold on to the message after Send returns; b is reused by the caller.
	data := append([]byte(nil), b...)
	msg := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: data}}
	if w.stderr {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: data}}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.server.Send(msg); err != nil {
		return 0, err
	}
	return len(b), nil
}

// RunPlugin starts a plugin written in Node.js and streams its output to the engine, which
// reads the plugin's gRPC port from the first line of stdout. For a policy pack (kind
// "analyzer": `pulumi preview --policy-pack <dir>`, a folder with PulumiPolicy.yaml) it runs
// `node @pulumi/pulumi/cmd/run-policy-pack <engine address> <dir>` in the pack's folder, with
// the @pulumi/pulumi the pack installed, as the upstream host does; any other kind runs
// `@pulumi/pulumi/cmd/run-plugin <dir> <args>` in the engine's working directory.
// The plugin is killed when the engine ends the call (it cancels the stream's context).
func (h *host) RunPlugin(
	req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram() //nolint:staticcheck
	}
	if dir == "" {
		return status.Error(codes.InvalidArgument, "RunPlugin: the request names no plugin directory (info.program_directory)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return status.Errorf(codes.FailedPrecondition, "could not find node on the $PATH: %v", err)
	}
	opts := parseOptions(info.GetOptions())
	analyzer := req.GetKind() == analyzerKind
	mod := pluginRunPath
	if analyzer {
		mod = policyPackRunPath
	}
	modPath, err := locateModule(node, dir, mod)
	if err != nil {
		return status.Error(codes.FailedPrecondition, err.Error())
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, modPath)
	// run-policy-pack takes the engine address first and the pack last; run-plugin the reverse.
	if analyzer {
		args = append(args, req.GetArgs()...)
		args = append(args, dir)
	} else {
		args = append(args, dir)
		args = append(args, req.GetArgs()...)
	}
	// The engine sends the whole environment the plugin should see.
	env := append([]string{}, req.GetEnv()...)
	if len(env) == 0 {
		env = os.Environ()
	}
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	var mu sync.Mutex
	cmd := exec.CommandContext(server.Context(), node, args...)
	// Policy packs have always run in their own folder, so relative paths in a pack resolve there.
	cmd.Dir = req.GetPwd()
	if analyzer || cmd.Dir == "" {
		cmd.Dir = dir
	}
	cmd.Env = env
	cmd.Stdout = streamWriter{mu: &mu, server: server}
	cmd.Stderr = streamWriter{mu: &mu, server: server, stderr: true}
	if err := cmd.Start(); err != nil {
		return status.Errorf(codes.Internal, "could not start node for the plugin in %s: %v", dir, err)
	}
	h.mu.Lock()
	h.children[cmd.Process] = struct{}{}
	h.mu.Unlock()
	err = cmd.Wait()
	h.mu.Lock()
	delete(h.children, cmd.Process)
	h.mu.Unlock()

	code := int32(0)
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return status.Errorf(codes.Internal, "plugin in %s: %v", dir, err)
		}
		code = int32(exitErr.ExitCode())
	}
	mu.Lock()
	defer mu.Unlock()
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}
