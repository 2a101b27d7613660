// Reads a doveadm argv the way doveadm's getopt does (clustered flags such as `-1R` included),
// so the policies judge what would run, not how it happens to be spelled.
import { appendAll } from "./append";

/** Global doveadm options that take a value (doveadm [-Dv] [-f fmt] [-c conf] [-o k=v] [-i id]). */
const GLOBAL_WITH_VALUE = new Set(["c", "o", "f", "i"]);
/** dsync (sync/backup) options taking a value: getopt "1a:dDEfg:I:l:m:n:NO:Pr:Rs:t:e:T:Ux:" plus -u/-F/-S. */
const DSYNC_WITH_VALUE = new Set(["a", "g", "I", "l", "m", "n", "O", "r", "s", "t", "e", "T", "x", "u", "F", "S"]);

export interface DoveadmInvocation {
  /** The doveadm subcommand ("backup", "sync", …); undefined when none was found. */
  readonly verb?: string;
  /** Flags without values, e.g. {"1","R"}. */
  readonly flags: ReadonlySet<string>;
  /** Options with values, last one wins (doveadm keeps the last too). */
  readonly options: ReadonlyMap<string, string>;
  /** Every value of each subcommand option, in argv order (to see repeats). */
  readonly optionValues: ReadonlyMap<string, readonly string[]>;
  /** Global options before the subcommand (-c, -o, -f, -i), every value in argv order. */
  readonly globalOptions: ReadonlyMap<string, readonly string[]>;
  /** Global `-o key=value` settings, last one wins per key (checked on Dovecot: the last imapc_user is used). */
  readonly settings: ReadonlyMap<string, string>;
  readonly positional: readonly string[];
  readonly problem?: string;
}

interface Parsed {
  flags: Set<string>;
  options: Map<string, string>;
  all: Map<string, string[]>;
  rest: string[];
  problem?: string;
}

/** getopt over `args` until the first non-option; `+` semantics (stops at the first positional). */
function getopt(args: readonly string[], withValue: ReadonlySet<string>, stopAtPositional: boolean): Parsed {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const all = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      appendAll(rest, args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (stopAtPositional) {
        appendAll(rest, args.slice(i));
        break;
      }
      rest.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (!withValue.has(letter)) {
        flags.add(letter);
        continue;
      }
      const inline = arg.slice(j + 1);
      const value = inline !== "" ? inline : args[++i];
      if (value === undefined) return { flags, options, all, rest, problem: `option -${letter} lacks its value` };
      options.set(letter, value);
      all.set(letter, [...(all.get(letter) ?? []), value]);
      break;
    }
  }
  return { flags, options, all, rest };
}

/** `-o key=value` pairs, last one wins per key; doveadm refuses a value without "=". */
function settingsOf(values: readonly string[]): { settings: Map<string, string>; problem?: string } {
  const settings = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq < 0) return { settings, problem: `option -o ${JSON.stringify(value)} lacks "="` };
    settings.set(value.slice(0, eq), value.slice(eq + 1));
  }
  return { settings };
}

const NOTHING = {
  flags: new Set<string>(),
  options: new Map<string, string>(),
  optionValues: new Map(),
  globalOptions: new Map(),
  settings: new Map(),
  positional: [],
};

/** Parses `doveadm …`; anything that is not doveadm comes back with a problem. */
export function parseDoveadm(argv: readonly string[]): DoveadmInvocation {
  const [program, ...args] = argv;
  if (program === undefined || program.split("/").pop() !== "doveadm") {
    return { ...NOTHING, problem: `runs ${program ?? "nothing"}, not doveadm` };
  }
  const global = getopt(args, GLOBAL_WITH_VALUE, true);
  const [verb, ...verbArgs] = global.rest;
  const { settings, problem: settingsProblem } = settingsOf(global.all.get("o") ?? []);
  if (global.problem || verb === undefined) {
    return { ...NOTHING, problem: global.problem ?? "no doveadm subcommand" };
  }
  const local = getopt(verbArgs, DSYNC_WITH_VALUE, false);
  const problem = settingsProblem ?? local.problem;
  return {
    verb,
    flags: local.flags,
    options: local.options,
    optionValues: local.all,
    globalOptions: global.all,
    settings,
    positional: local.rest,
    ...(problem ? { problem } : {}),
  };
}

/** Is this a dsync run (the only doveadm subcommands that move mail between source and target)? */
export function isDsync(inv: DoveadmInvocation): inv is DoveadmInvocation & { verb: "backup" | "sync" } {
  return inv.verb === "backup" || inv.verb === "sync";
}
