/**
 * A moto server of its own with IAM enforcement on, for proof (b): each function's scenarios run
 * with credentials of a role that carries that function's policy document.
 *
 * How moto 5.2.1 enforces (read from its source): after `POST /moto-api/reset-auth` with `0`
 * (the runtime form of INITIAL_NO_AUTH_ACTION_COUNT), every request must be signed with an access
 * key moto's IAM knows (moto/core/authorization.py), and `IAMRequest.check_action_permitted`
 * (moto/iam/access_control.py) allows it when one statement of the caller's policies matches the
 * action. It matches Resource only against what the service's responses class determines: the
 * queue ARN for SQS (moto/sqs/responses.py `_determine_resource`), `*` for every other service
 * this project uses (moto/core/responses.py `call_action`), and it evaluates Condition blocks
 * against no request context ("TODO add support for the Resource and Condition parts"). So the
 * document moto is given is the function's document with, for every statement but SQS's, the
 * resources it cannot see replaced by `*`, and the conditions it cannot evaluate left out: the
 * same statements and the same actions, checked by an evaluator that is not ours. Resources and
 * conditions are held by proof (a) (test/proof/iamCalls.test.ts). moto checks no implicit
 * permission (RegisterTaskDefinition's iam:PassRole): proof (a) models those.
 */
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { PolicyDocument } from "../../../core/iam/index.ts";
import { type MotoServer, startMotoServer } from "../../../scripts/moto-server.ts";
import { TEST_ACCOUNT } from "./authorizations.ts";

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * moto names the action after the request's SigV4 signing name (`IAMRequestBase.__init__`:
 * `f"{self._service}:{action}"`), and CloudWatch signs as `monitoring`.
 */
const motoAction = (action: string) => action.replace(/^cloudwatch:/, "monitoring:");

/**
 * Where moto names an API that AWS authorizes as other actions: TransactWriteItems is authorized
 * per item (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), ECR's ListImageReferrers as
 * BatchGetImage. moto checks the API's own name, so it is added where the actions AWS checks are.
 */
const motoAliases = (actions: readonly string[]): string[] => [
  ...(actions.some((a) => /^dynamodb:(Put|Update|Delete)Item$|^dynamodb:ConditionCheckItem$/.test(a))
    ? ["dynamodb:TransactWriteItems"]
    : []),
  ...(actions.includes("ecr:BatchGetImage") ? ["ecr:ListImageReferrers"] : []),
];

/** The document as moto 5.2.1 can check it (see the file's comment). */
export function forMoto(document: PolicyDocument): PolicyDocument {
  return {
    Version: document.Version,
    Statement: document.Statement.map((s) => ({
      Sid: s.Sid,
      Effect: s.Effect,
      Action: [...s.Action.map(motoAction), ...motoAliases(s.Action)],
      Resource: s.Action.every((a) => a.startsWith("sqs:")) ? s.Resource : ["*"],
    })),
  };
}

export interface EnforcingMoto {
  readonly server: MotoServer;
  readonly admin: Credentials;
  /** Creates a role carrying `document` (as moto checks it) and returns a session of it. */
  role(name: string, document: PolicyDocument): Promise<Credentials>;
  /** From now on every request is authorized. */
  enforce(): Promise<void>;
  stop(): Promise<void>;
}

const SETUP_KEYS = { accessKeyId: "testing", secretAccessKey: "testing" };

/** Starts the server, with an administrator for seeding; nothing is enforced until {@link EnforcingMoto.enforce}. */
export async function startEnforcingMoto(region: string): Promise<EnforcingMoto> {
  const server = await startMotoServer();
  const iam = new IAMClient({ region, endpoint: server.endpoint, credentials: SETUP_KEYS });
  await iam.send(new CreateUserCommand({ UserName: "seeder" }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: "seeder",
      PolicyName: "administrator",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "seeder" }))).AccessKey;
  const admin = { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" };
  const adminIam = new IAMClient({ region, endpoint: server.endpoint, credentials: admin });
  const sts = new STSClient({ region, endpoint: server.endpoint, credentials: admin });
  return {
    server,
    admin,
    async role(name, document) {
      await adminIam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:user/seeder` },
                Action: "sts:AssumeRole",
              },
            ],
          }),
        }),
      );
      await adminIam.send(
        new PutRolePolicyCommand({
          RoleName: name,
          PolicyName: "inline",
          PolicyDocument: JSON.stringify(forMoto(document)),
        }),
      );
      const session = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`,
          RoleSessionName: name,
        }),
      );
      return {
        accessKeyId: session.Credentials?.AccessKeyId ?? "",
        secretAccessKey: session.Credentials?.SecretAccessKey ?? "",
        sessionToken: session.Credentials?.SessionToken ?? "",
      };
    },
    async enforce() {
      const response = await fetch(`${server.endpoint}/moto-api/reset-auth`, { method: "POST", body: "0" });
      if (!response.ok) throw new Error(`moto reset-auth failed: HTTP ${response.status}`);
    },
    stop: () => server.stop(),
  };
}
