import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  type Service,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import {
  afterFailedUpdate,
  type Deployed,
  deployedByUpdate,
  isOfFamily,
  isRequestError,
  isTaggedWith,
  type RollOut,
  RollOutError,
  registerBackoffCeilingMs,
  registerInput,
  updateServiceInput,
} from "./rollOutDecisions.ts";

export { type Deployed, type RollOut, RollOutError, rolloutIdOf } from "./rollOutDecisions.ts";

export interface RollOutOptions {
  /**
   * Identifies this roll-out across retries and lost replies (the same service and images give
   * the same id): it is tagged on the revision, and an attempt whose RegisterTaskDefinition reply
   * was lost finds the revision by it instead of registering a duplicate.
   */
  readonly rolloutId: string;
  /**
   * The client RegisterTaskDefinition is sent with. RegisterTaskDefinition has no client token,
   * so the SDK's own retry of a lost reply would register a duplicate: give a client without
   * retries (`AwsClients.ecsSingleAttempt`); the roll-out retries itself, looking up first.
   */
  readonly registerWith?: ECSClient;
  /** Attempts at registering (each after a look-up). Default 4. */
  readonly registerAttempts?: number;
  /**
   * An earlier attempt of this roll-out may have registered the revision and died before updating
   * the service (its lease was taken over): look for it before registering.
   */
  readonly resumed?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The newest ACTIVE revision of `family` tagged with this roll-out, if an earlier attempt registered it. */
async function findRegistered(
  ecs: ECSClient,
  family: string,
  rolloutId: string,
): Promise<string | undefined> {
  let looked = 0;
  for await (const page of paginateListTaskDefinitions(
    { client: ecs, pageSize: 10 },
    { familyPrefix: family, sort: "DESC", status: "ACTIVE" },
  )) {
    for (const arn of page.taskDefinitionArns ?? []) {
      // familyPrefix matches `web-admin` for `web`: only the family itself counts.
      if (!isOfFamily(arn, family)) continue;
      const described = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }),
      );
      if (isTaggedWith(described.tags, rolloutId)) return arn;
      // A lost reply leaves the duplicate at the head of the family; older revisions are not ours.
      if (++looked >= 5) return undefined;
    }
  }
  return undefined;
}

/** Registers the roll-out's revision once, across lost replies and retries. */
async function registerOnce(ecs: ECSClient, action: RollOut, options: RollOutOptions): Promise<Deployed> {
  const family = action.register.family ?? "";
  const input = registerInput(action.register, options.rolloutId);
  const attempts = options.registerAttempts ?? 4;
  if (options.resumed) {
    const earlier = await findRegistered(ecs, family, options.rolloutId);
    if (earlier) return { taskDefinitionArn: earlier, reusedRevision: true };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const registered = await (options.registerWith ?? ecs).send(new RegisterTaskDefinitionCommand(input));
      const arn = registered.taskDefinition?.taskDefinitionArn;
      if (!arn) throw new Error("RegisterTaskDefinition returned no task definition ARN");
      return { taskDefinitionArn: arn };
    } catch (error) {
      if (isRequestError(error)) throw new RollOutError("register", error);
      // The request may have been applied with its reply lost: look before registering again.
      const found = await findRegistered(ecs, family, options.rolloutId).catch(() => undefined);
      if (found) return { taskDefinitionArn: found, reusedRevision: true };
      if (attempt >= attempts) throw new RollOutError("register", error);
      await sleep(Math.random() * registerBackoffCeilingMs(attempt));
    }
  }
}

async function readService(ecs: ECSClient, action: RollOut): Promise<Service | undefined> {
  const response = await ecs.send(
    new DescribeServicesCommand({
      cluster: action.service.clusterArn,
      services: [action.service.serviceArn],
    }),
  );
  return response.services?.[0];
}

/**
 * Registers the new revision and rolls it out with the circuit breaker and rollback on; safe to
 * retry, including after lost replies:
 * - the revision is registered once per roll-out (tagged with its id, looked up before any
 *   re-registration);
 * - when UpdateService fails, the service is read back: if it runs the new revision, the update
 *   did happen (its reply was lost) and the roll-out succeeded; otherwise the new revision is
 *   deregistered — only when no deployment of the service uses it — and the error says what the
 *   service runs now.
 * Used by the redeploy and the right-sizing flows.
 */
export async function rollOut(ecs: ECSClient, action: RollOut, options: RollOutOptions): Promise<Deployed> {
  const registered = await registerOnce(ecs, action, options);
  const { taskDefinitionArn } = registered;
  try {
    const updated = await ecs.send(new UpdateServiceCommand(updateServiceInput(action, taskDefinitionArn)));
    return deployedByUpdate(taskDefinitionArn, updated.service, registered.reusedRevision);
  } catch (error) {
    const service = await readService(ecs, action).catch(() => undefined);
    const after = afterFailedUpdate(taskDefinitionArn, service, registered.reusedRevision);
    if (after.kind === "deployed") return after.deployed;
    let deregistered: string | undefined;
    if (after.deregister) {
      await ecs
        .send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }))
        .then(() => {
          deregistered = taskDefinitionArn;
        })
        .catch(() => undefined);
    }
    throw new RollOutError("update", error, after.serviceRuns, deregistered);
  }
}
