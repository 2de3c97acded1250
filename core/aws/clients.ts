import type { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { VERSION } from "../version.ts";
import {
  type ApiCallCounter,
  callerStack,
  currentFunctionScope,
  hasApiCallObservers,
  notifyApiCall,
} from "./ApiCallCounter.ts";

/** The AWS clients every flow draws from. Create them once per process with {@link createAwsClients}. */
export interface AwsClients {
  readonly ecs: ECSClient;
  /**
   * ECS without the SDK's automatic retries, for calls that have no client token and are not
   * idempotent (RegisterTaskDefinition): a lost reply retried blindly would apply twice. Callers
   * retry themselves after looking up what happened (core/ecs/rollOut.ts).
   */
  readonly ecsSingleAttempt: ECSClient;
  readonly ecr: ECRClient;
  readonly dynamodb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly ssm: SSMClient;
  readonly autoscaling: ApplicationAutoScalingClient;
}

export interface AwsClientOptions {
  /** Defaults to the SDK's own resolution (`AWS_REGION`, profile). */
  readonly region?: string;
  /** When given, every API call is recorded in it. */
  readonly counter?: ApiCallCounter;
  /** Attempts per call with the SDK's adaptive retry mode (client-side rate limiting + backoff). */
  readonly maxAttempts?: number;
  /** Fixed credentials (tests acting as one function's role); default: the SDK's own chain. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

export const USER_AGENT = `ecs-autopilot/${VERSION}`;

interface MiddlewareClient {
  middlewareStack: {
    add: (
      middleware: (
        next: (args: { input: unknown }) => Promise<{ output: unknown }>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: unknown }) => Promise<{ output: unknown }>,
      options: { step: "initialize"; name: string; priority: "high" },
    ) => void;
  };
  config: { region: () => Promise<string> };
}

/**
 * Records every call of `client` in `counter`, when one is given, and tells the call (with its
 * input, output and function scope) to any observer (core/aws/ApiCallCounter.ts).
 */
export function counted<T extends { middlewareStack: object }>(
  client: T,
  service: string,
  counter?: ApiCallCounter,
): T {
  if (counter || hasApiCallObservers()) {
    // Each client's stack is typed by its own input/output unions; the counter only reads the
    // command name, input and output, so one structural view serves all of them.
    const view = client as unknown as MiddlewareClient;
    view.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
        counter?.record(service, operation);
        if (!hasApiCallObservers()) return next(args);
        // Taken before the first await, while the caller's frames are still on the stack.
        const stack = callerStack();
        const scope = currentFunctionScope();
        const region = await view.config.region();
        const call = { service, operation, region, input: args.input, scope, stack };
        try {
          const result = await next(args);
          notifyApiCall({ ...call, output: result.output });
          return result;
        } catch (error) {
          notifyApiCall({ ...call, error });
          throw error;
        }
      },
      { step: "initialize", name: "ecsAutopilotApiCallCounter", priority: "high" },
    );
  }
  return client;
}

/** Region, adaptive retries and user agent: the configuration every client of the project shares. */
export function clientConfig(options: AwsClientOptions) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: "adaptive",
    customUserAgent: USER_AGENT,
  };
}

/**
 * The SDK client classes a process builds its {@link AwsClients} from. Each Lambda entry passes
 * only the ones it calls (functions/*.ts), so that esbuild leaves the other SDKs out of its
 * bundle: a function's cold start pays for parsing every byte it carries. DynamoDB comes with its
 * document client. The CLI, the sandbox and the tests take every class (./allClients.ts).
 */
export interface AwsClientClasses {
  readonly ecs?: typeof ECSClient;
  readonly ecr?: typeof ECRClient;
  readonly dynamodb?: {
    readonly client: typeof DynamoDBClient;
    readonly documents: typeof DynamoDBDocumentClient;
  };
  readonly sqs?: typeof SQSClient;
  readonly ssm?: typeof SSMClient;
  readonly autoscaling?: typeof ApplicationAutoScalingClient;
}

/** The AWS services of {@link AwsClientClasses}, as the clients and IAM name them. */
export const CLIENT_SERVICES: Readonly<Record<keyof AwsClientClasses, { name: string; iamPrefix: string }>> =
  {
    ecs: { name: "ECS", iamPrefix: "ecs" },
    ecr: { name: "ECR", iamPrefix: "ecr" },
    dynamodb: { name: "DynamoDB", iamPrefix: "dynamodb" },
    sqs: { name: "SQS", iamPrefix: "sqs" },
    ssm: { name: "SSM", iamPrefix: "ssm" },
    autoscaling: { name: "ApplicationAutoScaling", iamPrefix: "application-autoscaling" },
  };

/** A client the process was not built with: a function calling an AWS service it does not bundle. */
export class ClientNotBundledError extends Error {
  constructor(service: keyof AwsClientClasses, scope: string) {
    super(
      `${scope} does not bundle the ${CLIENT_SERVICES[service].name} client: add its class to the function's AwsClientClasses (functions/*.ts) and the action to its IAM statements (core/iam/permissions.ts)`,
    );
    this.name = "ClientNotBundledError";
  }
}

/**
 * Builds the AWS clients from `classes`, all in one place: region, adaptive retries, user agent,
 * and optional call counting. Each client is built on first use; one whose class was not given
 * throws {@link ClientNotBundledError} naming it. The endpoint is never set here: the SDK reads
 * `AWS_ENDPOINT_URL` (and the per-service `AWS_ENDPOINT_URL_<SERVICE>`) itself, which is how
 * tests and `npm start` reach moto.
 *
 * @example
 * const { sqs } = buildAwsClients({ sqs: SQSClient }, { region: "eu-west-1" }, "notify");
 */
export function buildAwsClients(
  classes: AwsClientClasses,
  options: AwsClientOptions = {},
  scope = "this process",
): AwsClients {
  const config = clientConfig(options);
  const need = <K extends keyof AwsClientClasses>(service: K): NonNullable<AwsClientClasses[K]> => {
    const found = classes[service];
    if (!found) throw new ClientNotBundledError(service, scope);
    return found;
  };
  // Lazy: a Lambda that only needs ECS and DynamoDB does not pay for building the other clients.
  const lazy = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => {
      value ??= make();
      return value;
    };
  };
  const dynamodb = lazy(() => counted(new (need("dynamodb").client)(config), "DynamoDB", options.counter));
  const documents = lazy(() =>
    need("dynamodb").documents.from(dynamodb(), { marshallOptions: { removeUndefinedValues: true } }),
  );
  const ecs = lazy(() => counted(new (need("ecs"))(config), "ECS", options.counter));
  const ecsSingleAttempt = lazy(() =>
    counted(new (need("ecs"))({ ...config, maxAttempts: 1 }), "ECS", options.counter),
  );
  const ecr = lazy(() => counted(new (need("ecr"))(config), "ECR", options.counter));
  const sqs = lazy(() => counted(new (need("sqs"))(config), "SQS", options.counter));
  const ssm = lazy(() => counted(new (need("ssm"))(config), "SSM", options.counter));
  const autoscaling = lazy(() =>
    counted(new (need("autoscaling"))(config), "ApplicationAutoScaling", options.counter),
  );
  return {
    get ecs() {
      return ecs();
    },
    get ecsSingleAttempt() {
      return ecsSingleAttempt();
    },
    get ecr() {
      return ecr();
    },
    get dynamodb() {
      return dynamodb();
    },
    get documents() {
      return documents();
    },
    get sqs() {
      return sqs();
    },
    get ssm() {
      return ssm();
    },
    get autoscaling() {
      return autoscaling();
    },
  };
}
