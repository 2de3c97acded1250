import type { ContainerDefinition, Deployment } from "@aws-sdk/client-ecs";
import { type AutopilotConfig, matchesGlob } from "../config/index.ts";
import { serviceRef } from "../ecs/arns.ts";
import { isInRepository, parseImageReference, pinnedImage } from "../ecs/ImageReference.ts";
import { copyTaskDefinition, mergeTags } from "../ecs/TaskDefinitionCopy.ts";
import { own } from "../own.ts";
import { enforcementBlockers, undecidedLines } from "../policy/enforcementGate.ts";
import {
  DEFAULT_TAG,
  decideTag,
  lastVersionAfter,
  orderTags,
  parseTagPolicy,
  type TagPolicy,
  TagPolicyError,
} from "../tagPolicy/index.ts";
import {
  imageTagKey,
  lastVersionKey,
  REVISION_TAGS,
  SERVICE_TAGS,
  SOURCE_TIME_PREFIX,
  sourceTimeKey,
} from "../tags.ts";
import {
  formatPlatform,
  type ImageChecks,
  type ImageFacts,
  type RunningImageFacts,
  type TagFacts,
} from "./ImageFacts.ts";
import {
  type CheckProblem,
  platformProblem,
  requiredPlatform,
  signatureEvidence,
  signatureProblem,
  tagProblem,
} from "./imageChecks.ts";
import {
  behindText,
  type ContainerUpdate,
  type ImagePush,
  type RedeployAction,
  type RedeployPlan,
  type ServiceRef,
  type ServiceSnapshot,
  type SkipAction,
  type SkipCategory,
} from "./types.ts";

const REDEPLOY_TAG = SERVICE_TAGS.redeploy;
const CONTAINER_TAG = SERVICE_TAGS.container;
const SIGNATURE_TAG = SERVICE_TAGS.requireSignature;

interface ResolvedPolicy {
  readonly policy: TagPolicy;
  readonly source: string;
  readonly container?: string;
  /** Deploy only images a signature artifact refers to. */
  readonly requireSignature: boolean;
}

type PolicyResolution = ResolvedPolicy | { readonly skip: SkipCategory; readonly reason: string };

/** Tag wins over config; the first config rule whose globs match cluster, service and repository applies. */
function resolvePolicy(
  ref: ServiceRef,
  tags: Readonly<Record<string, string>>,
  push: ImagePush,
  config: AutopilotConfig,
): PolicyResolution {
  const allowPrerelease = config.redeploy.allowPrerelease;
  const tagged = tags[REDEPLOY_TAG];
  const container = tags[CONTAINER_TAG];
  const signatureTag = tags[SIGNATURE_TAG];
  if (signatureTag !== undefined && signatureTag !== "true" && signatureTag !== "false")
    return {
      skip: "policy-invalid",
      reason: `tag ${SIGNATURE_TAG}=${signatureTag}: use true or false`,
    };
  const signatureFromTag = signatureTag === undefined ? undefined : signatureTag === "true";
  if (tagged !== undefined) {
    try {
      const policy = parseTagPolicy(tagged, { allowPrerelease, from: "tag" });
      if (policy.kind === "off") return { skip: "policy-off", reason: `${REDEPLOY_TAG}=off` };
      return {
        policy,
        source: `tag ${REDEPLOY_TAG}=${tagged}`,
        ...(container ? { container } : {}),
        requireSignature: signatureFromTag ?? config.redeploy.requireSignature,
      };
    } catch (error) {
      if (error instanceof TagPolicyError)
        return { skip: "policy-invalid", reason: `tag ${REDEPLOY_TAG}: ${error.message}` };
      throw error;
    }
  }
  const index = config.redeploy.rules.findIndex(
    (rule) =>
      matchesGlob(ref.clusterName, rule.cluster) &&
      matchesGlob(ref.serviceName, rule.service) &&
      matchesGlob(push.repository, rule.repository),
  );
  const rule = config.redeploy.rules[index];
  if (!rule) return { skip: "not-tracked", reason: `no ${REDEPLOY_TAG} tag and no config rule matches` };
  try {
    const policy = parseTagPolicy(rule.policy, {
      allowPrerelease: rule.allowPrerelease ?? allowPrerelease,
      from: "config",
    });
    if (policy.kind === "off")
      return { skip: "policy-off", reason: `config rule #${index + 1} sets policy off` };
    const chosen = container ?? rule.container;
    return {
      policy,
      source: `config rule #${index + 1} (${rule.policy})`,
      ...(chosen ? { container: chosen } : {}),
      requireSignature: signatureFromTag ?? rule.requireSignature ?? config.redeploy.requireSignature,
    };
  } catch (error) {
    if (error instanceof TagPolicyError)
      return { skip: "policy-invalid", reason: `config rule #${index + 1}: ${error.message}` };
    throw error;
  }
}

/**
 * A deployment still rolling out, or more than one deployment (an old one draining). Deployments
 * ECS has reported finished (`finished`) do not count, whatever DescribeServices says: events are
 * authoritative for what they name, and DescribeServices can lag behind them.
 */
