/**
 * shellCommands (ECS033 reads a container's `sh -c` script with it): each case is what a POSIX
 * shell (dash, busybox sh) splits the script into, words with their quotes removed.
 */
import { describe, expect, it } from "vitest";
import { shellCommands } from "../../../core/policy/rules/shellCommands.ts";

describe("shellCommands", () => {
  it.each<[string, string, string[][]]>([
    ["nothing at all", "", []],
    ["separators alone make no command", " ; ;\n&& ", []],
    ["an empty command between separators", "a;;b", [["a"], ["b"]]],
    ["tabs separate words", "echo\ta\t b", [["echo", "a", "b"]]],
    ["a backslash-newline continues the word", "echo ab\\\ncd", [["echo", "abcd"]]],
    ["a backslash quotes the next character", "\\$HOME a\\ b", [["$HOME", "a b"]]],
    ["a trailing backslash adds nothing", "echo a\\", [["echo", "a"]]],
    ["single quotes keep everything, ; and \\ included", "echo 'a; \\b' c", [["echo", "a; \\b", "c"]]],
    ["an unterminated single quote runs to the end", "echo 'ab c", [["echo", "ab c"]]],
    ["an unterminated single quote right at the end", "echo x'", [["echo", "x"]]],
    ["quotes join the word around them", "a'b'\"c\"d", [["abcd"]]],
    ['in double quotes, \\ escapes " \\ $ and `', 'echo "a\\"b\\\\c\\$d\\`e"', [["echo", 'a"b\\c$d`e']]],
    ["in double quotes, \\ before another character stays", 'echo "a\\nb"', [["echo", "a\\nb"]]],
    ["an unterminated double quote runs to the end", 'echo "ab; c', [["echo", "ab; c"]]],
    [
      "a comment starts only a word",
      "echo a#b # c; d\nexec e",
      [
        ["echo", "a#b"],
        ["exec", "e"],
      ],
    ],
    ["a comment at the very end", "echo a #", [["echo", "a"]]],
    ["a lone & runs in the background: the next word is a new command", "a &b", [["a"], ["b"]]],
    ["&& after a word", "a&&b", [["a"], ["b"]]],
    ["&& followed by a redirection", "a &&>log", [["a"], [">log"]]],
    ["a lone | pipes: the next word is a new command", "a |b", [["a"], ["b"]]],
    ["|| after a word", "a||b", [["a"], ["b"]]],
    ["2>&1 is a redirection", "run 2>&1", [["run", "2>&1"]]],
    [">&2 is a redirection", "echo x >&2", [["echo", "x", ">&2"]]],
    ["<&3 is a redirection", "cat <&3", [["cat", "<&3"]]],
    ["&> is a redirection", "run &>log", [["run", "&>log"]]],
  ])("%s", (_, script, expected) => {
    expect(shellCommands(script)).toEqual(expected);
  });
});
