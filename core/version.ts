/** ecs-autopilot's version: the CLI's `--version`, the AWS SDK user agent, reports. Keep in step with package.json (a test checks). */
export const VERSION = "0.1.0";

/**
 * Where ecs-autopilot lives: package.json `repository` (a test keeps them equal), the SARIF
 * driver's `informationUri` and, through docs/policy-rules.md on its main branch, every rule's
 * `helpUri`. A fork that publishes its own SARIF links changes it here and in package.json.
 */
export const REPOSITORY_URL = "https://github.com/ecs-autopilot/ecs-autopilot";
