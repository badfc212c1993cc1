import type { TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations. Migrations use TypeORM's dialect-neutral Table API so the same
 * migration creates the same schema on MySQL/MariaDB and on SQLite.
 */
export const col = {
  id: (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '26', isPrimary: true }),
  ref: (name: string, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: '26',
    isNullable: nullable,
  }),
  text: (name: string, length: number, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  longText: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  int: (name: string, options: { nullable?: boolean; default?: number } = {}): TableColumnOptions => ({
    name,
    type: 'int',
    isNullable: options.nullable ?? false,
    ...(options.default === undefined ? {} : { default: options.default }),
  }),
  epochMs: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable }),
  bool: (name: string, defaultValue: boolean): TableColumnOptions => ({
    name,
    type: 'boolean',
    default: defaultValue ? 1 : 0,
  }),
};
