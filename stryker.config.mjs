// @ts-check
/**
 * Mutation testing of the decision modules (`npm run test:mutation`, docs/testing.md).
 *
 * Stryker plants one small bug at a time in a decision module (a flipped comparison, a dropped
 * condition, an emptied string) and runs the tests that cover it; a mutant the tests do not
 * notice is a decision no test holds. One group of modules per run (`MUTATION_GROUP`), each
 * with its own incremental file, so a rerun only tests what changed in that group.
 */

/**
 * The decision modules, by group: what `npm run test:mutation [group…]` runs. A group is a few
 * hundred mutants at most, so one run takes minutes on a shared 2-core machine and the
 * incremental file of one group never waits on another.
 */
export const GROUPS = {
  "tag-decision": ["core/tagPolicy/decideTag.ts"],
  "tag-version": ["core/tagPolicy/VersionTag.ts", "core/tagPolicy/TagPattern.ts"],
  "tag-policy": ["core/tagPolicy/TagPolicy.ts"],
  // Why a task stopped, and what to do when ECS could not place one.
  "stop-classification": ["core/monitor/classifyStop.ts", "core/monitor/capacityHint.ts"],
  "incident-state": ["core/monitor/MonitorState.ts"],
  "schedule-language": ["core/schedule/ScheduleSpec.ts", "core/schedule/zonedTime.ts"],
  "schedule-planning": [
    "core/schedule/planScheduledActions.ts",
    "core/schedule/timeline.ts",
    "core/schedule/ScheduleState.ts",
  ],
  // Where a service's schedule comes from: its tag or the first matching config rule, capacities, holidays.
  "schedule-source": ["core/schedule/scheduleSource.ts"],
  // The reconcile diff (desired vs live actions) is planSchedules; reconcileSchedules.ts only loads and applies.
  "schedule-reconcile": ["core/schedule/planSchedules.ts"],
  recommendation: ["core/rightsize/recommend.ts"],
  // The EC2 side of a recommendation (instance plan, deployment room); its own group so that
  // recommendation's incremental file stays valid.
  "recommendation-ec2": ["core/rightsize/ec2Plan.ts"],
  sizing: [
    "core/ecs/FargateSize.ts",
    "core/rightsize/fargateSize.ts",
    "core/rightsize/percentiles.ts",
    "core/rightsize/binPacking.ts",
  ],
  "redeploy-plan": ["core/redeploy/planRedeploy.ts"],
  "redeploy-copy": ["core/redeploy/imageChecks.ts", "core/ecs/TaskDefinitionCopy.ts"],
  "policy-task-definition": ["core/policy/rules/taskDefinitionRules.ts"],
  "policy-service": [
    "core/policy/rules/serviceRules.ts",
    "core/policy/rules/clusterRules.ts",
    "core/policy/rules/capacityProviderRules.ts",
    "core/policy/rules/taskSetRules.ts",
    "core/policy/rules/tagging.ts",
  ],
  "policy-operational": ["core/policy/rules/operationalRules.ts"],
  // How ECS033 reads a container's shell command (split into commands and words).
  "policy-shell": ["core/policy/rules/shellCommands.ts"],
  // Which rules apply, how a resource is evaluated (unknown values, suppressions, exemptions) and
  // which findings block enforcement before a redeploy.
  "policy-evaluate": ["core/policy/evaluate.ts", "core/policy/enforcementGate.ts"],
  // Added 2026-11-27 from a review of issue 16: decision modules that were in no group.
  // A cluster's capacity findings (stranded, target capacity, spread, idle) and its first-fit packing.
  "rightsize-cluster": ["core/rightsize/clusterCapacity.ts"],
  // Wait, forget or alert on a container instance whose agent disconnected.
  "monitor-sweep": ["core/monitor/sweepAgentDisconnects.ts"],
  // Which digest ECS runs on a tag, and which it rolled back (service revisions and deployments).
  "ecs-revisions": ["core/ecs/serviceRevisions.ts"],
  // Added 2026-11-27 (second review of issue 16): the last decision modules held only by moto tests.
  // A service's facts (where it runs, what only EC2 gives it) and its usage profile (steady, bursty, duty cycle).
  "rightsize-profile": ["core/rightsize/profile.ts"],
  // What an "ECS Container Instance State Change" is worth (agent away, a drain that leaves tasks, leaving with tasks).
  "monitor-instance": ["core/monitor/containerInstanceEvent.ts"],
  // What enforce or audit mode does about one CloudTrail call (tag, deregister, roll back, nothing).
  // evaluateRevision: whether a revision read from ECS is compliant, non-compliant or unknown (fail
  // closed); its read is held by the moto tests of test/integration/policy, like planForApiCall's.
  "policy-enforce": ["core/policy/planForApiCall.ts", "core/policy/evaluateRevision.ts"],
  // Added 2026-11-28 (issue 11, reviews 31c/32): the rollback's own calls — its record under the
  // event before UpdateService, what counts as a refusal (forgotten) and what as a lost reply (read
  // back) — held by the moto tests of the policy and of the reviews that found those defects.
  "policy-rollback": ["core/policy/applyPolicyActions.ts", "core/policy/rollbackRecord.ts"],
  // Added 2026-11-27 (third review of issue 16): pure decisions split out of modules that also call AWS.
  // What `autopilot:rightsize=apply` changes: the one step down, and the services it leaves alone.
  "rightsize-apply": ["core/rightsize/planRightsize.ts"],
  // Whether a service's images run on arm64 (yes, no, unknown): the Graviton choice.
  "rightsize-images": ["core/rightsize/imageArchitectures.ts"],
  // Whether a stage acts on the account or runs dry.
  "config-stages": ["core/config/stages.ts"],
  // How long a done roll-out is remembered, and when a push of its digest again is new work;
  // what the apply makes of a lease held elsewhere or a guarded change that did not happen (skip,
  // failed and decided again, queued), who reports a revision deployed earlier; and which services
  // are asked for rollbacks of the pushed digest, since when (redeployPush.ts's rolled-back check).
  "redeploy-apply": [
    "core/redeploy/digestClaim.ts",
    "core/redeploy/applyDecisions.ts",
    "core/redeploy/rolledBackAsk.ts",
  ],
  events: ["core/events/rules.ts", "core/events/match.ts"],
  // Added 2026-11-27 (third review of issue 16): decision helpers that were in no group.
  // What a rule reads before it decides: a field's type (text, flag, object), an unknown value and
  // a value of the wrong type (ReadLog), which CloudFormation intrinsic is a value that is there
  // (normalize), the service's load balancers and exemption tag (serviceContext).
  "policy-inputs": [
    "core/policy/fields.ts",
    "core/policy/ReadLog.ts",
    "core/policy/serviceContext.ts",
    "core/policy/normalize.ts",
  ],
  // What counts as a signature (notation, cosign, a Sigstore bundle that signs) and which platforms
  // an image index offers: whether a signed-only or Graviton service may take a push.
  "image-facts": ["core/redeploy/ImageFacts.ts"],
  // Which containers a push concerns (image reference parsed, same ECR account, region and
  // repository) and which config rule or Slack route a name glob picks.
  matching: ["core/ecs/ImageReference.ts", "core/config/nameGlob.ts"],
  "monitor-event": ["core/monitor/monitorEvent.ts"],
  // Added 2026-11-27 (fourth review of issue 16): decisions of modules that call AWS, split out as pure modules
  // (core/redeploy/serviceChange.ts was pure already, in no group).
  // What a roll-out registers and updates, which errors it retries, which revision is its own, what a failed update leaves.
  "ecs-rollout": ["core/ecs/rollOutDecisions.ts"],
  // What a change made one at a time finds: the service busy (held by whom, for what) or moved off the planned revision.
  "service-guard": ["core/ecs/guardedChange.ts"],
  // Which service a CloudTrail CreateService/UpdateService/DeleteService call names, for the service index.
  "service-index-event": ["core/redeploy/serviceChange.ts"],
  // What enforce or audit does to the account: a checked revision's tags, a rollback's update, and what it reports when busy or moved.
  "policy-apply": ["core/policy/policyActionDecisions.ts"],
  // Also from the fourth review: modules whose text is the decision a user acts on.
  // What a monitor alert says: a stop's cause, a crash loop's count, a deployment's images, an instance away.
  "monitor-messages": ["core/monitor/messages.ts"],
  // How a Compute Optimizer recommendation is read (sizes, saving and its source) and why it differs from ours.
  "rightsize-optimizer": ["core/rightsize/computeOptimizerView.ts"],
  // Also from the fourth review: small pure decisions that were in no group.
  // Which Slack webhook a monitor message goes to: the first route whose cluster and service globs match.
  routing: ["core/monitor/routeFor.ts"],
  // The ISO 8601 week that keys the one-step-per-week right-sizing claim (weeks 52/53, the year's edges).
  "rightsize-week": ["core/rightsize/isoWeek.ts"],
  // What ECS says a task reserves and an instance offers (CPU and memory units, vCPU/GB text), and
  // which platforms an image index offers (arm64 for Graviton); split from their ECS/ECR reads.
  "ecs-facts": ["core/ecs/units.ts", "core/ecs/containerInstanceFacts.ts", "core/ecs/indexPlatforms.ts"],
  // What an EC2 service costs today (its share of the instances it runs on, else the cluster's
  // type) and the prices a recommendation uses (bundled, live with bundled gaps, a price file).
  "rightsize-prices": ["core/rightsize/currentEc2Cost.ts", "core/rightsize/priceBook.ts"],
  // Which scheduled actions are ours (autopilot- on DesiredCount) and which services a reconcile plans.
  "schedule-ownership": ["core/schedule/scheduleOwnership.ts"],
  // Also from the fourth review: the release of a queued push and the redeploy's ECR reads.
  // A queued push's release: how it is planned again, the service-gone skip, when its queue entry goes, what the sweep releases and tells.
  "redeploy-release": ["core/redeploy/releaseDecisions.ts"],
  // What the redeploy asks ECR of an image and makes of the answers: which reads, which time, failure codes that fail closed, platforms, signatures.
  "image-reads": ["core/redeploy/imageReads.ts"],
  // Which service a CloudTrail TagResource/UntagResource call names, or why the call is left to the 15-minute run.
  "schedule-tag-call": ["core/schedule/serviceFromTagCall.ts"],
  // Added 2026-11-27 (fifth review of issue 16): decisions that were in no group.
  // What one task costs per hour: a Fargate size, or the larger of its CPU and memory shares of its EC2 instance.
  "pricing-task": ["core/pricing/taskPrice.ts"],
  // Which incident a task or service event belongs to: the key of a long or short (pre-2021) service ARN, standalone tasks.
  "monitor-subjects": ["core/monitor/subjects.ts"],
  // The agent reserve bin-packing uses for an instance type: registered memory where a cluster runs it, else the estimate.
  "rightsize-reserve": ["core/rightsize/agentReserve.ts"],
  // Which "ECR Image Action" events the redeploy acts on (a successful push), and why it ignores the rest.
  "redeploy-event": ["core/redeploy/pushEvent.ts"],
  // Added 2026-11-27 (issue 16): the usage a right-sizing reads, split out of collectUsage.ts (which keeps
  // the batching and paging). Which CloudWatch queries a service gets (Container Insights or AWS/ECS),
  // values oldest first, per task by the running tasks of the same period (a period a series lacks dropped).
  "rightsize-usage": ["core/rightsize/usageSeries.ts"],
  // Added 2026-11-27 (review of issue 16): the policy's input readers, which decide what a file holds.
  // Which resources of a CloudFormation template or ECS API JSON are task definitions, services, clusters,
  // task sets or capacity providers, how they refer to each other, and which task definition lists are malformed.
  "policy-readers": [
    "core/policy/inputs/wellFormedTaskDefinition.ts",
    "core/policy/inputs/ecsJsonResources.ts",
    "core/policy/inputs/cloudFormationResources.ts",
  ],
  // Which resources of a Terraform plan or HCL module are ECS resources and what their fields become (bools, numbers, blocks, references).
  "policy-terraform": ["core/policy/inputs/terraformResources.ts"],
  // Added 2026-11-27 (issue 16): what a Terraform resource's attributes and blocks become in the ECS API's shape
  // (which blocks are single objects, which attributes are user-keyed maps, Terraform names that ECS spells otherwise).
  "policy-terraform-docs": ["core/policy/inputs/terraformDocuments.ts"],
  // Added 2026-11-27 (issue 16): decision modules a review found in no group.
  // When claims, cooldowns and markers expire: an item past its expiration is gone (isLive), the condition that says so.
  "state-ttl": ["core/state/ttl.ts"],
  // What `redeploy explain` says each pushed tag would do (deploy or skip, why, the tag running after it).
  "redeploy-explain": ["core/redeploy/explainPushes.ts"],
  // Which AWS price-list rows are EC2 Linux On-Demand, in the Region itself, and which Fargate dimension a row prices.
  "pricing-offers": ["core/pricing/offerFile.ts"],
};

