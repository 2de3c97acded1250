/**
 * The tagging standard's check (core/policy/rules/tagging.ts) through the rules that use it:
 * ECS029 (services) and ECS030 (clusters), both off by default. Id, severity, exact message and
 * path; no required keys and required keys, one and several missing; `aws:` tags.
 */
import { describe, expect, it } from "vitest";
import { Unknown } from "../../../core/policy/index.ts";
import { missingTags } from "../../../core/policy/rules/tagging.ts";
import { decide, type Json, withRule } from "./decideRule.ts";

const tags = (...keys: string[]) => keys.map((key) => ({ key, value: "x" }));
const service = (list?: unknown): Json => ({
  serviceName: "web",
  ...(list === undefined ? {} : { tags: list }),
});

describe("ECS029/ECS030 not tagged", () => {
  const on = withRule("ECS029", { enabled: true });

  it("off by default", () => {
    expect(decide("ECS029", "service", service())).toEqual([]);
  });

  it("without required keys, any tag of one's own passes; none, or only aws: system tags, is flagged on tags", () => {
    const none = ["ECS029 low tags: the service has no tags"];
    expect(decide("ECS029", "service", service(), { config: on })).toEqual(none);
    expect(decide("ECS029", "service", service([]), { config: on })).toEqual(none);
    expect(
      decide("ECS029", "service", service(tags("aws:cloudformation:stack-name")), { config: on }),
    ).toEqual(none);
    expect(decide("ECS029", "service", service(tags("team")), { config: on })).toEqual([]);
    // CloudFormation's Key.
    expect(decide("ECS029", "service", service([{ Key: "team", Value: "shop" }]), { config: on })).toEqual(
      [],
    );
  });

  it("required keys: each missing one is named, 'tag' for one and 'tags' for several, in the order required", () => {
    const config = withRule("ECS029", {
      enabled: true,
      params: { requiredTagKeys: ["team", "cost-center"] },
    });
    expect(decide("ECS029", "service", service(tags("team", "cost-center")), { config })).toEqual([]);
    expect(decide("ECS029", "service", service(tags("team", "env")), { config })).toEqual([
      "ECS029 low tags: the service lacks the tag cost-center",
    ]);
    expect(decide("ECS029", "service", service(tags("env")), { config })).toEqual([
      "ECS029 low tags: the service lacks the tags team, cost-center",
    ]);
    expect(decide("ECS029", "service", service(), { config })).toEqual([
      "ECS029 low tags: the service lacks the tags team, cost-center",
    ]);
  });

  it("a tag whose value is not known is there all the same; tags not known as a whole are unknown", () => {
    const config = withRule("ECS029", { enabled: true, params: { requiredTagKeys: ["team"] } });
    expect(
      decide("ECS029", "service", service([{ key: "team", value: new Unknown("var.team") }]), { config }),
    ).toEqual([]);
    expect(decide("ECS029", "service", service(new Unknown("var.tags")), { config })).toEqual([
      "?ECS029 tags: tags is not known in this input (<var.tags>)",
    ]);
  });

  it("ECS030 says the same of a cluster", () => {
    expect(
      decide("ECS030", "cluster", { clusterName: "main" }, { config: withRule("ECS030", { enabled: true }) }),
    ).toEqual(["ECS030 low tags: the cluster has no tags"]);
    const config = withRule("ECS030", { enabled: true, params: { requiredTagKeys: ["owner"] } });
    expect(decide("ECS030", "cluster", { clusterName: "main", tags: tags("team") }, { config })).toEqual([
      "ECS030 low tags: the cluster lacks the tag owner",
    ]);
  });
});

describe("missingTags", () => {
  it("parameters without requiredTagKeys require none: one tag is enough", () => {
    expect(missingTags({ tags: [] }, {}, "service")).toEqual([
      { path: ["tags"], message: "the service has no tags" },
    ]);
    expect(missingTags({ tags: tags("team") }, {}, "service")).toEqual([]);
  });

  it("an entry that is not an object is no tag (the evaluator reads it as unknown)", () => {
    expect(missingTags({ tags: [null, "team"] }, { requiredTagKeys: [] }, "service")).toEqual([
      { path: ["tags"], message: "the service has no tags" },
    ]);
    expect(
      decide("ECS029", "service", service([null]), { config: withRule("ECS029", { enabled: true }) }),
    ).toEqual(["?ECS029 tags[0]: tags[0] is null, not an object: read as not known"]);
  });
});
