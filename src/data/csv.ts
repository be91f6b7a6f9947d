// CSV text as samples: a header row of column names, then one sample per line, comma-separated
// (a field may be "quoted", with "" for a quote). Every column but the label column must be
// numeric. Browser-safe (text in, arrays out); loadCsv in own-data.ts reads a file.
import { Matrix } from '../backend/matrix.ts';
import { HebbError } from '../errors.ts';
import { nearest } from '../model/params.ts';

/** A CSV file read as features and labels. */
export interface CsvTable {
  /** The feature columns' names, in file order. */
  columns: string[];
  /** One row per data line, one column per feature column (float32). */
  x: Matrix;
  /** The label column's name. */
  labelColumn: string;
  /** The label column's cells as written (trimmed), one per row. */
  labels: string[];
  /** The file line (1-based) of each row, for messages. */
  lines: number[];
}

/** Options of parseCsv. */
export interface CsvOptions {
  /** The label column's name; default 'label' when the header has it, else the last column. */
  labelColumn?: string;
  /** Names the text in messages (a file path). */
  source?: string;
}

/** The fields of one line (quotes removed, fields trimmed); null when a quote is left open. */
function fields(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (true) {
    let field = '';
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      i++;
      while (true) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      while (i < line.length && line[i] !== ',') field += line[i++];
    } else {
      while (i < line.length && line[i] !== ',') field += line[i++];
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

/** A cell as a number, or NaN when it is not numeric text ('' and words alike). */
export function numericCell(text: string): number {
  return text === '' ? NaN : Number(text);
}

/**
 * Parses CSV text (header row first) into features and label cells, checking every line: a row
 * with more or fewer cells than the header, an empty or non-numeric feature cell, NaN or ±Inf
 * is an error naming the line (1-based, the header is line 1) and the column.
 */
export function parseCsv(text: string, o: CsvOptions = {}): CsvTable {
  const source = o.source ?? 'CSV text';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: { line: number; cells: string[] }[] = [];
  let header: string[] | null = null;
  let headerLine = 0;
  for (let k = 0; k < lines.length; k++) {
    if (lines[k].trim() === '') continue; // blank lines (and the final newline) are skipped
    const cells = fields(lines[k]);
    if (cells === null) {
      throw new HebbError(`${source}: line ${k + 1} has an unclosed quote; close it with "`);
    }
    if (header === null) {
      header = cells;
      headerLine = k + 1;
    } else rows.push({ line: k + 1, cells });
  }
  if (header === null) throw new HebbError(`${source}: empty; it needs a header row and data rows`);
  if (header.every((h) => Number.isFinite(numericCell(h)))) {
    throw new HebbError(
      `${source}: line ${headerLine} is all numbers, not a header; add a first row of column names (e.g. x0,x1,…,label)`,
    );
  }
  if (header.length < 2) {
    const sep = /[;\t|]/.exec(header[0])?.[0];
    throw new HebbError(
      `${source}: the header has one column${sep ? ` ('${header[0]}' looks separated by '${sep === '\t' ? '\\t' : sep}')` : ''}; hebb reads comma-separated columns: features and a label column`,
    );
  }
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new HebbError(`${source}: column '${h}' appears twice in the header`);
    seen.add(h);
  }
  let labelAt: number;
  if (o.labelColumn !== undefined) {
    labelAt = header.indexOf(o.labelColumn);
    if (labelAt < 0) {
      const near = nearest(o.labelColumn, header);
      throw new HebbError(
        `${source}: no column '${o.labelColumn}' for the labels${near ? `; did you mean '${near}'?` : ''} (the header has ${header.length} columns: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`,
      );
    }
  } else {
    labelAt = header.includes('label') ? header.indexOf('label') : header.length - 1;
  }
  if (rows.length === 0) throw new HebbError(`${source}: a header but no data rows`);
  const columns = header.filter((_, j) => j !== labelAt);
  const x = new Matrix(rows.length, columns.length);
  const labels: string[] = new Array(rows.length);
  rows.forEach(({ line, cells }, i) => {
    if (cells.length !== header!.length) {
      throw new HebbError(
        `${source}: line ${line} has ${cells.length} values but the header has ${header!.length} columns; give every row one value per column`,
      );
    }
    let c = 0;
    for (let j = 0; j < cells.length; j++) {
      if (j === labelAt) {
        labels[i] = cells[j];
        continue;
      }
      const v = numericCell(cells[j]);
      if (!Number.isFinite(Math.fround(v))) {
        const what =
          cells[j] === ''
            ? 'is empty'
            : /^[+-]?(nan|inf(inity)?)$/i.test(cells[j])
              ? `is ${cells[j]}, not a finite number`
              : Number.isFinite(v)
                ? `${cells[j]} is beyond float32's range (±3.4e38)`
                : `'${cells[j]}' is not a number`;
        throw new HebbError(
          `${source}: line ${line}, column '${header![j]}' ${what}; every column but the label column '${header![labelAt]}' must hold finite numbers (fill or drop that row)`,
        );
      }
      x.data[i * x.cols + c++] = v;
    }
    if (labels[i] === '') {
      throw new HebbError(
        `${source}: line ${line} has no label in column '${header![labelAt]}'; give every row its class`,
      );
    }
  });
  return { columns, x, labelColumn: header[labelAt], labels, lines: rows.map((r) => r.line) };
}
