import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateTaskDefinition, loadTaskDefinitionFile } from "../../../core/policy/index.ts";

const CORPUS = resolve(import.meta.dirname, "..", "..", "fixtures", "taskdefs");

/**
 * Real public task definitions (test/fixtures/taskdefs/SOURCES.tsv names each repository and
 * commit), checked with the default settings. Each list was reviewed against the file: e.g. 21
 * holds DISCORD_BOT_TOKEN and STALK_API_TOKEN in plain environment values (ECS003 twice), 29 has
 * six EFS volumes without transit encryption (ECS009), 39 pins its image by digest (no ECS013),
 * 23 and 11 fill the image in CI (no image rules), 17 has a read-only root filesystem (no ECS002)
 * and runs a compound `sh -c` script as its process (ECS033). Rules ECS021–ECS038 find nothing else
 * in these files: none mounts a host path, sets ulimits, references secrets elsewhere or uses
 * CMD-SHELL on a shell-less image.
 */
const EXPECTED: Record<string, string[]> = {
  "01-Abdelali12-codes__aws_ecs_codedeploy_appmesh_xray.json": [
    "ECS014 containerDefinitions[0].image",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS004 containerDefinitions[0].logConfiguration",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "03-Abdelali12-codes__ecs-opentelemetry.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "05-5290charlie__ts-gw2-verifyBot.json": [
    "ECS014 containerDefinitions[0].image",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS011 networkMode",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "07-AlexVanLeyen__common-deployment-example.json": [
    "ECS014 containerDefinitions[0].image",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS004 containerDefinitions[0].logConfiguration",
    "ECS007 containerDefinitions[0].user",
    "ECS012 taskRoleArn",
    "ECS013 containerDefinitions[0].image",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "09-CrowdStrike__detection-container.json": [
    "ECS014 containerDefinitions[0].image",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "11-nekochans__lgtm-cat-api.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS002 containerDefinitions[1].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS007 containerDefinitions[1].user",
    "ECS016 containerDefinitions[0].linuxParameters",
    "ECS016 containerDefinitions[1].linuxParameters",
  ],
  "13-ConnectForLife__cfl-distribution.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "15-keenethics__keenethics.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS004 containerDefinitions[0].logConfiguration",
    "ECS007 containerDefinitions[0].user",
    "ECS011 networkMode",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "17-aws__amazon-ecs-agent__readonly-rootfs.json": [
    "ECS014 containerDefinitions[0].image",
    "ECS004 containerDefinitions[0].logConfiguration",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS011 networkMode",
    "ECS016 containerDefinitions[0].linuxParameters",
    // `sh -c "touch /readonly && exit 1 || exit 42"`: the shell is PID 1 and would not pass SIGTERM on.
    "ECS033 containerDefinitions[0].command",
  ],
  "19-Heads-in-the-Cloud__DevOps-AM.json": [
    "ECS014 containerDefinitions[0].image",
    "ECS014 containerDefinitions[1].image",
    "ECS014 containerDefinitions[2].image",
    "ECS014 containerDefinitions[3].image",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS002 containerDefinitions[1].readonlyRootFilesystem",
    "ECS002 containerDefinitions[2].readonlyRootFilesystem",
    "ECS002 containerDefinitions[3].readonlyRootFilesystem",
    "ECS004 containerDefinitions[0].logConfiguration",
    "ECS004 containerDefinitions[1].logConfiguration",
    "ECS004 containerDefinitions[2].logConfiguration",
    "ECS004 containerDefinitions[3].logConfiguration",
    "ECS007 containerDefinitions[0].user",
    "ECS007 containerDefinitions[1].user",
    "ECS007 containerDefinitions[2].user",
    "ECS007 containerDefinitions[3].user",
    "ECS013 containerDefinitions[0].image",
    "ECS013 containerDefinitions[1].image",
    "ECS013 containerDefinitions[2].image",
    "ECS013 containerDefinitions[3].image",
    "ECS016 containerDefinitions[0].linuxParameters",
    "ECS016 containerDefinitions[1].linuxParameters",
    "ECS016 containerDefinitions[2].linuxParameters",
    "ECS016 containerDefinitions[3].linuxParameters",
  ],
  "21-DnOberon__stalk-bot-discord.json": [
    "ECS003 containerDefinitions[0].environment[0]",
    "ECS003 containerDefinitions[0].environment[1]",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS004 containerDefinitions[0].logConfiguration",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS011 networkMode",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "23-ESGF__stac-transaction-api.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "25-Poss111__mrbot.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "27-customaddone__wikieng.json": [
    "ECS003 containerDefinitions[1].environment[0].value",
    "ECS003 containerDefinitions[1].environment[4]",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS002 containerDefinitions[1].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS007 containerDefinitions[1].user",
    "ECS010 containerDefinitions[0].memory",
    "ECS010 containerDefinitions[1].memory",
    "ECS013 containerDefinitions[0].image",
    "ECS013 containerDefinitions[1].image",
    "ECS011 networkMode",
    "ECS016 containerDefinitions[0].linuxParameters",
    "ECS016 containerDefinitions[1].linuxParameters",
  ],
  "29-CriaAI__DocumentServer.json": [
    "ECS009 volumes[0].efsVolumeConfiguration.transitEncryption",
    "ECS009 volumes[1].efsVolumeConfiguration.transitEncryption",
    "ECS009 volumes[2].efsVolumeConfiguration.transitEncryption",
    "ECS009 volumes[3].efsVolumeConfiguration.transitEncryption",
    "ECS009 volumes[4].efsVolumeConfiguration.transitEncryption",
    "ECS009 volumes[5].efsVolumeConfiguration.transitEncryption",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "31-Codemonster808__delivery-eta-mesh.json": [
    "ECS014 containerDefinitions[0].image",
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS004 containerDefinitions[0].logConfiguration",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS011 networkMode",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "33-COS301-SE-2023__Where-is-the-power.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "35-Bolius__samlesiden.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "37-Akugara__PromtiorTest.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS013 containerDefinitions[0].image",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
  "39-Taira0222__juku-cloud-backend.json": [
    "ECS002 containerDefinitions[0].readonlyRootFilesystem",
    "ECS007 containerDefinitions[0].user",
    "ECS016 containerDefinitions[0].linuxParameters",
  ],
};

describe("the public task-definition corpus", () => {
  it("covers every file of the corpus", () => {
    expect(
      readdirSync(CORPUS)
        .filter((f) => f.endsWith(".json"))
        .sort(),
    ).toEqual(Object.keys(EXPECTED));
  });

  it.each(Object.entries(EXPECTED))("%s", async (file, expected) => {
    const loaded = await loadTaskDefinitionFile(join(CORPUS, file));
    const findings = loaded.flatMap((l) => evaluateTaskDefinition(l, DEFAULT_CONFIG.policy).findings);
    expect(findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual(expected);
    // Every finding points at a line of the file.
    expect(findings.every((f) => (f.location?.line ?? 0) >= 1)).toBe(true);
  });
});
