import type { Binding } from "@oxmig/core/model";
import { readInventory } from "../../io/inventory";
import { selectedBindings, stackSelection } from "../../io/stack-selection";
import type { OutputFormat } from "../options";

export interface BindingsCommandOptions {
  readonly stack: string;
  readonly format: OutputFormat;
}

/** One JSON object per mailbox: the whole chain, nothing secret. */
export function bindingJson(b: Binding) {
  return {
    mailbox: b.primaryAddress.display,
    mailboxId: b.mailboxId,
    kind: b.kind,
    wave: b.wave,
    addresses: b.addresses.map((a) => a.display),
    owner: b.owner ? { immutableId: b.owner.immutableId, login: b.owner.uid, displayName: b.owner.displayName, organisation: b.owner.ou } : null,
    delegates: b.delegates,
    ox: { context: b.context, name: b.oxName, imapLogin: b.imapLogin },
    dovecot: { login: b.dovecotLogin, home: b.home, key: b.keyName },
    source: { address: b.source.address.display, exchangeGuid: b.source.exchangeGuid, login: b.source.login, type: b.source.type },
    ...(b.contextException ? { contextException: b.contextException } : {}),
  };
}

function bindingText(b: Binding): string {
  const who = b.owner ? `${b.owner.displayName} <${b.owner.uid}, ${b.owner.immutableId}>` : `${b.kind} mailbox, delegates: ${b.delegates.join(", ") || "none"}`;
  return [
    `${b.primaryAddress.display}  [${b.wave}]`,
    `  owner      ${who}`,
    `  ox         context ${b.context}, name ${b.oxName}, imapLogin ${b.imapLogin}`,
    `  dovecot    login ${b.dovecotLogin}, home ${b.home}, key ${b.keyName}`,
    `  source     ${b.source.address.display} (${b.source.type}, ExchangeGuid ${b.source.exchangeGuid}, login ${b.source.login})`,
    `  addresses  ${b.addresses.map((a) => a.display).join(", ")}`,
  ].join("\n");
}

/** Prints the stack's binding chains; returns the exit code. Input errors propagate as exit 2. */
export function bindingsCommand(opts: BindingsCommandOptions): number {
  const selection = stackSelection(opts.stack);
  const bindings = selectedBindings(selection, readInventory(selection.inventoryDir));
  if (opts.format === "json") {
    process.stdout.write(`${JSON.stringify(bindings.map(bindingJson), null, 2)}\n`);
  } else {
    process.stdout.write(`${bindings.map(bindingText).join("\n\n")}\n\n${bindings.length} mailboxes in stack ${opts.stack}\n`);
  }
  return 0;
}
