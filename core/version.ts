/** ecs-autopilot's version: the CLI's `--version`, the AWS SDK user agent, reports. Keep in step with package.json (a test checks). */
export const VERSION = "0.1.0";