/** Groups whose decisions are reached through the state table or ECS: their tests need moto. */
export const MOTO_GROUPS = new Set([
  "incident-state",
  "monitor-event",
  "monitor-sweep",
  "monitor-instance",
  "policy-enforce",
  "policy-rollback",
]);

const group = process.env.MUTATION_GROUP ?? "tag-decision";
const mutate = GROUPS[/** @type {keyof typeof GROUPS} */ (group)];
if (!mutate) throw new Error(`unknown MUTATION_GROUP '${group}'; one of ${Object.keys(GROUPS).join(", ")}`);
const out = `reports/mutation/${group}`;
const moto = MOTO_GROUPS.has(group);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: {
    configFile: moto ? "vitest.mutation-moto.config.ts" : "vitest.mutation.config.ts",
    related: true,
  },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.mutation.json",
  mutate,
  coverageAnalysis: "perTest",
  // The machine is shared: one test process at a time.
  concurrency: 1,
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `${out}/mutation.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 95, low: 85, break: 85 },
  tempDirName: ".stryker-tmp",
  ...(moto
    ? {
        // A mutant's run is timed out at timeoutFactor × its covering tests' time in the first
        // run + timeoutMS, and a timeout counts as detected. moto's time for the same tests swings
        // 3–4× with the shared machine's load (the 1,000-stop flood: 54 s at load 6, 224 s at
        // load 11), so Stryker's defaults (1.5× + 5 s) timed out mutants that were only slowed
        // by the machine. Real endless loops are still caught: by these limits, and sooner by
        // Stryker's hit limit (100× the mutant's hits in the first run).
        timeoutFactor: 4,
        timeoutMS: 60_000,
        // The first run includes the flood (up to about 4 min on a loaded machine).
        dryRunTimeoutMinutes: 20,
      }
    : {}),
};
