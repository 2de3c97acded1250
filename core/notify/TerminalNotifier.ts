import type { Notifier } from "./Notifier.ts";
import type { Block, SlackMessage } from "./SlackMessage.ts";

/** Renders Block Kit as plain text, the way the message reads in Slack. */
export function renderPlainText(message: SlackMessage): string {
  const line = (block: Block): string => {
    switch (block.type) {
      case "header":
        return `== ${block.text.text} ==`;
      case "section":
        return [block.text.text, ...(block.fields ?? []).map((f) => f.text)].join("\n");
      case "context":
        return block.elements.map((e) => e.text).join("  ·  ");
      case "divider":
        return "────────";
    }
  };
  // Bold markers are dropped outside `code` spans, as Slack renders them.
  const unbold = (text: string) =>
    text
      .split("`")
      .map((part, i) => (i % 2 === 0 ? part.replace(/(^|\s)\*([^*\n]+)\*(?=[\s.,:;!?)]|$)/gm, "$1$2") : part))
      .join("`");
  return unbold(message.blocks.map(line).join("\n"))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Prints messages instead of posting them: `npm start` and the CLI without `SLACK_WEBHOOK_URL`. */
export class TerminalNotifier implements Notifier {
  readonly messages: SlackMessage[] = [];
  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  /** The CLI's: messages go to stderr, so that stdout keeps only the command's own output. */
  static toStderr(): TerminalNotifier {
    return new TerminalNotifier((text) => process.stderr.write(text));
  }

  async post(message: SlackMessage): Promise<void> {
    this.messages.push(message);
    const body = renderPlainText(message)
      .split("\n")
      .map((l) => `  │ ${l}`)
      .join("\n");
    this.write(
      `  ┌─ Slack ─────────────────────────────────────────\n${body}\n  └─────────────────────────────────────────────────\n`,
    );
  }
}
