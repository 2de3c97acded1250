/// <reference path="./.sst/platform/config.d.ts" />

/**
 * ecs-autopilot: deploy into your own account with `npx sst deploy --stage production`.
 * Each infra/ file is one concern; this file reads as the table of contents.
 */
export default $config({
  app(input) {
    return {
      name: "ecs-autopilot",
      home: "aws",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
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
      stateTable: shared.stateTable.name,
      deadLetterQueue: shared.deadLetters.url,
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
