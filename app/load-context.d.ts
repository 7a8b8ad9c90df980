import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as seen by the server (after trusted proxies). */
    clientIp: string;
  }
}
