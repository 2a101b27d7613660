// What each command accepts, as data: names, descriptions, every option with its flags, default,
// choices and what its parser makes of a good and a bad value. Compared with a snapshot taken before
// the commands were split into a spec and a lazily loaded implementation (test/cli/command-specs.test.ts).
import type { Command, Option } from "commander";

function probe(option: Option, raw: string): unknown {
  if (!option.parseArg) return undefined;
  try {
    return { [raw]: option.parseArg(raw, option.defaultValue) };
  } catch (err) {
    return { [raw]: `throws: ${(err as Error).message}` };
  }
}

export function describeCommands(program: Command) {
  return {
    description: program.description(),
    commands: program.commands.map((c) => ({
      name: c.name(),
      description: c.description(),
      options: c.options.map((o) => ({
        flags: o.flags,
        description: o.description,
        ...(o.mandatory ? { mandatory: true } : {}),
        ...(o.defaultValue !== undefined ? { default: o.defaultValue } : {}),
        ...(o.argChoices ? { choices: o.argChoices } : {}),
        ...(o.parseArg ? { parses: [probe(o, "7"), probe(o, "x")] } : {}),
      })),
    })),
  };
}
