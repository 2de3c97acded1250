/**
 * The simple commands of a POSIX shell script, each as its words with quotes removed, in order:
 * split at `;`, `&&`, `||`, `|`, `&` and newlines outside quotes, comments dropped. Quotes,
 * backslashes and redirections such as `2>&1` are read as the shell reads them, so
 * `nginx -g 'daemon off;'` is one command. Enough to tell whether a script runs several commands
 * and which is last; no expansion, no compound commands beyond their words.
 *
 * @example
 * shellCommands("envsubst < t > c && exec nginx -g 'daemon off;'");
 * // → [["envsubst", "<", "t", ">", "c"], ["exec", "nginx", "-g", "daemon off;"]]
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i] as string;
    const next = script[i + 1];
    if (c === "\\") {
      // A backslash-newline continues the line; any other backslash quotes the next character.
      if (next !== "\n" && next !== undefined) word = (word ?? "") + next;
      i++;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word = (word ?? "") + script.slice(i + 1, end === -1 ? script.length : end);
      i = end === -1 ? script.length : end;
    } else if (c === '"') {
      let j = i + 1;
      let quoted = "";
      for (; j < script.length && script[j] !== '"'; j++) {
        if (script[j] === "\\" && /["\\$`]/.test(script[j + 1] ?? "")) j++;
        quoted += script[j] ?? "";
      }
      word = (word ?? "") + quoted;
      i = j;
    } else if (c === "#" && word === undefined) {
      const end = script.indexOf("\n", i);
      i = (end === -1 ? script.length : end) - 1;
    } else if (c === " " || c === "\t") endWord();
    else if (c === "\n" || c === ";") endCommand();
    else if (c === "&") {
      // `>&2`, `2>&1` and `&>file` are redirections, not separators.
      const previous = word?.at(-1);
      if (previous === ">" || previous === "<" || next === ">") word = (word ?? "") + c;
      else {
        endCommand();
        if (next === "&") i++;
      }
    } else if (c === "|") {
      endCommand();
      if (next === "|") i++;
    } else word = (word ?? "") + c;
  }
  endCommand();
  return commands;
}
