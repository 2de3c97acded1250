import type { Service } from "@aws-sdk/client-ecs";
import type { ServiceRef } from "./types.ts";

/** The last part of an ARN (`…:cluster/prod` → `prod`, `…:service/prod/web` → `web`). */
export function nameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/** A service's identity as users name it: cluster and service names with their ARNs. */
export function serviceRef(service: Service): ServiceRef {
  const serviceArn = service.serviceArn ?? "";
  const clusterArn = service.clusterArn ?? "";
  return {
    serviceArn,
    clusterArn,
    serviceName: service.serviceName ?? nameFromArn(serviceArn),
    clusterName: nameFromArn(clusterArn),
  };
}
