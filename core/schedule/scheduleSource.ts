import type { Service } from "@aws-sdk/client-ecs";
import { type AutopilotConfig, matchesGlob } from "../config/index.ts";
import { nameFromArn, scalableResourceId } from "../ecs/arns.ts";
import { SERVICE_TAGS } from "../tags.ts";
import type { Capacity } from "./planScheduledActions.ts";
import { parseScheduleObject, parseScheduleTag, type ScheduleSpec } from "./ScheduleSpec.ts";

/** Where a service's schedule comes from, parsed lazily (an invalid one fails its service only). */
export interface ScheduleSource {
  spec(): ScheduleSpec;
  readonly off?: string | number;
  readonly up?: string | Capacity;
}

/** A service's cluster and service names (empty where the description leaves one out). */
const namesOf = (service: Service) => ({
  clusterName: nameFromArn(service.clusterArn ?? ""),
  serviceName: service.serviceName ?? "",
});

/** The Application Auto Scaling ResourceId of a service. */
export const resourceIdOf = (service: Service): string => scalableResourceId(namesOf(service));

/** The schedule a service asks for: its tag wins over the config; undefined when none. */
export function scheduleSource(
  service: Service,
  tags: Readonly<Record<string, string>>,
  config: AutopilotConfig["schedule"],
): ScheduleSource | undefined {
  const { clusterName, serviceName } = namesOf(service);
  const rule = config.services.find(
    (r) => matchesGlob(clusterName, r.cluster) && matchesGlob(serviceName, r.service),
  );
  const tagged = tags[SERVICE_TAGS.schedule];
  const withHolidays = (spec: ScheduleSpec): ScheduleSpec =>
    config.holidays.length === 0
      ? spec
      : { ...spec, holidays: [...new Set([...spec.holidays, ...config.holidays])].sort() };
  const off = tags[SERVICE_TAGS.offCapacity] ?? rule?.offCapacity;
  const up = tags[SERVICE_TAGS.upCapacity] ?? rule?.upCapacity;
  const extras = { ...(off !== undefined ? { off } : {}), ...(up !== undefined ? { up } : {}) };
  if (tagged !== undefined) return { spec: () => withHolidays(parseScheduleTag(tagged)), ...extras };
  if (!rule) return undefined;
  const schedule = rule.schedule;
  return {
    spec: () =>
      withHolidays(typeof schedule === "string" ? parseScheduleTag(schedule) : parseScheduleObject(schedule)),
    ...extras,
  };
}
