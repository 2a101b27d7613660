// The OX context dynamic provider; its operations live in context-ops.ts (see lazy-provider.ts for why).
import { lazyProvider } from "./lazy-provider";

/** Relative to the project root: the serialised provider carries no path of this checkout. */
export const oxContextProvider = lazyProvider("infra/ox/context-ops", "Context");
