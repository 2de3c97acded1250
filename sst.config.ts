/// <reference path="./.sst/platform/config.d.ts" />

/**
 * ecs-autopilot: deploy into your own account with `npx sst deploy --stage production`.
 * Each infra/ file is one concern; this file reads as the table of contents.
 */
export default $config({
  async app(input) {
    // The acting stage (config deploy.actingStage, default production) keeps its table on
    // removal and refuses `sst remove`; every other stage is removed whole.
    const { stageActs } = await import("./infra/config.ts");
    const acts = stageActs(input?.stage ?? "");
    return {
      name: "ecs-autopilot",
      home: "aws",
      removal: acts ? "retain" : "remove",
      protect: acts,
    };
  },
  async run() {
    const shared = await import("./infra/shared.ts");
    const redeploy = await import("./infra/redeploy.ts");
    const monitor = await import("./infra/monitor.ts");
    const schedule = await import("./infra/schedule.ts");
    const policy = await import("./infra/policy.ts");
    const rightsize = await import("./infra/rightsize.ts");
    const notify = await import("./infra/notify.ts");
    return {
      stage: $app.stage,
      acting: shared.acting,
      stateTable: shared.stateTable.name,
      deadLetterQueue: shared.deadLetters.url,
      configParameter: shared.configParameter.name,
      redeployFunction: redeploy.redeployFunction.name,
      serviceIndexFunction: redeploy.serviceIndexFunction.name,
      monitorFunction: monitor.monitorFunction.name,
      scheduleFunction: schedule.scheduleFunction.name,
      policyFunction: policy.policyFunction.name,
      rightsizeFunction: rightsize.rightsizeFunction.name,
      notifyFunction: notify.notifyFunction.name,
      slackOutbox: shared.outbox.url,
      outboxDeadLetterQueue: shared.outboxDeadLetters.url,
      alarmTopic: shared.alarmTopic.arn,
    };
  },
});
