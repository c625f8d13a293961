// Unit tests of the generated Go SDK (provider-sdks/go) under the Go SDK's mocks
// (pulumi.WithMocks), built against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy.
// Run by test/integration/provider-sdks/go.test.ts.
//
// Under mocks every registration lands in NewResource, including the components:
// `ekm:aws:ByokKey` and `ekm:azure:ByokKey` are remote (multi-language) components constructed
// by the provider plugin, so the SDK registers each as one resource (RegisterRemoteComponentResource)
// and takes its outputs from the answer; their children never reach a Go program.
// https://www.pulumi.com/docs/iac/guides/testing/unit/
package ekm_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi-ekm/pulumi-ekm/provider-sdks/go/ekm"
	"github.com/pulumi-ekm/pulumi-ekm/provider-sdks/go/ekm/aws"
	"github.com/pulumi-ekm/pulumi-ekm/provider-sdks/go/ekm/azure"
	ekmconfig "github.com/pulumi-ekm/pulumi-ekm/provider-sdks/go/ekm/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	account  = "acct-3f9a1c2b7d4e5f60"
	keyArn   = "arn:aws:kms:eu-west-1:111122223333:key/0b2d8c1e-5f4a-4c3b-9a7e-2d1f0e9c8b7a"
	roleArn  = "arn:aws:iam::111122223333:role/ekm-byok-3f9a1c2b7d4e5f60"
	vaultURL = "https://kv-ekm-byok.vault.azure.net"
	tenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
)

// mocks answers like the provider would and records every registration by resource name.
type mocks struct {
	mu         sync.Mutex
	registered map[string]pulumi.MockResourceArgs
}

func (m *mocks) get(name string) pulumi.MockResourceArgs {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.registered[name]
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.registered[args.Name] = args
	m.mu.Unlock()
	switch args.TypeToken {
	case "ekm:aws:ByokKey":
		return args.Name + "-id", resource.NewPropertyMapFromMap(map[string]interface{}{
			"keyArn":              keyArn,
			"keyId":               keyArn[strings.LastIndex(keyArn, "/")+1:],
			"roleArn":             roleArn,
			"roleName":            roleArn[strings.LastIndex(roleArn, "/")+1:],
			"policyDocument":      "{}",
			"trustPolicyDocument": "{}",
			"byokConfig": map[string]interface{}{
				"provider": "aws", "aws": map[string]interface{}{"keyArn": keyArn, "roleArn": roleArn},
			},
		}), nil
	case "ekm:azure:ByokKey":
		return args.Name + "-id", resource.NewPropertyMapFromMap(map[string]interface{}{
			"vaultUrl":   vaultURL,
			"vaultId":    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-ekm-byok",
			"keyName":    "ekm-byok",
			"keyId":      vaultURL + "/keys/ekm-byok/0123456789abcdef",
			"keyVersion": "0123456789abcdef",
			"tenantId":   tenantID,
			"byokConfig": map[string]interface{}{
				"provider": "azure",
				"azure":    map[string]interface{}{"vaultUrl": vaultURL, "tenantId": tenantID, "keyName": "ekm-byok"},
			},
		}), nil
	case "ekm:index:ByokConfiguration":
		// The platform's answer: the inputs back, plus what it computes.
		state := args.Inputs.Copy()
		for k, v := range resource.NewPropertyMapFromMap(map[string]interface{}{
			"status":              "pending-activation",
			"effectiveKeySource":  "platform",
			"etag":                `W/"1"`,
			"createdAt":           "2026-01-01T00:00:00Z",
			"updatedAt":           "2026-01-01T00:00:00Z",
			"platformKeyVersion":  "1",
			"adoptExisting":       false,
			"forceRevertOnDelete": false,
			"validation": map[string]interface{}{
				"phase": "registration", "checkedAt": "2026-01-01T00:00:00Z", "ok": true, "checks": []interface{}{},
			},
		}) {
			state[k] = v
		}
		return args.Inputs["accountId"].StringValue(), state, nil
	}
	return args.Name + "-id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, &unexpectedCall{args.Token}
}

type unexpectedCall struct{ token string }

func (e *unexpectedCall) Error() string {
	return "the ekm package has no functions, yet " + e.token + " was called"
}

