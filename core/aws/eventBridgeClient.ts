import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { type AwsClientOptions, clientConfig, counted } from "./clients.ts";

/**
 * An EventBridge client configured like every other client. Kept out of {@link AwsClients} on
 * purpose: no Lambda function calls EventBridge (only the sandbox and the event-routing tests put
 * events on moto's bus), and in `AwsClients` its SDK was bundled into every function (about 51 KiB
 * each, measured by `npm run bench`).
 *
 * @example
 * const eventbridge = createEventBridgeClient({ region: "eu-west-1" });
 */
export function createEventBridgeClient(options: AwsClientOptions = {}): EventBridgeClient {
  return counted(new EventBridgeClient(clientConfig(options)), "EventBridge", options.counter);
}
