import type { Service } from "@aws-sdk/client-ecs";

/** A service's identity as users name it: cluster and service names with their ARNs. */
export interface ServiceRef {
  readonly clusterArn: string;
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly clusterName: string;
}

/**
 * The last part of an ARN (`…:cluster/prod` → `prod`, `…:service/prod/web` → `web`). Works on
 * both service ARN formats: the long one (`service/<cluster>/<name>`) and the short one ECS used
 * before 2021 (`service/<name>`).
 */
export function nameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/** A service's identity from its description. */
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

/** A service's identity from its ARN and its cluster's (a service not described). */
export function serviceRefOf(service: {
  readonly serviceArn: string;
  readonly clusterArn: string;
}): ServiceRef {
  return {
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    serviceName: nameFromArn(service.serviceArn),
    clusterName: nameFromArn(service.clusterArn),
  };
}

/** `service/<cluster>/<service>`: the Application Auto Scaling ResourceId of a service's desired count. */
export function scalableResourceId(service: Pick<ServiceRef, "clusterName" | "serviceName">): string {
  return `service/${service.clusterName}/${service.serviceName}`;
}
