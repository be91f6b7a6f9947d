export { Adam, type AdamOptions, type Param } from './adam.ts';
