import "react-router";

declare module "react-router" {
  interface AppLoadContext {
    /** The client's address as seen by the server (after trusted proxies). */
    clientIp: string;
  }
}
