import { createContext, useContext } from "react";

/**
 * The page's script nonce (app/lib/security-headers.server.ts): set by entry.server around the whole render, read by
 * the root layout for <Scripts> and <ScrollRestoration>. In the browser it is empty: the scripts already ran.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
