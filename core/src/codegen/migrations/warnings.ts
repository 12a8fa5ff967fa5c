// The warnings a migration comes with: what it would lose (rows, values, links) or where it would
// fail on existing data, each with the quick fixes that avoid it (mostly @renamedFrom).
import type { DbColumn, DbEnum, DbTable } from '../dbSchema';
import type { DiffContext, Pair } from './diffContext';
import type { QuickFix } from './types';

export type DiffWarnings = ReturnType<typeof diffWarnings>;

export function diffWarnings(ctx: DiffContext) {
  const {
    warnings,
    nextTables,
    newColumnName,
    prevEnums,
    typeKey,
    columnOld,
    enumNew,
    createdTables,
    droppedTables,
    fieldOrigin,
    describe,
  } = ctx;

  function warnDropTable(pt: DbTable): void {
    // A join table goes with either type's table: that drop is the warning.
    if (pt.junction && pt.foreignKeys.some((f) => droppedTables.some((d) => !d.junction && d.name === f.referencedTable))) return;
    const fixes: QuickFix[] = [];
    const candidates = createdTables.filter((t) => !!t.junction === !!pt.junction);
    if (!pt.junction) {
      const score = (t: DbTable) =>
        t.columns.filter((c) => pt.columns.some((x) => x.name === c.name && typeKey(x, 'prev') === typeKey(c, 'next'))).length;
      for (const t of [...candidates].sort((a, b) => score(b) - score(a)).slice(0, 3)) {
        fixes.push({ kind: 'renamedFrom', target: { type: t.origin.type }, name: pt.origin.type });
      }
      warnings.push({
        code: 'migration-drop-table',
        origin: pt.origin,
        table: pt.name,
        fixes,
        message:
          `The migration drops table "${pt.name}" and every row in it: "${pt.origin.type}" is no longer in the schema. ` +
          (fixes.length
            ? `If it was renamed, add @renamedFrom(name: "${pt.origin.type}") to the type that replaces it, and the table is renamed with its rows.`
            : `If it was renamed, add @renamedFrom(name: "${pt.origin.type}") to the new type; otherwise export the rows you need before migrating.`),
      });
    } else {
      for (const t of candidates) {
        if (t.origin.field === undefined || pt.origin.field === undefined || t.origin.field === pt.origin.field) continue;
        fixes.push({ kind: 'renamedFrom', target: { type: t.origin.type, field: t.origin.field }, name: pt.origin.field });
      }
      warnings.push({
        code: 'migration-drop-table',
        origin: pt.origin,
        table: pt.name,
        fixes: fixes.slice(0, 3),
        message:
          `The migration drops join table "${pt.name}" and every link it holds for ${describe(pt.origin)}. ` +
          `If the relation field was renamed, add @renamedFrom(name: "${pt.origin.field}") to it; otherwise the links are lost.`,
      });
    }
  }

  function warnDropColumn(pt: DbTable, nt: DbTable, c: DbColumn): void {
    const origin = fieldOrigin(pt, c);
    const oldName = origin.field ?? c.name;
    const added = nt.columns.filter((x) => !columnOld.get(nt.name)?.has(x.name));
    const sameKind = (x: DbColumn) =>
      pt.foreignKeys.some((f) => f.columns.includes(c.name)) === nt.foreignKeys.some((f) => f.columns.includes(x.name));
    const ranked = added
      .filter(sameKind)
      .sort((a, b) => Number(typeKey(b, 'next') === typeKey(c, 'prev')) - Number(typeKey(a, 'next') === typeKey(c, 'prev')));
    const fixes: QuickFix[] = pt.junction
      ? []
      : ranked.slice(0, 3).map((x) => ({ kind: 'renamedFrom', target: fieldOrigin(nt, x), name: oldName }));
    warnings.push({
      code: 'migration-drop-column',
      origin,
      table: nt.name,
      column: c.name,
      fixes,
      message:
        `The migration drops column "${pt.name}"."${c.name}" and its values: ${describe(origin)} is no longer in the schema. ` +
        (fixes.length && fixes[0].kind === 'renamedFrom'
          ? `If it was renamed to "${fixes[0].target.field}", add @renamedFrom(name: "${oldName}") to that field, and the column is renamed with its values.`
          : `If it was renamed, add @renamedFrom(name: "${oldName}") to the new field; otherwise copy the values you need before migrating.`),
    });
  }

  function warnDropEnumValue(e: DbEnum, value: string, added: string[]): void {
    const fixes: QuickFix[] = added
      .slice(0, 3)
      .map((v) => ({ kind: 'renamedFrom', target: { type: e.origin.type, value: v }, name: value }));
    warnings.push({
      code: 'migration-drop-enum-value',
      origin: { type: e.origin.type, value },
      fixes,
      message:
        `The migration removes "${value}" from enum "${e.origin.type}": it fails if any row still holds "${value}". ` +
        (fixes.length
          ? `If "${value}" was renamed, add @renamedFrom(name: "${value}") to the value that replaces it; otherwise update those rows to another value first.`
          : `Update those rows to another value first, or keep the value.`),
    });
  }

  function warnTypeChange(p: Pair, from: DbColumn, change: 'narrowing' | 'incompatible', enums: { from?: DbEnum; to?: DbEnum }): void {
    const nt = nextTables.get(p.table)!;
    const origin = fieldOrigin(nt, p.next);
    const fixes: QuickFix[] = [];
    const show = (c: DbColumn) =>
      (c.enumName !== undefined ? `enum ${c.enumName}` : c.length !== undefined ? `${c.type}(${c.length})` : c.type) +
      (c.array ? '[]' : '');
    // An enum replaced by another (renamed without @renamedFrom) whose labels do not all carry over.
    if (enums.from && enums.to && !prevEnums.has(enums.to.name) && !enumNew.has(enums.from.name)) {
      fixes.push({ kind: 'renamedFrom', target: { type: enums.to.origin.type }, name: enums.from.origin.type });
    }
    warnings.push({
      code: change === 'narrowing' ? 'migration-narrow-type' : 'migration-change-type',
      origin,
      table: p.table,
      column: p.next.name,
      fixes,
      message:
        change === 'narrowing'
          ? `The migration narrows ${describe(origin)} from ${show(from)} to ${show(p.next)}: values that do not fit make it fail, or lose precision. ` +
            `Keep the wider type, or add a new field and copy the values that fit.`
          : `The migration converts ${describe(origin)} from ${show(from)} to ${show(p.next)}: it fails on any value that does not convert. ` +
            (fixes.length
              ? `If enum "${enums.from!.origin.type}" was renamed, add @renamedFrom(name: "${enums.from!.origin.type}") to "${enums.to!.origin.type}".`
              : `Keep the type and add a new field for the new values, or make sure every stored value converts.`),
    });
  }

  function warnRequiredColumn(pt: DbTable, nt: DbTable, c: DbColumn): void {
    const origin = fieldOrigin(nt, c);
    const isKey = nt.foreignKeys.some((f) => f.columns.includes(c.name));
    const fixes: QuickFix[] = [];
    const dropped = pt.columns.filter((x) => newColumnName(pt.name, x.name) === undefined && (x.origin?.field ?? x.name) !== origin.field);
    const sameKind = (x: DbColumn) => pt.foreignKeys.some((f) => f.columns.includes(x.name)) === isKey;
    for (const x of dropped.filter(sameKind).slice(0, 3))
      fixes.push({ kind: 'renamedFrom', target: origin, name: x.origin?.field ?? x.name });
    if (!isKey) fixes.push({ kind: 'default', target: origin });
    fixes.push({ kind: 'nullable', target: origin });
    warnings.push({
      code: 'migration-add-required-column',
      origin,
      table: nt.name,
      column: c.name,
      fixes,
      message:
        `The migration adds the required column "${nt.name}"."${c.name}" without a default: it fails if "${nt.name}" has rows. ` +
        (fixes[0].kind === 'renamedFrom'
          ? `If it replaces "${fixes[0].name}", add @renamedFrom(name: "${fixes[0].name}") to ${describe(origin)}; otherwise `
          : '') +
        (isKey
          ? `make ${describe(origin)} nullable, or fill the table afterwards.`
          : `add @default(value: ...) to ${describe(origin)}, or make it nullable.`
        ).replace(/^./, (ch) => (fixes[0].kind === 'renamedFrom' ? ch : ch.toUpperCase())),
    });
  }

  function warnAddUnique(nt: DbTable, columns: string[]): void {
    const c = nt.columns.find((x) => x.name === columns[0])!;
    const origin = fieldOrigin(nt, c);
    warnings.push({
      code: 'migration-add-unique',
      origin,
      table: nt.name,
      column: c.name,
      fixes: [],
      message:
        `The migration makes "${nt.name}".${columns.map((x) => `"${x}"`).join(', ')} unique: it fails if two rows hold the same value. ` +
        `Remove the duplicates first, or leave ${describe(origin)} without @unique.`,
    });
  }

  function warnSetNotNull(p: Pair): void {
    const nt = nextTables.get(p.table)!;
    const origin = fieldOrigin(nt, p.next);
    const isKey = nt.foreignKeys.some((f) => f.columns.includes(p.next.name));
    const fixes: QuickFix[] = isKey
      ? [{ kind: 'nullable', target: origin }]
      : [
          { kind: 'default', target: origin },
          { kind: 'nullable', target: origin },
        ];
    warnings.push({
      code: 'migration-set-not-null',
      origin,
      table: p.table,
      column: p.next.name,
      fixes,
      message:
        `The migration makes "${p.table}"."${p.next.name}" NOT NULL: it fails if a row holds null. ` +
        (isKey
          ? `Keep ${describe(origin)} nullable, or set it on every row first.`
          : `Add @default(value: ...) to ${describe(origin)} so existing nulls get it, or keep it nullable.`),
    });
  }

  return { warnDropTable, warnDropColumn, warnDropEnumValue, warnTypeChange, warnRequiredColumn, warnAddUnique, warnSetNotNull };
}
