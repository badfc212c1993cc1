import { Column, type ColumnOptions, PrimaryColumn } from 'typeorm';

/**
 * Column helpers shared by every entity. Times are epoch milliseconds in BIGINT columns: the same
 * integers on MySQL and SQLite, compared and bound as plain numbers in raw SQL on both.
 */
const bigintAsNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** A ULID primary key, made by the application (no round trip to read a generated id back). */
export function IdColumn(): PropertyDecorator {
  return PrimaryColumn({ type: 'varchar', length: 26 });
}

export function RefColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: 26, ...options });
}

export function EpochMsColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: bigintAsNumber, ...options });
}

/**
 * Fen or points that add up past 2^31 (balances, purchase amounts): BIGINT, read back as a number (every
 * such value stays a safe integer: shared MAX_BASKET_FEN bounds what a purchase brings).
 */
export function MoneyColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: bigintAsNumber, ...options });
}

/** Integer fen or points with a small bound of their own (a gift's price, a counter). */
export function IntColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'int', ...options });
}

/** A JSON document in a TEXT column (portable across MySQL and SQLite). */
export function JsonColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({
    type: 'text',
    transformer: {
      to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
      from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
    },
    ...options,
  });
}
