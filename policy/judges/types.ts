/** The shape of a judge: one rule's check of one resource type's inputs. Pure. */
import type { PolicyThresholds } from "../config";
import type { Plain } from "../values";

/**
 * Returns one message per problem, empty when the inputs comply (or what the rule needs is not
 * known yet). Each message names the input, the value received and the fix.
 * @param props the resource's inputs, unknowns marked (`plain`).
 * @param thresholds the policy's configuration.
 * @param now the time to judge dates against.
 */
export type Judge = (props: Plain, thresholds: PolicyThresholds, now: Date) => string[];
