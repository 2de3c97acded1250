import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedPost {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export type Responder = (post: RecordedPost, index: number, res: ServerResponse) => void;

/** A real HTTP server on loopback that records what is posted to it and answers as told. */
export async function startRecordingServer(responder: Responder): Promise<{
  url: (path: string) => string;
  posts: RecordedPost[];
  close: () => Promise<void>;
}> {
  const posts: RecordedPost[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const post = {
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      posts.push(post);
      responder(post, posts.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    posts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
