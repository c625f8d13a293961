// Enterprise Key Management as code: BYOK on AWS KMS and Azure Key Vault with Pulumi components, a dynamic provider, a typed sdk and a local reference platform.
package ekm
