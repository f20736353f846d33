// The per-response script nonce of the Content-Security-Policy, handed from the server entry to the document's
// <Scripts> and <ScrollRestoration>. In the browser it is empty: scripts run by then, and the browser hides it anyway.
import { createContext, useContext } from "react";

const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
