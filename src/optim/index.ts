export { Adam, type AdamOptions, type AdamSlotState, type Param } from './adam.ts';
