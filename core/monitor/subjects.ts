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

/** From a service ARN (`…:service/<cluster>/<service>`), as in deployment and service action events. */
export function subjectOfServiceArn(serviceArn: string, region: string): Subject {
  const parts = serviceArn.slice(serviceArn.indexOf(":service/") + ":service/".length).split("/");
  const clusterName = parts.length > 1 ? (parts[0] ?? "default") : "default";
  return {
    key: serviceArn,
    region,
    clusterName,
    name: parts[parts.length - 1] ?? serviceArn,
    isService: true,
  };
}
