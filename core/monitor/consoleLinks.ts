/** AWS console links for messages. The CloudWatch console encodes path parts twice (`/` → `$252F`). */
const consoleEncode = (text: string) => encodeURIComponent(text).replace(/%/g, "$25");

export function serviceLink(region: string, cluster: string, service: string): string {
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/health?region=${region}`;
}

export function taskLink(region: string, cluster: string, taskArn: string): string {
  const taskId = taskArn.slice(taskArn.lastIndexOf("/") + 1);
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/tasks/${taskId}/configuration?region=${region}`;
}

/** The awslogs stream of a container: `<prefix>/<container>/<task id>`. */
export function logStreamLink(region: string, group: string, stream: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${consoleEncode(group)}/log-events/${consoleEncode(stream)}`;
}