function deploymentInProgress(
  deployments: readonly Deployment[] | undefined,
  finished: ReadonlySet<string>,
): Deployment | undefined {
  const list = (deployments ?? []).filter((d) => !d.id || !finished.has(d.id));
  const rolling = list.find((d) => d.rolloutState === "IN_PROGRESS");
  if (rolling) return rolling;
  return list.length > 1 ? (list.find((d) => d.status === "PRIMARY") ?? list[0]) : undefined;
}

/**
 * A deployment ECS reported FAILED that DescribeServices still shows as the service's own (PRIMARY,
 * on the service's task definition), on a service that rolls a failed deployment back — its circuit
 * breaker's rollback, or its CloudWatch alarms' (DeploymentAlarms: "Amazon ECS sets the service
 * deployment to failed", and with `rollback` rolls the service back to its last completed
 * deployment): ECS is rolling the service back, which DescribeServices does not show yet (it lags
 * behind the event, which is authoritative for what it names). The service's task definition is
 * then the one that failed, not the one the service returns to: a push is not copied onto it.
 */
export function rollbackNotShown(
  service: ServiceSnapshot["service"],
  failed: ReadonlySet<string>,
): Deployment | undefined {
  const configuration = service.deploymentConfiguration;
  const rollsBack =
    configuration?.deploymentCircuitBreaker?.rollback === true ||
    (configuration?.alarms?.enable === true && configuration.alarms.rollback === true);
  if (!rollsBack) return undefined;
  return (service.deployments ?? []).find(
    (d) =>
      d.id !== undefined &&
      failed.has(d.id) &&
      d.status === "PRIMARY" &&
      d.taskDefinition !== undefined &&
      d.taskDefinition === service.taskDefinition,
  );
}

/**
 * Whether `candidate` should replace `queued` as the push waiting for a service: the newer by
 * the tag policy's order (a push never replaces a newer version), and between tags the policy
 * cannot order or ranks the same (the same tag pushed again, `main` and `develop` under `any`,
 * `1.5` and `1.5.0`), the later push; between pushes of the same time, the higher event id, so
 * that both delivery orders keep the same one. The order is asked, not the policy's decision:
 * `any` accepts `main` over `develop` whichever came first, which would let a push delivered
 * late replace a newer one. Between two digests of the same tag pushed in the same second
 * (EventBridge times are whole seconds), ECR's answer breaks the tie: the one the tag names now
 * (`tagNow`, read for the candidate) is the newer; the event id only when ECR names neither.
 *
 * @example
 * newerThanQueued({ ...push, tag: "1.5.1" }, { ...push, tag: "1.5.0" }, parseTagPolicy("minor")); // true
 */
export function newerThanQueued(
  candidate: ImagePush,
  queued: ImagePush,
  policy: TagPolicy,
  tagNow?: TagFacts,
): boolean {
  if (candidate.tag !== undefined && queued.tag !== undefined && candidate.tag !== queued.tag) {
    const order = orderTags(policy, queued.tag, candidate.tag);
    if (order !== undefined && order !== 0) return order < 0;
  }
  const byTime = (candidate.time ?? "").localeCompare(queued.time ?? "");
  if (byTime !== 0) return byTime > 0;
  if (
    candidate.tag !== undefined &&
    queued.tag === candidate.tag &&
    queued.digest !== candidate.digest &&
    tagNow?.tag === candidate.tag
  ) {
    if (tagNow.digest === candidate.digest) return true;
    if (tagNow.digest === queued.digest) return false;
  }
  return candidate.eventId > queued.eventId;
}

export interface PlanOptions {
  /** Deployments ECS reported COMPLETED or FAILED (the event that released a queued push). */
  readonly finishedDeployments?: ReadonlySet<string>;
  /** Those of them ECS reported FAILED (see {@link rollbackNotShown}). */
  readonly failedDeployments?: ReadonlySet<string>;
  /**
   * What `loadImageFacts` read of the pushed image for {@link imageChecksFor}. Without it no
   * service deploys or queues (one the policy accepts is skipped as `platform-unknown`: nothing
   * goes out unchecked).
   */
  readonly image?: ImageFacts;
}

function skip(service: ServiceRef, category: SkipCategory, reason: string): SkipAction {
  return { kind: "skip", service, category, reason };
}

/**
 * The tag a container runs: its image's, or for an image pinned by digest the one recorded on the
 * revision; an image with neither tag nor digest is `latest`, as Docker and ECS resolve it.
 */
function runningTag(
  definition: ContainerDefinition,
  revisionTags: Readonly<Record<string, string>>,
): string | undefined {
  const reference = parseImageReference(definition.image ?? "");
  if (!reference) return undefined;
  return (
    reference.tag ??
    (reference.digest !== undefined ? revisionTags[imageTagKey(definition.name ?? "")] : DEFAULT_TAG)
  );
}

