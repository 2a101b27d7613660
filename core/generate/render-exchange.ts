// exchange.csv as `Get-Mailbox | Select … | Export-Csv -Encoding utf8BOM` writes it:
// every field quoted, UTF-8 with BOM, CRLF, EmailAddresses joined with ";".
import { stringify } from "csv-stringify/sync";
import { EXCHANGE_COLUMNS } from "../exchange";
import type { GeneratedFunctional, FunctionalKind } from "./functional";
import type { GeneratedPerson } from "./population";

const UPN_DOMAIN = "land.example";
const RECIPIENT_TYPE: Record<FunctionalKind, string> = { shared: "SharedMailbox", room: "RoomMailbox", equipment: "EquipmentMailbox" };

export function renderExchange(people: readonly GeneratedPerson[], functional: readonly GeneratedFunctional[]): string {
  const rows = [
    ...people.map((p) => [
      p.displayName,
      p.uid,
      p.uid,
      `${p.uid}@${UPN_DOMAIN}`,
      p.mail,
      emailAddresses(p.mail, p.aliases, p.uid),
      p.exchangeGuid,
      "UserMailbox",
      p.accountGuid,
    ]),
    ...functional.map((f) => {
      // Exchange names the accounts it creates for resource mailboxes "SM_…".
      const sam = `SM_${f.exchangeGuid.replace(/-/g, "").slice(0, 12)}`;
      return [
        f.displayName,
        f.alias,
        sam,
        `${f.alias}@${UPN_DOMAIN}`,
        f.address,
        emailAddresses(f.address, f.secondaries, f.alias),
        f.exchangeGuid,
        RECIPIENT_TYPE[f.kind],
        f.accountGuid,
      ];
    }),
  ];
  return stringify(rows, { header: true, columns: [...EXCHANGE_COLUMNS], quoted: true, quoted_empty: true, bom: true, record_delimiter: "windows" });
}

function emailAddresses(primary: string, secondaries: readonly string[], legacyName: string): string {
  return [`SMTP:${primary}`, ...secondaries.map((a) => `smtp:${a}`), `X500:/o=Land/ou=Exchange Administrative Group/cn=Recipients/cn=${legacyName}`].join(";");
}
