/** The Block Kit blocks ecs-autopilot sends (a small, typed subset of Slack's). */
export type TextObject = { readonly type: "mrkdwn" | "plain_text"; readonly text: string };
export type Block =
  | { readonly type: "header"; readonly text: TextObject & { readonly type: "plain_text" } }
  | { readonly type: "section"; readonly text: TextObject; readonly fields?: readonly TextObject[] }
  | { readonly type: "context"; readonly elements: readonly TextObject[] }
  | { readonly type: "divider" };

/** An incoming-webhook message: `text` is the notification fallback, `blocks` the rendering. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
}

/** Slack's limits: 3,000 characters in a section, 150 in a header, 50 blocks in a message. */
export const LIMITS = { section: 3000, header: 150, blocks: 50 } as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export const header = (text: string): Block => ({
  type: "header",
  text: { type: "plain_text", text: truncate(text, LIMITS.header) },
});
export const section = (markdown: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: truncate(markdown, LIMITS.section) },
});
export const context = (...markdown: string[]): Block => ({
  type: "context",
  elements: markdown.map((text) => ({ type: "mrkdwn", text: truncate(text, LIMITS.section) })),
});

/** Keeps a message within Slack's block limit, saying how much was left out. */
export function capBlocks(blocks: readonly Block[]): Block[] {
  if (blocks.length <= LIMITS.blocks) return [...blocks];
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  return [...kept, context(`…and ${blocks.length - kept.length} more blocks not shown`)];
}