/**
 * The tag a pinned container runs, given the tag and push time its revision records and what ECR
 * says of its digest now: the recorded tag, unless it was copied onto this revision with our tags
 * from an earlier one (ecspresso, `describe-task-definition --include TAGS |
 * register-task-definition`) and names another build. That is so when ECR lists other tags on the
 * digest and not the recorded one, and the digest was pushed after the recorded push (a record
 * made for this image is not older than it; a mutable tag that moved on since is not a copy). Then
 * of ECR's tags the one the policy ranks highest stands (the least an update has to beat), else the
 * first by name; so too where no tag is recorded (another tool pinned it): the tags ECR lists put it
 * in a family, and they say which version it runs (a lower one pushed later is no update). An
 * untagged digest, or one ECR no longer has, says nothing against the record.
 */
function checkedTag(
  recorded: string | undefined,
  recordedAt: string | undefined,
  ecr: RunningImageFacts | undefined,
  policy: TagPolicy,
): string | undefined {
  const listed = ecr?.tags ?? [];
  if (ecr === undefined || listed.length === 0) return recorded;
  if (recorded !== undefined) {
    if (listed.includes(recorded)) return recorded;
    if (recordedAt !== undefined && !(Date.parse(recordedAt) < Date.parse(ecr.pushedAt))) return recorded;
  }
  const byName = [...listed].sort();
  const ordered = byName.filter((tag) => orderTags(policy, tag, tag) === 0);
  return (
    ordered.reduce<string | undefined>(
      (best, tag) => (best === undefined || (orderTags(policy, best, tag) ?? 0) < 0 ? tag : best),
      undefined,
    ) ?? byName[0]
  );
}

/** The containers of the service's revision whose image is in the pushed repository (the one the policy names, if it does). */
function pushedContainers(
  snapshot: ServiceSnapshot,
  push: ImagePush,
  resolved: ResolvedPolicy,
): ContainerDefinition[] {
  const repository = { account: push.account, region: push.region, name: push.repository };
  return (snapshot.taskDefinition.containerDefinitions ?? []).filter((definition) => {
    const reference = definition.image ? parseImageReference(definition.image) : undefined;
    if (!reference || !isInRepository(reference, repository)) return false;
    return resolved.container === undefined || definition.name === resolved.container;
  });
}

/**
 * Why a deployment ECS rolled back on the service since the push may have been of the pushed image
 * though ECS does not say which image it deployed, or undefined when none may: one that names no
 * target revision, or whose target names no digest for a container of the pushed repository (by
 * the image the revision names; a container it names no image for, by this revision's containers).
 * Such a rollback is not read as "not rolled back" (the failed build rolled out again): the push is
 * skipped, saying why. A sidecar of another repository without a digest says nothing of the push.
 */
function unresolvedRollback(
  snapshot: ServiceSnapshot,
  push: ImagePush,
  resolved: ResolvedPolicy,
): string | undefined {
  const repository = { account: push.account, region: push.region, name: push.repository };
  const ours = new Set(pushedContainers(snapshot, push, resolved).map((d) => d.name ?? ""));
  const fix =
    "the pushed image may be the one that failed, so it is not rolled out (push a fix, or deploy it by hand)";
  for (const rollback of snapshot.rolledBackUnresolved ?? []) {
    if (rollback.container === undefined)
      return `ECS rolled back ${rollback.deployment} on this service after ${push.digest} was pushed and names no target revision for it: ${fix}`;
    const reference = rollback.image === undefined ? undefined : parseImageReference(rollback.image);
    const mayBePushed = reference ? isInRepository(reference, repository) : ours.has(rollback.container);
    if (mayBePushed)
      return `ECS rolled back ${rollback.deployment} on this service after ${push.digest} was pushed, and its target revision names no digest for container '${rollback.container}' (${rollback.image ?? "no image"}: version consistency off): ${fix}`;
  }
  return undefined;
}

/**
 * Whether the plan needs ECS to say which digest runs on this service (its `runningDigests`): a
 * service some policy tracks for the push, with a container of the pushed repository on an image
 * tag. Pinned containers say it themselves; sidecars of other repositories and untracked services
 * decide nothing with it.
 *
 * @example
 * const snapshots = await withRunningDigests(ecs, loaded, (s) => asksWhatRuns(push, s, config));
 */
export function asksWhatRuns(push: ImagePush, snapshot: ServiceSnapshot, config: AutopilotConfig): boolean {
  const resolved = resolvePolicy(serviceRef(snapshot.service), snapshot.tags, push, config);
  if ("skip" in resolved) return false;
  return pushedContainers(snapshot, push, resolved).some(
    (definition) => parseImageReference(definition.image ?? "")?.digest === undefined,
  );
}

/**
 * Whether a policy tracks the push on this service and some container runs its repository: the
 * services whose deployments since the push ECS is asked about (a rollback of the pushed digest).
 */
export function tracksPush(push: ImagePush, snapshot: ServiceSnapshot, config: AutopilotConfig): boolean {
  const resolved = resolvePolicy(serviceRef(snapshot.service), snapshot.tags, push, config);
  return !("skip" in resolved) && pushedContainers(snapshot, push, resolved).length > 0;
}

