/**
 * Each Lambda entry builds its AWS clients from the SDK classes it names (CLIENT_CLASSES), so that
 * its bundle carries no other SDK. A class it lacks fails the call at run time, so the classes must
 * be exactly the services its IAM role may call: every AWS call a function makes in the test suite
 * is held to its IAM statements (test/proof/iamCalls.test.ts), and here the statements to the
 * classes. Right-sizing's own clients (CloudWatch, EC2, Compute Optimizer, Pricing) and iam:PassRole
 * are not AwsClients.
 */
import { describe, expect, it } from "vitest";
import { buildAwsClients, CLIENT_SERVICES, ClientNotBundledError } from "../../../core/aws/clients.ts";
import { ALL_CLIENT_CLASSES } from "../../../core/aws/index.ts";
import { permissionStatements } from "../../../core/iam/permissions.ts";
import { AUTOPILOT_FUNCTIONS } from "../../../core/iam/types.ts";

const NOT_AWS_CLIENTS = new Set(["iam", "cloudwatch", "ec2", "compute-optimizer", "pricing"]);

describe("the SDK clients each function bundles", () => {
  it.each(AUTOPILOT_FUNCTIONS)(
    "functions/%s.ts names exactly the services its IAM role allows",
    async (fn) => {
      const entry = (await import(`../../../functions/${fn}.ts`)) as { CLIENT_CLASSES: object };
      const bundled = Object.keys(entry.CLIENT_CLASSES)
        .map((key) => CLIENT_SERVICES[key as keyof typeof CLIENT_SERVICES].iamPrefix)
        .sort();
      const allowed = [
        ...new Set(
          permissionStatements(fn, { acting: true }).flatMap((s) =>
            s.actions.map((a) => a.split(":")[0] ?? a),
          ),
        ),
      ]
        .filter((prefix) => !NOT_AWS_CLIENTS.has(prefix))
        .sort();
      expect(bundled).toEqual(allowed);
    },
  );

  it("a client whose class was not given fails naming the client and the function, and only when used", () => {
    const clients = buildAwsClients(
      { sqs: ALL_CLIENT_CLASSES.sqs },
      { region: "eu-west-1" },
      "functions/notify.ts",
    );
    expect(clients.sqs.config.serviceId).toBe("SQS");
    expect(() => clients.ecs).toThrow(ClientNotBundledError);
    expect(() => clients.documents).toThrow(
      /^functions\/notify\.ts does not bundle the DynamoDB client: add its class/,
    );
  });
});
