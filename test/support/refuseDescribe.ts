import type { ECSClient } from "@aws-sdk/client-ecs";

let serial = 0;

/**
 * Refuses DescribeTaskDefinition of the given revisions on this client (AccessDenied, as a
 * scoped-down role would); every other call reaches moto. moto answers every
 * DescribeTaskDefinition of a revision it holds, so a revision that could not be read is only
 * this: use it for that case alone.
 */
export function refuseDescribe(ecs: ECSClient, revisions: readonly string[]): void {
  ecs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: { taskDefinition?: string } }).input;
      if (
        context.commandName === "DescribeTaskDefinitionCommand" &&
        revisions.includes(input?.taskDefinition ?? "")
      )
        throw Object.assign(new Error("User is not authorized to perform: ecs:DescribeTaskDefinition"), {
          name: "AccessDeniedException",
          $metadata: { httpStatusCode: 400 },
        });
      return next(args);
    },
    { step: "initialize", name: `refuse-describe-${++serial}` },
  );
}