/** A service the tag policy would update; the image checks and the roll-out state decide the rest. */
interface Candidate {
  readonly kind: "candidate";
  readonly ref: ServiceRef;
  readonly resolved: ResolvedPolicy;
  readonly snapshot: ServiceSnapshot;
  readonly updates: readonly ContainerUpdate[];
  readonly acceptances: readonly string[];
  /** Running images (tag or digest) whose push time the revision does not record: ECR is asked. */
  readonly unrecorded: readonly string[];
  /** Pinned running digests whose tag or push time the revision records: ECR is asked too (they may be copied). */
  readonly recordedPins: readonly string[];
  /**
   * Whether every updated container's running image is known and dated: its digest (pinned, or ECS
   * said) and when it was pushed (recorded, or ECR's). Otherwise a container on a tag may run the
   * image the tag names now, or one pushed after this push (an expired image cannot be compared).
   */
  readonly runsKnown: boolean;
  /** The last version each container ran, where its revision's record is its own (see `ownLastVersion`). */
  readonly lastVersions: Readonly<Record<string, string>>;
}

/** The tag-policy part of the plan: skip, or a candidate whose containers the policy would update. */
function decideService(
  snapshot: ServiceSnapshot,
  push: ImagePush,
  config: AutopilotConfig,
  /** What ECR said of running images whose push time no revision records ({@link ImageFacts.running}). */
  running?: ImageFacts["running"],
): SkipAction | Candidate {
  const ref = serviceRef(snapshot.service);
  const resolved = resolvePolicy(ref, snapshot.tags, push, config);
  if ("skip" in resolved) return skip(ref, resolved.skip, resolved.reason);
  // The push's own image failed here already (a pipeline deployed it on its tag, the circuit
  // breaker rolled it back): rolling it out again pinned would fail the same way.
  if (snapshot.rolledBack?.has(push.digest))
    return skip(
      ref,
      "rolled-back",
      `ECS rolled back a deployment of ${push.digest} on this service after it was pushed: not rolled out again (push a fix, or deploy it by hand)`,
    );
  const unresolved = unresolvedRollback(snapshot, push, resolved);
  if (unresolved) return skip(ref, "rolled-back", unresolved);
  if (snapshot.service.status !== "ACTIVE")
    return skip(ref, "inactive", `service is ${snapshot.service.status ?? "unknown"}`);

  const controller = snapshot.service.deploymentController?.type ?? "ECS";
  if (controller !== "ECS")
    return skip(
      ref,
      "unsupported-controller",
      `deployment controller ${controller}: rolling updates need the ECS controller`,
    );

  const inRepository = pushedContainers(snapshot, push, resolved);
  // One repository can hold several images told apart by a tag pattern (a monorepo's `api-1.3` and
  // `worker-1.2`, an app and its nginx). Where some of the task's containers run a tag the policy's
  // pattern matches, the push is for those only; "the first match" is for a container none runs.
  // A container another tool pinned by digest, with no tag recorded, is in the family ECR's tags
  // of that digest say (read with the running images' push times).
  const policy = resolved.policy;
  // When the container's running image was pushed: its own tag. A revision registered before those
  // were kept per container has only the revision's, which is then used for every container.
  const perContainer = Object.keys(snapshot.taskDefinitionTags).some((key) =>
    key.startsWith(SOURCE_TIME_PREFIX),
  );
  const pushedAt = (container: string): string | undefined =>
    perContainer
      ? snapshot.taskDefinitionTags[sourceTimeKey(container)]
      : snapshot.taskDefinitionTags[REVISION_TAGS.sourceTime];
  // What ECR said of a pinned digest, where it was asked (`unrecorded`, `recordedPins`).
  const pinnedFacts = (definition: ContainerDefinition): RunningImageFacts | undefined => {
    const digest = parseImageReference(definition.image ?? "")?.digest;
    return digest !== undefined ? running?.[digest] : undefined;
  };
  const listedTags = (definition: ContainerDefinition): readonly string[] | undefined =>
    pinnedFacts(definition)?.tags;
  // The tag a container runs: its image's; for one pinned by digest, the recorded one unless ECR
  // shows it was copied from a revision of another build, and ECR's where none is recorded
  // ({@link checkedTag}).
  const tagOf = (definition: ContainerDefinition): string | undefined =>
    parseImageReference(definition.image ?? "")?.digest === undefined
      ? runningTag(definition, snapshot.taskDefinitionTags)
      : checkedTag(
          runningTag(definition, snapshot.taskDefinitionTags),
          pushedAt(definition.name ?? ""),
          pinnedFacts(definition),
          policy,
        );
  const tagsOf = (definition: ContainerDefinition): readonly string[] => {
    const recorded = runningTag(definition, snapshot.taskDefinitionTags);
    const tag = tagOf(definition);
    // A recorded tag ECR does not list: the family is the one ECR's tags say.
    if (tag !== undefined && tag === recorded) return [tag];
    return listedTags(definition) ?? [];
  };
  const inFamily = (definition: ContainerDefinition) =>
    policy.kind === "match" && tagsOf(definition).some((tag) => policy.extract(tag) !== undefined);
  const family = inRepository.filter(inFamily);
  // No container in the family: "the first match" goes to the one container whose tag is not known
  // (a re-push moved the tag off the digest it runs), never to one known to run another family; or,
  // when every tag is known and none matches, to the task's only container of the repository (a
  // service moving onto a pattern). Several such containers are never all handed the push: which
  // one it is for cannot be told (`autopilot:container` names it).
  const unknownTag = inRepository.filter((definition) => tagsOf(definition).length === 0);
  const firstMatch = unknownTag.length > 0 ? unknownTag : inRepository;
  const ambiguous =
    policy.kind === "match" &&
    family.length === 0 &&
    firstMatch.length > 1 &&
    push.tag !== undefined &&
    policy.extract(push.tag) !== undefined;
  const containers = policy.kind !== "match" ? inRepository : family.length > 0 ? family : firstMatch;
  // ECR is asked for the tags and push time of every digest ecs-autopilot's tags are recorded for: a
  // tool that copied them onto its own revision of another build makes them wrong (checkedTag; the
  // later of the two times dates the image).
  const recordedPins: string[] = inRepository.flatMap((definition) => {
    const digest = parseImageReference(definition.image ?? "")?.digest;
    const name = definition.name ?? "";
    return digest !== undefined &&
      digest !== push.digest &&
      (snapshot.taskDefinitionTags[imageTagKey(name)] !== undefined || pushedAt(name) !== undefined)
      ? [digest]
      : [];
  });
  // Under a pattern, ECR is asked for the tags of every digest another tool pinned (no tag recorded),
  // so that one left out above joins its family when the plan is made with ECR's answer.
  const unrecorded: string[] =
    policy.kind === "match"
      ? inRepository.flatMap((definition) => {
          const digest = parseImageReference(definition.image ?? "")?.digest;
          return digest !== undefined &&
            digest !== push.digest &&
            runningTag(definition, snapshot.taskDefinitionTags) === undefined
            ? [digest]
            : [];
        })
      : [];
  // Without ECR's tags (the pass that learns what to ask of ECR, `unrecorded` and `recordedPins`), a
  // pinned container may still join the family once they are read (one another tool pinned, or whose
  // recorded tag was copied): the plan made with them decides.
  if (ambiguous && (running !== undefined || unrecorded.length + recordedPins.length === 0)) {
    const names = firstMatch.map((definition) => `'${definition.name ?? ""}'`).join(", ");
    return skip(
      ref,
      "container-ambiguous",
      `${resolved.source}: no container of ${snapshot.taskDefinition.family}:${snapshot.taskDefinition.revision} runs a tag it matches, and ${names} all could take '${push.tag}': name the one it is for with the ${CONTAINER_TAG} tag on the service`,
    );
  }
  if (containers.length === 0) {
    const which = resolved.container ? `container '${resolved.container}'` : "no container";
    return skip(
      ref,
      "no-matching-container",
      `${which} of ${snapshot.taskDefinition.family}:${snapshot.taskDefinition.revision} uses ${push.repository}`,
    );
  }

  // The last version a container ran (`any`'s floor over a non-version tag) is this service's
  // history only where its revision's record is about the image it runs: pinned by digest, as
  // ecs-autopilot deploys, and its recorded tag standing (checkedTag). A revision another tool
  // registered with our tags copied from another service's or another build's (ecspresso,
  // Terraform) carries that one's history: a floor this service never had.
  // Keyed by container name (`__proto__`, `constructor` are legal ones): no prototype to collide with.
  const lastVersions: Record<string, string> = Object.create(null);
  const ownLastVersion = (definition: ContainerDefinition, currentTag: string | undefined) => {
    const recorded = runningTag(definition, snapshot.taskDefinitionTags);
    const own =
      parseImageReference(definition.image ?? "")?.digest !== undefined &&
      recorded !== undefined &&
      currentTag === recorded;
    return own ? snapshot.taskDefinitionTags[lastVersionKey(definition.name ?? "")] : undefined;
  };
  const updates: ContainerUpdate[] = [];
  const rejections: string[] = [];
  const acceptances: string[] = [];
  let alreadyRunning = 0;
  let runsKnown = true;
  // Events can arrive out of order: a push that happened before the push that made the running
  // revision is older content, never deployed — unless the policy's order says its tag is the
  // newer one (the same rule as between queued pushes, newerThanQueued): the same tag again, or a
  // tag the policy cannot order against the running one (`main` after `develop` under `any`).
  let runningSince: string | undefined;
  let pushedEarlier = 0;
  let earlierThan: string | undefined;
  // When the deployment running now was created: ECS resolved its image tags then.
  const primary = snapshot.service.deployments?.find((d) => d.status === "PRIMARY");
  const deployedAt = primary?.createdAt === undefined ? undefined : new Date(primary.createdAt).getTime();
  for (const definition of containers) {
    const name = definition.name ?? "";
    const image = definition.image ?? "";
    const reference = parseImageReference(image);
    if (!reference) continue;
    // ecs-autopilot pins every image it deploys by digest. A container on a tag runs an image some
    // other tool chose, on a revision that may carry our tags copied from an earlier one (ecspresso
    // and `describe-task-definition --include TAGS | register-task-definition` copy them): its
    // recorded push time is not about this image.
    const recorded = reference.digest !== undefined ? pushedAt(name) : undefined;
    // A container on a tag runs the digest ECS resolved the tag to when it created the running
    // service revision (a circuit-breaker rollback included), where ECS says so.
    const runningDigest = reference.digest ?? (snapshot.runningDigests && own(snapshot.runningDigests, name));
    if (runningDigest === push.digest) {
      alreadyRunning++;
      continue;
    }
    const currentTag = tagOf(definition);
    // A revision deployed outside ecs-autopilot (a pipeline's own `:main`) records no push time:
    // ECR's for the image it refers to stands in (not for the pushed tag itself, which the tag
    // check compares, nor when that image is the pushed one).
    const key = runningDigest ?? currentTag;
    const askEcr = recorded === undefined && key !== undefined && key !== push.tag;
    if (askEcr) unrecorded.push(key);
    const fromEcr = askEcr ? running?.[key] : undefined;
    // A digest is what runs. Without ECS's answer, a tag may have moved since the deployment
    // resolved it: what it names now is what runs only if that image was pushed before the running
    // deployment was created.
    const runs =
      fromEcr !== undefined &&
      fromEcr.digest !== push.digest &&
      (runningDigest !== undefined ||
        (deployedAt !== undefined && Date.parse(fromEcr.pushedAt) <= deployedAt));
    // A recorded time may have been copied onto another tool's revision with our tags (ecspresso):
    // the later of it and ECR's push time dates the pinned image.
    const pinnedAt =
      recorded !== undefined && reference.digest !== undefined ? running?.[reference.digest] : undefined;
    const since =
      recorded !== undefined
        ? pinnedAt !== undefined && Date.parse(pinnedAt.pushedAt) > Date.parse(recorded)
          ? pinnedAt.pushedAt
          : recorded
        : runs
          ? fromEcr.pushedAt
          : undefined;
    const earlier = push.tag !== undefined && Date.parse(push.time ?? "") < Date.parse(since ?? "");
    if (earlier && push.tag === currentTag) {
      pushedEarlier++;
      runningSince ??= since;
      continue;
    }
    const lastVersion = ownLastVersion(definition, currentTag);
    if (lastVersion !== undefined) lastVersions[name] = lastVersion;
    const decision = decideTag(resolved.policy, { current: currentTag, pushed: push.tag, lastVersion });
    if (!decision.accept) {
      rejections.push(containers.length > 1 ? `${name}: ${decision.reason}` : decision.reason);
      continue;
    }
    // Accepted, but pushed before the running image's push, and the policy does not rank it above
    // the running tag (it accepted it without an order, as `any` takes `main` over `develop`).
    if (earlier && push.tag !== undefined) {
      const order = currentTag === undefined ? undefined : orderTags(resolved.policy, currentTag, push.tag);
      if (order === undefined || order === 0) {
        pushedEarlier++;
        runningSince ??= since;
        earlierThan ??= currentTag === undefined ? "an untagged image" : `'${currentTag}'`;
        continue;
      }
    }
    acceptances.push(containers.length > 1 ? `${name}: ${decision.reason}` : decision.reason);
    if (runningDigest === undefined || since === undefined) runsKnown = false;
    updates.push({
      container: name,
      fromImage: image,
      toImage: pinnedImage(reference, push.digest),
      ...(currentTag !== undefined ? { fromTag: currentTag } : {}),
      ...(reference.digest !== undefined ? { fromDigest: reference.digest } : {}),
      ...(push.tag !== undefined ? { toTag: push.tag } : {}),
      toDigest: push.digest,
    });
  }
  if (updates.length === 0) {
    if (alreadyRunning > 0 && rejections.length === 0) {
      const running = `${snapshot.taskDefinition.family}:${snapshot.taskDefinition.revision}`;
      // An earlier attempt of this very event deployed it and then failed (e.g. its Slack message
      // could not be queued): the retry must still tell it, or the deploy is never reported.
      if (snapshot.taskDefinitionTags[REVISION_TAGS.sourceEvent] === push.eventId.slice(0, 256)) {
        const rolloutId = snapshot.taskDefinitionTags[REVISION_TAGS.rollout];
        return {
          ...skip(
            ref,
            "deployed-earlier",
            `${push.digest} was already deployed here by this event as ${running} (an earlier attempt, whose outcome was not reported)`,
          ),
          ...(rolloutId ? { rolloutId } : {}),
        };
      }
      return skip(ref, "already-running", `${push.digest} already runs (${running})`);
    }
    if (pushedEarlier > 0 && rejections.length === 0)
      return skip(
        ref,
        "superseded",
        earlierThan === undefined
          ? `'${push.tag}' was pushed at ${push.time}, before the push of it that ${snapshot.taskDefinition.family}:${snapshot.taskDefinition.revision} runs (${runningSince}): delivered out of order`
          : `'${push.tag}' was pushed at ${push.time}, before the push of ${earlierThan} that ${snapshot.taskDefinition.family}:${snapshot.taskDefinition.revision} runs (${runningSince}), and ${resolved.source} does not rank '${push.tag}' above it: delivered out of order`,
      );
    return skip(ref, "policy-rejected", `${resolved.source}: ${rejections.join("; ")}`);
  }
  return {
    kind: "candidate",
    ref,
    resolved,
    snapshot,
    updates,
    acceptances,
    unrecorded,
    recordedPins,
    runsKnown,
    lastVersions,
  };
}

