import type { CloudTrailRecord } from "../events/schemas.ts";

/** What a CloudTrail ECS service call means for the index. */
export type ServiceChange =
  | { readonly kind: "refresh"; readonly cluster: string; readonly service: string }
  | { readonly kind: "ignore"; readonly reason: string };

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

/**
 * Reads the service a CreateService / UpdateService / DeleteService call touched. The request
 * parameters are only used to name the service; its state is always read fresh from ECS.
 * ECS's default cluster is `default` when the call named none.
 *
 * @example
 * serviceChangeFromCloudTrail(record); // { kind: "refresh", cluster: "prod", service: "web" }
 */
export function serviceChangeFromCloudTrail(record: CloudTrailRecord): ServiceChange {
  if (record.eventSource !== "ecs.amazonaws.com")
    return { kind: "ignore", reason: `not an ECS call (${record.eventSource})` };
  if (record.errorCode) return { kind: "ignore", reason: `the call failed (${record.errorCode})` };
  const request = record.requestParameters ?? {};
  const cluster = text(request.cluster) ?? "default";
  switch (record.eventName) {
    case "CreateService": {
      const service = text(request.serviceName);
      return service
        ? { kind: "refresh", cluster, service }
        : { kind: "ignore", reason: "CreateService without serviceName" };
    }
    case "UpdateService":
    case "DeleteService": {
      const service = text(request.service);
      return service
        ? { kind: "refresh", cluster, service }
        : { kind: "ignore", reason: `${record.eventName} without service` };
    }
    default:
      return { kind: "ignore", reason: `${record.eventName} does not change which images a service uses` };
  }
}
