"""Unit tests of the generated Python SDK (provider-sdks/python) under Pulumi's mocks.

Run by test/integration/provider-sdks/python.test.ts after it installs the SDK into a venv
with the `pulumi` package from PyPI (scripts/bootstrap/python-sdk.sh).

Under mocks the engine and the provider plugin are replaced by `Mocks` below: every resource
registration lands in `new_resource`. That includes the components: `ekm:aws:ByokKey` and
`ekm:azure:ByokKey` are remote (multi-language) components, constructed by the provider plugin,
so the SDK registers each one as a single resource and takes its outputs from the answer; their
children (KMS key, role, Key Vault ...) are created by the plugin and never reach a Python
program, mocked or not. https://www.pulumi.com/docs/iac/guides/testing/unit/
"""

import unittest

import pulumi
from pulumi.runtime import rpc

ACCOUNT = "acct-3f9a1c2b7d4e5f60"
KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/0b2d8c1e-5f4a-4c3b-9a7e-2d1f0e9c8b7a"
ROLE_ARN = "arn:aws:iam::111122223333:role/ekm-byok-3f9a1c2b7d4e5f60"
VAULT_URL = "https://kv-ekm-byok.vault.azure.net"


class Mocks(pulumi.runtime.Mocks):
    """Answers like the provider would, and records every registration by resource name."""

    def __init__(self):
        self.registered = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.registered[args.name] = args
        if args.typ == "ekm:aws:ByokKey":
            return f"{args.name}-id", {
                "keyArn": KEY_ARN,
                "keyId": KEY_ARN.rsplit("/", 1)[1],
                "roleArn": ROLE_ARN,
                "roleName": ROLE_ARN.rsplit("/", 1)[1],
                "policyDocument": "{}",
                "trustPolicyDocument": "{}",
                "byokConfig": {"provider": "aws", "aws": {"keyArn": KEY_ARN, "roleArn": ROLE_ARN}},
            }
        if args.typ == "ekm:azure:ByokKey":
            return f"{args.name}-id", {
                "vaultUrl": VAULT_URL,
                "vaultId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-ekm-byok",
                "keyName": "ekm-byok",
                "keyId": f"{VAULT_URL}/keys/ekm-byok/0123456789abcdef",
                "keyVersion": "0123456789abcdef",
                "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "byokConfig": {
                    "provider": "azure",
                    "azure": {"vaultUrl": VAULT_URL, "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47", "keyName": "ekm-byok"},
                },
            }
        if args.typ == "ekm:index:ByokConfiguration":
            # The platform's answer: the inputs back, plus what it computes.
            return args.inputs["accountId"], {
                **args.inputs,
                "status": "pending-activation",
                "effectiveKeySource": "platform",
                "etag": "W/\"1\"",
                "createdAt": "2026-01-01T00:00:00Z",
                "updatedAt": "2026-01-01T00:00:00Z",
                "platformKeyVersion": "1",
                "adoptExisting": False,
                "forceRevertOnDelete": False,
                "validation": {"phase": "registration", "checkedAt": "2026-01-01T00:00:00Z", "ok": True, "checks": []},
            }
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        raise NotImplementedError(f"the ekm package has no functions, yet {args.token} was called")


mocks = Mocks()
pulumi.runtime.set_mocks(mocks, preview=False)

import pulumi_ekm as ekm  # noqa: E402 (the SDK must be imported after set_mocks)


