/**
 * Job events: each job's timeline (`job_events`), in-process change notifications, and the
 * loop that follows a job over server-sent events.
 */
export { JOB_EVENT_TYPES, TERMINAL_EVENT_TYPES } from './job-event-types.js'
export type { JobEvent, JobEventType } from './job-event-types.js'
export { createJobEventStore } from './job-event-store.js'
export type { JobEventStore, JobEventStoreOptions } from './job-event-store.js'
export { createJobChangeNotifier } from './job-change-notifier.js'
export type { JobChangeNotifier } from './job-change-notifier.js'
export { followJobEvents } from './follow-job-events.js'
export type { FollowedStatus, FollowJobEventsOptions, FollowSink } from './follow-job-events.js'
