// The pulumi-ekm posture rules as a CrossGuard policy pack. Run it against any stack:
//   pulumi preview --policy-pack <this folder> [--policy-pack-config policy-config.json]
import { PolicyPack } from "@pulumi/policy";
import { EKM_POLICY_PACK_NAME, ekmPolicyPackArgs } from "pulumi-ekm/policy";

new PolicyPack(EKM_POLICY_PACK_NAME, ekmPolicyPackArgs());
