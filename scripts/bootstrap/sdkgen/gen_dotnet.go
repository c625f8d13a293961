package main

// The .NET codegen left pkg/v3 for the pulumi-dotnet repository after v3.225.1, and the Go
// module proxy serves neither that repository's modules nor a later pkg/v3 with it, so this
// host is built against pkg/v3 v3.225.1 (see scripts/bootstrap/pulumi-sdkgen.sh).

import (
	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const language = "dotnet"

func generate(
	tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest, _ schema.ReferenceLoader,
) (map[string][]byte, error) {
	return codegen.GeneratePackage(tool, pkg, req.GetExtraFiles(), req.GetLocalDependencies())
}
