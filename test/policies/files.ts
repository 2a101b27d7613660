// How messages name the fixture exports (relative to the project root, as config.ts displayFile does).
import path from "node:path";
import { displayFile } from "../../policies/config";
import { FIXTURES } from "./helpers";

export const LDIF = displayFile(path.join(FIXTURES, "directory.ldif"));
export const CSV = displayFile(path.join(FIXTURES, "exchange.csv"));

/** How messages name a person of the directory export: uid, id, organisation and the line it stands on. */
export const directoryPerson = (uid: string, id: string, ou: string, line: number) => `directory uid ${uid} (id ${id}, ou ${ou}, ${LDIF} line ${line})`;
