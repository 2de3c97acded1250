import { nameFromArn } from "../ecs/arns.ts";

/** What a monitor message is about: a service, or a group of standalone tasks (`family:…`). */
export interface Subject {
  /** The service ARN, or `<clusterArn>#<group>` for standalone tasks. */
  readonly key: string;
  readonly region: string;
  readonly clusterName: string;
  readonly name: string;
  readonly isService: boolean;
}

/** From a task event: `group` is `service:<name>` for service tasks. */
export function subjectOfTask(clusterArn: string, group: string | undefined, region: string): Subject {
  const clusterName = nameFromArn(clusterArn);
  if (group?.startsWith("service:")) {
    const name = group.slice("service:".length);
    return {
      key: `${clusterArn.replace(":cluster/", ":service/")}/${name}`,
      region,
      clusterName,
      name,
      isService: true,
    };
  }
  const name = group ?? "standalone tasks";
  return { key: `${clusterArn}#${name}`, region, clusterName, name, isService: false };
}

/**
 * From a service ARN, as in deployment and service action events. Both formats: the long one
 * (`…:service/<cluster>/<service>`) and the short one of services created before 2021
 * (`…:service/<service>`), which names no cluster — then `clusterArn` (service action events
 * carry it) supplies it, so that the key is the long ARN task events build for the same service.
 */
export function subjectOfServiceArn(serviceArn: string, region: string, clusterArn?: string): Subject {
  const parts = serviceArn.slice(serviceArn.indexOf(":service/") + ":service/".length).split("/");
  const short = parts.length === 1;
  const clusterName = !short ? (parts[0] ?? "default") : clusterArn ? nameFromArn(clusterArn) : "default";
  const name = parts[parts.length - 1] ?? serviceArn;
  return {
    key: short && clusterArn ? `${clusterArn.replace(":cluster/", ":service/")}/${name}` : serviceArn,
    region,
    clusterName,
    name,
    isService: true,
  };
}