/** The rest of the plan for a candidate: image checks, one deployment at a time, the new revision. */
function finishService(
  candidate: Candidate,
  push: ImagePush,
  config: AutopilotConfig,
  options: PlanOptions,
): RedeployAction {
  const { ref, resolved, snapshot, updates, lastVersions } = candidate;
  const { image } = options;
  // An older push of the tag than the one ECR names now (delivered late, retried, redriven) is stale
  // — unless this service cannot take the image the tag names now, and is known not to run it (a
  // pipeline may have deployed it on the tag itself): nothing replaces this push here.
  const stale = tagProblem(push, image);
  const laterRefused =
    stale?.category === "superseded" && candidate.runsKnown
      ? refusedHere(image?.tagNowImage, snapshot, resolved)
      : undefined;
  if (stale && !laterRefused) return skip(ref, stale.category, stale.reason);
  // A Graviton service is never handed an amd64-only image (nor the reverse): ECS would accept the
  // revision and the tasks would fail with "exec format error".
  const platform = platformProblem(image, snapshot.taskDefinition);
  if (platform) return skip(ref, platform.category, platform.reason);
  if (resolved.requireSignature) {
    const signature = signatureProblem(image);
    if (signature) return skip(ref, signature.category, signature.reason);
  }

  const fromTaskDefinitionArn = snapshot.taskDefinition.taskDefinitionArn ?? "";
  const ourTags: Record<string, string> = {
    [REVISION_TAGS.sourceEvent]: push.eventId.slice(0, 256),
    [REVISION_TAGS.previousRevision]: fromTaskDefinitionArn.slice(0, 256),
  };
  if (push.time !== undefined) ourTags[REVISION_TAGS.sourceTime] = push.time;
  // A last version copied from another service's revision is not carried onto this one's.
  const carried = { ...snapshot.taskDefinitionTags };
  for (const update of updates) {
    delete carried[lastVersionKey(update.container)];
    if (update.toTag !== undefined) ourTags[imageTagKey(update.container)] = update.toTag;
    if (push.time !== undefined) ourTags[sourceTimeKey(update.container)] = push.time;
    // The last version the container ran, carried over non-version tags: what keeps `any` from
    // walking a service down through one (`1.2.3 → main → 1.0.0`).
    const lastVersion = lastVersionAfter({
      current: update.fromTag,
      pushed: update.toTag,
      lastVersion: lastVersions[update.container],
    });
    if (lastVersion !== undefined) ourTags[lastVersionKey(update.container)] = lastVersion;
  }
  const images = new Map(updates.map((u) => [u.container, u.toImage]));
  const register = copyTaskDefinition(snapshot.taskDefinition, images, mergeTags(carried, ourTags));
  if (config.policy.mode === "enforce") {
    // The policy's enforce mode would deregister this revision: do not deploy it in the first place.
    // Nor one it could not check: a rule at or above enforceAt that could not decide blocks too.
    const blocking = enforcementBlockers(register, register.tags ?? [], snapshot.service, config.policy);
    const violated = [...new Set(blocking.flatMap((b) => (b.kind === "violation" ? [b.ruleId] : [])))];
    const undecided = blocking.flatMap((b) => (b.kind === "undecided" ? undecidedLines([b]) : []));
    const blockedBy = [
      ...(violated.length > 0 ? [`the new revision violates ${violated.join(", ")}`] : []),
      ...(undecided.length > 0 ? [`the new revision could not be checked: ${undecided.join("; ")}`] : []),
    ];
    if (blocking.length > 0)
      return skip(ref, "policy-violation", `${blockedBy.join("; ")} (policy enforce mode)`);
  }
  const acceptances =
    laterRefused && image?.tagNowImage
      ? [
          ...candidate.acceptances,
          `'${push.tag}' now names ${image.tagNowImage.digest.slice(0, 19)}…, which this service cannot take (${laterRefused.category}: ${laterRefused.reason})`,
        ]
      : candidate.acceptances;
  const inProgress = deploymentInProgress(
    snapshot.service.deployments,
    options.finishedDeployments ?? new Set(),
  );
  // A push queued for this service that is not older than this one wins, whether the service is
  // rolling out or idle (the end of its deployment not handled yet, or the change it waited for
  // given up): an older push delivered late never deploys over a newer one waiting its turn.
  const queued = snapshot.pending;
  const ownQueued = queued?.push.eventId === push.eventId;
  const otherQueued = queued && !ownQueued ? queued : undefined;
  if (otherQueued && !newerThanQueued(push, otherQueued.push, resolved.policy, image?.tagNow))
    return skip(
      ref,
      "superseded",
      `${otherQueued.push.tag ?? otherQueued.push.digest} is already queued behind ${behindText(otherQueued.behind)} and is not older`,
    );
  if (inProgress) {
    return {
      kind: "queue",
      service: ref,
      reason: `${acceptances.join("; ")}; queued behind deployment ${inProgress.id ?? "?"} (${inProgress.rolloutState ?? "in progress"}), one deployment at a time`,
      policySource: resolved.source,
      updates,
      behind: inProgress.id ?? "?",
      ...(otherQueued ? { supersedes: otherQueued } : {}),
    };
  }
  const rollingBack = rollbackNotShown(snapshot.service, options.failedDeployments ?? new Set());
  if (rollingBack) {
    const failed = `${snapshot.taskDefinition.family}:${snapshot.taskDefinition.revision}`;
    return {
      kind: "queue",
      service: ref,
      reason: `${acceptances.join("; ")}; ECS reported deployment ${rollingBack.id} FAILED and rolls the service back, which DescribeServices does not show yet (it still names ${failed}, the revision that failed): queued behind the rollback, to go onto the revision the service returns to`,
      policySource: resolved.source,
      updates,
      behind: `the rollback of deployment ${rollingBack.id}`,
      ...(otherQueued ? { supersedes: otherQueued } : {}),
    };
  }
  return {
    kind: "deploy",
    service: ref,
    reason: acceptances.join("; "),
    policySource: resolved.source,
    updates,
    fromTaskDefinitionArn,
    deploymentConfiguration: {
      ...snapshot.service.deploymentConfiguration,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    },
    register,
    image: imageSummary(image, snapshot, resolved.requireSignature),
    ...(otherQueued ? { supersedes: otherQueued } : {}),
  };
}

