/**
 * The judge of the ByokConfiguration resource's inputs (`BYOK_CONFIGURATION_TYPE`): the
 * activation date is a valid ISO-8601 date and not implausibly far in the past.
 */
import { activationDateProblem, quote } from "../../sdk/schemas/formats";
import { UNKNOWN, field, type Judge } from "../values";

const DAY_MS = 24 * 60 * 60 * 1000;

/** `activationDate` parses and lies at most `maxActivationPastDays` before `now`. */
export const activationDateSanity: Judge = (props, t, now) => {
  const date = field(props, "activationDate");
  if (date === UNKNOWN || date === undefined) return [];
  if (typeof date !== "string") return [`activationDate is ${quote(date)}: pass an ISO-8601 date such as "2026-12-01"`];
  const problem = activationDateProblem(date);
  if (problem !== undefined) return [`activationDate ${problem}; received ${quote(date)}`];
  const days = Math.floor((now.getTime() - Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date)) / DAY_MS);
  if (days <= t.maxActivationPastDays) return [];
  return [
    `activationDate is ${quote(date)}, ${days} days in the past (more than maxActivationPastDays, ${t.maxActivationPastDays}): check the year; the platform uses the key for new content as soon as it is registered`,
  ];
};
