// Messages between the page and the SoftHebb training worker.

export interface SoftHebbSettings {
  units: number;
  wta: 'soft' | 'hard';
  inverseTemperature: number;
  /** Initial learning rate; it decays linearly to 0 over `epochs` passes of the subset. */
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
}

export type ToWorker =
  | { type: 'init'; dataUrl: string }
  | { type: 'start'; settings: SoftHebbSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array };

export interface Progress {
  samples: number;
  horizon: number;
  epoch: number;
  /** Images per second over the last stretch of training. */
  rate: number;
  /** Label read-out (each unit votes for the class it wins most) on the test images. */
  accuracy: number;
  /**
   * Cross-entropy of the posterior read-out on the test images (nats): p(class | x) from the
   * units' class frequencies, no classifier trained. Not the CLI's post-hoc cross-entropy
   * (Fig. 1C: a linear classifier fitted on the layer's posteriors), which is higher.
   */
  posteriorLoss: number;
  r1: number;
  /** The first tiles' weights, rows of 784, for the receptive-field canvas. */
  weights: Float32Array;
  tiles: number;
}

export type FromWorker =
  | { type: 'ready'; backend: string; train: number; test: number; webgpu: boolean }
  | { type: 'progress'; progress: Progress; running: boolean; done: boolean }
  | { type: 'saved'; bytes: Uint8Array }
  | { type: 'loaded'; settings: SoftHebbSettings }
  | { type: 'error'; message: string };
