package main

// The .NET codegen left pkg/v3 for the pulumi-dotnet repository after v3.225.1, and the Go
// module proxy serves neither that repository's modules nor a later pkg/v3 with it, so this
// host is built against pkg/v3 v3.225.1 (see scripts/bootstrap/pulumi-sdkgen.sh).

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"

	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const language = "dotnet"

// The .NET codegen downloads the package's logo (the schema's logoUrl, else Pulumi's logo on
// GitHub) with http.Get for the NuGet package icon. With PULUMI_SDKGEN_LOGO_FILE set, that
// download is answered from the file instead, so generation needs no network and its output
// does not depend on what a URL serves today.
func init() {
	file := os.Getenv("PULUMI_SDKGEN_LOGO_FILE")
	if file == "" {
		return
	}
	http.DefaultTransport = logoTransport(file)
}

type logoTransport string

func (f logoTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	data, err := os.ReadFile(string(f))
	if err != nil {
		return nil, fmt.Errorf("PULUMI_SDKGEN_LOGO_FILE, answering %s: %w", req.URL, err)
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": []string{"image/png"}}, Request: req,
		Body: io.NopCloser(bytes.NewReader(data)), ContentLength: int64(len(data)),
	}, nil
}

func generate(
	tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, _ schema.ReferenceLoader,
) (map[string][]byte, error) {
	return codegen.GeneratePackage(tool, pkg, req.GetExtraFiles(), req.GetLocalDependencies())
}
