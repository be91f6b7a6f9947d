/**
 * Errors raised for bad input. The message names what is wrong (the function, the argument,
 * the shapes or values seen) and how to fix it.
 */
export class HebbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HebbError';
  }
}

/** Wrong shape or size. */
export class ShapeError extends HebbError {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** A value that cannot be used: NaN/Inf, out of range, wrong type. */
export class ValueError extends HebbError {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}
