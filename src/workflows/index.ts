// Entry point of the workflow bundle: every workflow the worker runs.
export { handleInboundMessage } from './handle-inbound-message';
export { conversation } from './conversation';
export { housekeeping } from './housekeeping';
export { ownerAppointmentChange } from './owner-appointment-change';
export { retention } from './retention';