class GeneratedSdkUnderMocks(unittest.TestCase):
    @pulumi.runtime.test
    def test_aws_byok_key_is_one_remote_component_with_the_answered_outputs(self):
        key = ekm.aws.ByokKey(
            "aws-key",
            account_id=ACCOUNT,
            trust=ekm.aws.AwsTrustArgs(principal_arn="arn:aws:iam::999988887777:role/platform", external_id="ext-1"),
            policy=ekm.aws.PolicyMode.LEAST_PRIVILEGE,
        )

        def check(values, config):
            key_arn, role_arn = values
            sent = mocks.registered["aws-key"]
            self.assertEqual(sent.typ, "ekm:aws:ByokKey")
            self.assertFalse(sent.custom, "a component is not a custom resource")
            self.assertEqual(sent.inputs["accountId"], ACCOUNT)
            self.assertEqual(sent.inputs["trust"], {"principalArn": "arn:aws:iam::999988887777:role/platform", "externalId": "ext-1"})
            self.assertEqual(sent.inputs["policy"], "least-privilege")
            self.assertEqual((key_arn, role_arn), (KEY_ARN, ROLE_ARN))
            self.assertEqual(config.provider, "aws")
            self.assertEqual((config.aws.key_arn, config.aws.role_arn), (KEY_ARN, ROLE_ARN))

        # Output.all would turn the typed `ByokKeyConfig` back into a plain dict: apply on it alone.
        return pulumi.Output.all(key.key_arn, key.role_arn).apply(lambda v: key.byok_config.apply(lambda c: check(v, c)))

    @pulumi.runtime.test
    def test_byok_configuration_registers_the_key_config_of_the_component(self):
        key = ekm.aws.ByokKey("aws-key-2", account_id=ACCOUNT)
        byok = ekm.ByokConfiguration(
            "byok",
            account_id=ACCOUNT,
            config=key.byok_config,
            nickname="Production key",
            activation_date="2026-12-01",
        )

        def check(values):
            status, urn, account_id = values
            sent = mocks.registered["byok"]
            self.assertEqual(sent.typ, "ekm:index:ByokConfiguration")
            self.assertTrue(sent.custom)
            self.assertEqual(sent.inputs["config"], {"provider": "aws", "aws": {"keyArn": KEY_ARN, "roleArn": ROLE_ARN}})
            self.assertEqual(sent.inputs["nickname"], "Production key")
            self.assertEqual(sent.inputs["activationDate"], "2026-12-01")
            self.assertEqual(status, "pending-activation")
            self.assertEqual(account_id, ACCOUNT)
            self.assertTrue(urn.endswith("$ekm:index:ByokConfiguration::byok"), urn)

        return pulumi.Output.all(byok.status, byok.urn, byok.account_id).apply(check)

    @pulumi.runtime.test
    def test_azure_byok_key_and_an_explicit_provider_instance(self):
        platform = ekm.Provider("platform-b", platform_url="https://ekm-b.example.com", api_token="token-b")
        key = ekm.azure.ByokKey("azure-key", platform_principal_id="00000000-0000-0000-0000-00000000b0b0")
        byok = ekm.ByokConfiguration(
            "byok-b",
            account_id="acct-00000000000000b0",
            config=key.byok_config,
            nickname="Account B",
            activation_date="2026-12-01",
            opts=pulumi.ResourceOptions(provider=platform),
        )

        def check(values, config):
            vault_url, _, provider_urn, provider_id = values
            provider = mocks.registered["platform-b"]
            self.assertEqual(provider.typ, "pulumi:providers:ekm")
            self.assertEqual(provider.inputs["platformUrl"], "https://ekm-b.example.com")
            # The token reaches the engine as a secret (the schema marks it so), never in the clear.
            self.assertEqual(provider.inputs["apiToken"], {rpc._special_sig_key: rpc._special_secret_sig, "value": "token-b"})
            sent = mocks.registered["byok-b"]
            # The resource names its provider instance: `<provider urn>::<provider id>`.
            self.assertEqual(sent.provider, f"{provider_urn}::{provider_id}")
            self.assertTrue(provider_urn.endswith("$pulumi:providers:ekm::platform-b"), provider_urn)
            self.assertEqual(sent.inputs["config"]["provider"], "azure")
            self.assertEqual(sent.inputs["config"]["azure"]["vaultUrl"], VAULT_URL)
            self.assertEqual((config.provider, config.azure.vault_url, vault_url), ("azure", VAULT_URL, VAULT_URL))

        # After byok-b's registration (its urn), which waits for the key's outputs.
        values = pulumi.Output.all(key.vault_url, byok.urn, platform.urn, platform.id)
        return values.apply(lambda v: key.byok_config.apply(lambda c: check(v, c)))

    def test_required_inputs_are_checked_by_the_sdk(self):
        with self.assertRaisesRegex(TypeError, "account_id"):
            ekm.ByokConfiguration("no-account", config={"provider": "aws"}, nickname="n", activation_date="2026-12-01")

    def test_config_module_reads_the_stack_config(self):
        # What the engine hands a program as its stack configuration.
        pulumi.runtime.set_all_config({"ekm:platformUrl": "https://ekm.example.com"})
        try:
            self.assertEqual(ekm.config.platform_url, "https://ekm.example.com")
            self.assertIsNone(ekm.config.api_token)
        finally:
            pulumi.runtime.set_all_config({})


if __name__ == "__main__":
    unittest.main()
