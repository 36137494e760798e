// Every state change the runtime knows, as JSON: the journal holds these with their clock reading.
import type { ActivateJobsRequest, CreateInstanceRequest, FailJobRequest, JsonObject, PublishMessageRequest, StreamTarget, ThrowErrorRequest } from '../api.ts';
import type { ProcessModel } from '../model/types.ts';

/** A deployed resource, parsed before the command is applied (parsing is async, applying is not). */
export type CompiledResource =
  | { readonly kind: 'bpmn'; readonly name: string; readonly xml: string; readonly processes: readonly ProcessModel[] }
  | { readonly kind: 'form'; readonly name: string; readonly formId: string; readonly schema: string };

export type Command =
  | { readonly type: 'deploy'; readonly tenantId: string; readonly resources: readonly CompiledResource[] }
  | { readonly type: 'delete-resource'; readonly resourceKey: string }
  | { readonly type: 'create-instance'; readonly request: CreateInstanceRequest }
  | { readonly type: 'cancel-instance'; readonly processInstanceKey: string }
  | { readonly type: 'set-variables'; readonly elementInstanceKey: string; readonly variables: JsonObject; readonly local: boolean }
  | { readonly type: 'resolve-incident'; readonly incidentKey: string }
  | { readonly type: 'publish-message'; readonly request: PublishMessageRequest }
  | { readonly type: 'correlate-message'; readonly request: Omit<PublishMessageRequest, 'timeToLive' | 'messageId'> }
  | { readonly type: 'broadcast-signal'; readonly signalName: string; readonly variables: JsonObject; readonly tenantId: string }
  | { readonly type: 'activate-jobs'; readonly request: ActivateJobsRequest }
  | { readonly type: 'activate-for-stream'; readonly jobKey: string; readonly target: StreamTarget }
  | { readonly type: 'return-job'; readonly jobKey: string }
  | { readonly type: 'complete-job'; readonly jobKey: string; readonly variables: JsonObject }
  | { readonly type: 'fail-job'; readonly request: FailJobRequest }
  | { readonly type: 'throw-error'; readonly request: ThrowErrorRequest }
  | { readonly type: 'update-job-retries'; readonly jobKey: string; readonly retries: number }
  | { readonly type: 'update-job-timeout'; readonly jobKey: string; readonly timeout: number }
  | { readonly type: 'assign-user-task'; readonly userTaskKey: string; readonly assignee: string; readonly allowOverride: boolean }
  | { readonly type: 'unassign-user-task'; readonly userTaskKey: string }
  | { readonly type: 'complete-user-task'; readonly userTaskKey: string; readonly variables: JsonObject }
  | { readonly type: 'pin-clock'; readonly epochMs: number }
  | { readonly type: 'reset-clock' }
  | { readonly type: 'tick' };

/** What the runtime tells the command loop after a command (never part of the state). */
export type RuntimeEffect =
  | { readonly kind: 'jobs-available'; readonly jobs: readonly { key: string; type: string; tenantId: string }[] }
  | { readonly kind: 'instance-ended'; readonly processInstanceKey: string };
