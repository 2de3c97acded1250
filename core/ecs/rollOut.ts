import { createHash } from "node:crypto";
import {
  ClientException,
  type DeploymentConfiguration,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  InvalidParameterException,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { AutopilotError, describeError } from "../errors.ts";
import { REVISION_TAGS } from "../tags.ts";

export interface Deployed {
  readonly taskDefinitionArn: string;
  readonly deploymentId?: string;
  /** The update's reply was lost; reading the service back showed it runs the new revision. */
  readonly confirmedByReadBack?: boolean;
  /** A revision registered by an earlier attempt of the same roll-out was reused, not registered again. */
  readonly reusedRevision?: boolean;
}

/** What a rollout needs: the revision to register and the service to move onto it. */
export interface RollOut {
  readonly register: RegisterTaskDefinitionCommandInput;
  readonly service: { readonly clusterArn: string; readonly serviceArn: string };
  readonly deploymentConfiguration: DeploymentConfiguration;
}

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

/** A roll-out failed. Says what holds now: the revision the service runs, and what was cleaned up. */
export class RollOutError extends AutopilotError {
  override readonly name = "RollOutError";
  readonly code = "rollout-failed";
  constructor(
    readonly step: "register" | "update",
    cause: unknown,
    /** The revision the service runs after the failure (read back), when it could be read. */
    readonly serviceRuns?: string,
    /** The revision registered for this roll-out and deregistered again because nothing runs it. */
    readonly deregistered?: string,
  ) {
    super(
      `${step === "register" ? "RegisterTaskDefinition" : "UpdateService"} failed: ${describeError(cause)}${
        serviceRuns ? `; the service still runs ${serviceRuns.slice(serviceRuns.lastIndexOf("/") + 1)}` : ""
      }${deregistered ? `; ${deregistered.slice(deregistered.lastIndexOf("/") + 1)} was deregistered again` : ""}`,
      { cause },
    );
  }
}

/** A stable id of a roll-out: the service and what changes in it. */
export function rolloutIdOf(serviceArn: string, change: readonly string[]): string {
  return createHash("sha256")
    .update([serviceArn, ...[...change].sort()].join("\u0000"))
    .digest("hex")
    .slice(0, 32);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Errors that say the request itself is wrong: retrying or looking up cannot help. */
const isRequestError = (error: unknown) =>
  error instanceof ClientException || error instanceof InvalidParameterException;

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
      if (arn.slice(arn.lastIndexOf("/") + 1, arn.lastIndexOf(":")) !== family) continue;
      const described = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }),
      );
      if (described.tags?.some((t) => t.key === REVISION_TAGS.rollout && t.value === rolloutId)) return arn;
      // A lost reply leaves the duplicate at the head of the family; older revisions are not ours.
      if (++looked >= 5) return undefined;
    }
  }
  return undefined;
}

/** Registers the roll-out's revision once, across lost replies and retries. */
async function registerOnce(ecs: ECSClient, action: RollOut, options: RollOutOptions): Promise<Deployed> {
  const family = action.register.family ?? "";
  const tags = [
    ...(action.register.tags ?? []).filter((t) => t.key !== REVISION_TAGS.rollout),
    { key: REVISION_TAGS.rollout, value: options.rolloutId },
  ];
  const input = { ...action.register, tags };
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
      await sleep(Math.random() * Math.min(2_000, 100 * 2 ** attempt));
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
  const reused = registered.reusedRevision ? { reusedRevision: true } : {};
  try {
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: action.service.clusterArn,
        service: action.service.serviceArn,
        taskDefinition: taskDefinitionArn,
        deploymentConfiguration: action.deploymentConfiguration,
      }),
    );
    const primary = updated.service?.deployments?.find((d) => d.status === "PRIMARY");
    return { taskDefinitionArn, ...(primary?.id ? { deploymentId: primary.id } : {}), ...reused };
  } catch (error) {
    const service = await readService(ecs, action).catch(() => undefined);
    if (service?.taskDefinition === taskDefinitionArn) {
      const primary = service.deployments?.find((d) => d.taskDefinition === taskDefinitionArn);
      return {
        taskDefinitionArn,
        ...(primary?.id ? { deploymentId: primary.id } : {}),
        confirmedByReadBack: true,
        ...reused,
      };
    }
    // Never deregister a revision a deployment of the service uses (or one we could not check).
    const inUse = !service || (service.deployments ?? []).some((d) => d.taskDefinition === taskDefinitionArn);
    let deregistered: string | undefined;
    if (!inUse) {
      await ecs
        .send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }))
        .then(() => {
          deregistered = taskDefinitionArn;
        })
        .catch(() => undefined);
    }
    throw new RollOutError("update", error, service?.taskDefinition, deregistered);
  }
}