/**
 * Why this service refuses `image`, as ECR stated it: built for another platform, or unsigned where
 * a signature is required. Undefined when it can take it — and when nothing, or too little, was
 * read to say (`platform-unknown`, `signature-unknown`): only a stated refusal lets an older push
 * through.
 */
function refusedHere(
  image: ImageFacts["tagNowImage"],
  snapshot: ServiceSnapshot,
  resolved: ResolvedPolicy,
): CheckProblem | undefined {
  if (!image) return undefined;
  const problem =
    platformProblem(image, snapshot.taskDefinition) ??
    (resolved.requireSignature ? signatureProblem(image) : undefined);
  return problem?.category === "platform-mismatch" || problem?.category === "unsigned" ? problem : undefined;
}

function imageSummary(
  image: ImageFacts | undefined,
  snapshot: ServiceSnapshot,
  requireSignature: boolean,
): { platform: string; signature?: string } {
  const required = requiredPlatform(snapshot.taskDefinition);
  const evidence = requireSignature ? signatureEvidence(image) : undefined;
  return {
    platform: `${formatPlatform(required)} (${image?.platform?.known ? image.platform.from : "?"})`,
    ...(evidence ? { signature: evidence } : {}),
  };
}

/**
 * What the image checks of a plan need read from ECR: the platforms when any service would deploy,
 * the signatures when one of those requires a signature, where the pushed tag points now when the
 * push has one, and when the running images were pushed where their revisions do not say. Nothing
 * when no service would deploy.
 *
 * @example
 * const image = await loadImageFacts(ecr, push, imageChecksFor(push, snapshots, config));
 */
