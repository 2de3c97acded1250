/**
 * zod for every schema of ecs-autopilot: zod 4's "mini" build, whose checks are functions that a
 * bundler keeps only when used, with the English messages of the classic build. Import it as a
 * namespace (`import * as z`, from this file): esbuild then keeps only what is used, where the
 * `z` object of `import { z } from "zod"` is kept whole, every locale with it. Each Lambda function
 * parses its events, the config and its queue's messages with it, and every cold start parses its
 * bundle (docs/benchmarks.md). The messages are the classic build's: `config(en())` installs the
 * locale the classic build installs on import.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
