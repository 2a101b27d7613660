// How messages name the fixture exports (relative to the project root, as config.ts displayFile does).
import path from "node:path";
import { displayFile } from "../../policies/config";
import { FIXTURES } from "./helpers";

export const LDIF = displayFile(path.join(FIXTURES, "directory.ldif"));
export const CSV = displayFile(path.join(FIXTURES, "exchange.csv"));