// run runs a program under fresh mocks; RunErr returns once every output has settled.
func run(t *testing.T, program func(ctx *pulumi.Context, m *mocks) error) *mocks {
	t.Helper()
	m := &mocks{registered: map[string]pulumi.MockResourceArgs{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error { return program(ctx, m) },
		pulumi.WithMocks("project", "stack", m))
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return m
}

func TestAwsByokKeyIsOneRemoteComponentWithTheAnsweredOutputs(t *testing.T) {
	var gotKeyArn string
	var gotConfig ekm.ByokKeyConfig
	policy := aws.PolicyModeLeastPrivilege // a plain input of the component: a pointer
	m := run(t, func(ctx *pulumi.Context, _ *mocks) error {
		key, err := aws.NewByokKey(ctx, "aws-key", &aws.ByokKeyArgs{
			AccountId: pulumi.String(account),
			Trust: aws.AwsTrustArgs{
				PrincipalArn: pulumi.String("arn:aws:iam::999988887777:role/platform"),
				ExternalId:   pulumi.String("ext-1"),
			},
			Policy: &policy,
		})
		if err != nil {
			return err
		}
		key.KeyArn.ApplyT(func(v string) string { gotKeyArn = v; return v })
		key.ByokConfig.ApplyT(func(v ekm.ByokKeyConfig) ekm.ByokKeyConfig { gotConfig = v; return v })
		return nil
	})
	sent := m.get("aws-key")
	if sent.TypeToken != "ekm:aws:ByokKey" || sent.Custom {
		t.Fatalf("registered %q (custom %v), want the component ekm:aws:ByokKey", sent.TypeToken, sent.Custom)
	}
	if got := sent.Inputs["accountId"].StringValue(); got != account {
		t.Errorf("accountId sent = %q, want %q", got, account)
	}
	trust := sent.Inputs["trust"].ObjectValue()
	if trust["principalArn"].StringValue() != "arn:aws:iam::999988887777:role/platform" || trust["externalId"].StringValue() != "ext-1" {
		t.Errorf("trust sent = %v", trust)
	}
	if got := sent.Inputs["policy"].StringValue(); got != "least-privilege" {
		t.Errorf("policy sent = %q, want least-privilege", got)
	}
	if gotKeyArn != keyArn {
		t.Errorf("KeyArn = %q, want %q", gotKeyArn, keyArn)
	}
	if gotConfig.Provider != "aws" || gotConfig.Aws == nil || gotConfig.Aws.KeyArn != keyArn || gotConfig.Aws.RoleArn != roleArn {
		t.Errorf("ByokConfig = %+v, want the aws key and role", gotConfig)
	}
}

func TestByokConfigurationRegistersTheKeyConfigOfTheComponent(t *testing.T) {
	var gotStatus ekm.ByokStatus
	var gotURN string
	m := run(t, func(ctx *pulumi.Context, _ *mocks) error {
		key, err := aws.NewByokKey(ctx, "aws-key", &aws.ByokKeyArgs{AccountId: pulumi.String(account)})
		if err != nil {
			return err
		}
		byok, err := ekm.NewByokConfiguration(ctx, "byok", &ekm.ByokConfigurationArgs{
			AccountId:      pulumi.String(account),
			Config:         key.ByokConfig,
			Nickname:       pulumi.String("Production key"),
			ActivationDate: pulumi.String("2026-12-01"),
		})
		if err != nil {
			return err
		}
		byok.Status.ApplyT(func(v ekm.ByokStatus) ekm.ByokStatus { gotStatus = v; return v })
		byok.URN().ApplyT(func(v pulumi.URN) pulumi.URN { gotURN = string(v); return v })
		return nil
	})
	sent := m.get("byok")
	if sent.TypeToken != "ekm:index:ByokConfiguration" || !sent.Custom {
		t.Fatalf("registered %q (custom %v), want the custom resource ekm:index:ByokConfiguration", sent.TypeToken, sent.Custom)
	}
	config := sent.Inputs["config"].ObjectValue()
	aws := config["aws"].ObjectValue()
	if config["provider"].StringValue() != "aws" || aws["keyArn"].StringValue() != keyArn || aws["roleArn"].StringValue() != roleArn {
		t.Errorf("config sent = %v, want the component's byokConfig", config)
	}
	if sent.Inputs["nickname"].StringValue() != "Production key" || sent.Inputs["activationDate"].StringValue() != "2026-12-01" {
		t.Errorf("inputs sent = %v", sent.Inputs)
	}
	if gotStatus != ekm.ByokStatusPendingActivation {
		t.Errorf("Status = %q, want pending-activation", gotStatus)
	}
	if !strings.HasSuffix(gotURN, "::ekm:index:ByokConfiguration::byok") {
		t.Errorf("URN = %q", gotURN)
	}
}

func TestAzureByokKeyAndAnExplicitProviderInstance(t *testing.T) {
	var providerURN, providerID string
	var gotConfig ekm.ByokKeyConfig
	m := run(t, func(ctx *pulumi.Context, _ *mocks) error {
		platform, err := ekm.NewProvider(ctx, "platform-b", &ekm.ProviderArgs{
			PlatformUrl: pulumi.String("https://ekm-b.example.com"),
			ApiToken:    pulumi.String("token-b"),
		})
		if err != nil {
			return err
		}
		key, err := azure.NewByokKey(ctx, "azure-key", &azure.ByokKeyArgs{
			PlatformPrincipalId: pulumi.String("00000000-0000-0000-0000-00000000b0b0"),
		})
		if err != nil {
			return err
		}
		_, err = ekm.NewByokConfiguration(ctx, "byok-b", &ekm.ByokConfigurationArgs{
			AccountId:      pulumi.String("acct-00000000000000b0"),
			Config:         key.ByokConfig,
			Nickname:       pulumi.String("Account B"),
			ActivationDate: pulumi.String("2026-12-01"),
		}, pulumi.Provider(platform))
		if err != nil {
			return err
		}
		platform.URN().ApplyT(func(v pulumi.URN) pulumi.URN { providerURN = string(v); return v })
		platform.ID().ApplyT(func(v pulumi.ID) pulumi.ID { providerID = string(v); return v })
		key.ByokConfig.ApplyT(func(v ekm.ByokKeyConfig) ekm.ByokKeyConfig { gotConfig = v; return v })
		return nil
	})
	provider := m.get("platform-b")
	if provider.TypeToken != "pulumi:providers:ekm" {
		t.Fatalf("registered %q, want pulumi:providers:ekm", provider.TypeToken)
	}
	if provider.Inputs["platformUrl"].StringValue() != "https://ekm-b.example.com" {
		t.Errorf("platformUrl sent = %v", provider.Inputs["platformUrl"])
	}
	// The token reaches the engine as a secret (the schema marks it so), never in the clear.
	token := provider.Inputs["apiToken"]
	if !token.IsSecret() || token.SecretValue().Element.StringValue() != "token-b" {
		t.Errorf("apiToken sent = %v, want the secret token-b", token)
	}
	sent := m.get("byok-b")
	if want := providerURN + "::" + providerID; sent.Provider != want {
		t.Errorf("byok-b's provider = %q, want %q", sent.Provider, want)
	}
	if !strings.HasSuffix(providerURN, "::pulumi:providers:ekm::platform-b") {
		t.Errorf("provider URN = %q", providerURN)
	}
	config := sent.Inputs["config"].ObjectValue()
	if config["provider"].StringValue() != "azure" || config["azure"].ObjectValue()["vaultUrl"].StringValue() != vaultURL {
		t.Errorf("config sent = %v, want the azure component's byokConfig", config)
	}
	if gotConfig.Provider != "azure" || gotConfig.Azure == nil || gotConfig.Azure.VaultUrl != vaultURL || gotConfig.Azure.TenantId != tenantID {
		t.Errorf("ByokConfig = %+v", gotConfig)
	}
}

func TestRequiredInputsAreCheckedByTheSdk(t *testing.T) {
	var got error
	run(t, func(ctx *pulumi.Context, _ *mocks) error {
		_, got = ekm.NewByokConfiguration(ctx, "no-account", &ekm.ByokConfigurationArgs{
			Config:         ekm.ByokKeyConfigArgs{Provider: pulumi.String("aws")},
			Nickname:       pulumi.String("n"),
			ActivationDate: pulumi.String("2026-12-01"),
		})
		return nil
	})
	if got == nil || !strings.Contains(got.Error(), "AccountId") {
		t.Errorf("NewByokConfiguration without AccountId returned %v, want an error naming AccountId", got)
	}
}

func TestConfigAccessorsReadTheStackConfig(t *testing.T) {
	// The engine hands a program its stack configuration in PULUMI_CONFIG.
	t.Setenv("PULUMI_CONFIG", `{"ekm:platformUrl":"https://ekm.example.com","ekm:apiToken":"token-a"}`)
	var url, token string
	run(t, func(ctx *pulumi.Context, _ *mocks) error {
		url, token = ekmconfig.GetPlatformUrl(ctx), ekmconfig.GetApiToken(ctx)
		return nil
	})
	if url != "https://ekm.example.com" || token != "token-a" {
		t.Errorf("GetPlatformUrl, GetApiToken = %q, %q; want the stack config", url, token)
	}
}