export function imageChecksFor(
  push: ImagePush,
  snapshots: readonly ServiceSnapshot[],
  config: AutopilotConfig,
): ImageChecks {
  const candidates = snapshots
    .map((snapshot) => decideService(snapshot, push, config))
    .filter((d): d is Candidate => d.kind === "candidate");
  const running = [...new Set(candidates.flatMap((c) => c.unrecorded))].sort();
  const pinned = [...new Set(candidates.flatMap((c) => c.recordedPins))]
    .filter((d) => !running.includes(d))
    .sort();
  return {
    platform: candidates.length > 0,
    signature: candidates.some((c) => c.resolved.requireSignature),
    tag: candidates.length > 0 && push.tag !== undefined,
    ...(running.length > 0 ? { running } : {}),
    ...(pinned.length > 0 ? { pinned } : {}),
  };
}

/**
 * Plans a push: for every candidate service, deploy (with the complete new task-definition
 * revision), queue behind a running deployment, or skip with a stated reason. Pure: no AWS calls,
 * same input → same plan. The image checks use `options.image` (see {@link PlanOptions}).
 *
 * @example
 * const plan = planRedeploy(push, snapshots, config, { image });
 * plan.actions.filter((a) => a.kind === "deploy");
 */
export function planRedeploy(
  push: ImagePush,
  snapshots: readonly ServiceSnapshot[],
  config: AutopilotConfig,
  options: PlanOptions = {},
): RedeployPlan {
  const { image } = options;
  const actions = snapshots
    .map((snapshot) => {
      const decided = decideService(snapshot, push, config, image?.running);
      return decided.kind === "candidate" ? finishService(decided, push, config, options) : decided;
    })
    .sort((a, b) => a.service.serviceArn.localeCompare(b.service.serviceArn));
  return {
    push,
    actions,
    ...(image && (image.platform || image.signature || image.tagNow) ? { image } : {}),
  };
}
