// The compiled process model: plain JSON (it rides in deploy commands and snapshots), indexed by
// element id so the runtime never walks XML.

export type ElementKind =
  | 'startEvent' | 'endEvent' | 'intermediateCatchEvent' | 'intermediateThrowEvent' | 'boundaryEvent'
  | 'serviceTask' | 'userTask' | 'receiveTask' | 'scriptTask' | 'manualTask' | 'task' | 'sendTask' | 'businessRuleTask'
  | 'exclusiveGateway' | 'parallelGateway' | 'eventBasedGateway' | 'inclusiveGateway'
  | 'subProcess' | 'eventSubProcess' | 'callActivity';

export type TimerDefinition = { readonly kind: 'date' | 'duration' | 'cycle'; readonly expression: string };

export type EventDefinition =
  | { readonly kind: 'none' }
  | { readonly kind: 'message'; readonly messageName: string; readonly correlationKey: string | undefined }
  | { readonly kind: 'timer'; readonly timer: TimerDefinition }
  | { readonly kind: 'error'; readonly errorCode: string | undefined }
  | { readonly kind: 'compensate'; readonly activityRef: string | undefined }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'signal'; readonly signalName: string };

export interface Mapping {
  readonly source: string;
  readonly target: string;
}

export interface MultiInstance {
  readonly sequential: boolean;
  readonly inputCollection: string;
  readonly inputElement: string | undefined;
  readonly outputCollection: string | undefined;
  readonly outputElement: string | undefined;
  readonly completionCondition: string | undefined;
}

export interface ElementModel {
  readonly id: string;
  readonly name: string | undefined;
  readonly kind: ElementKind;
  /** REST v2 element type name */
  readonly type: string;
  /** the containing subprocess / event subprocess id; undefined at process level */
  readonly parentId: string | undefined;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly event: EventDefinition;
  readonly inputs: readonly Mapping[];
  readonly outputs: readonly Mapping[];
  readonly multiInstance: MultiInstance | undefined;
  /** boundary events attached here */
  readonly boundaryIds: readonly string[];
  readonly attachedTo: string | undefined;
  readonly cancelActivity: boolean;
  /** start events: interrupting (event subprocess starts) */
  readonly interrupting: boolean;
  readonly defaultFlow: string | undefined;
  readonly job: { readonly type: string; readonly retries: string } | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly userTask:
    | { readonly formId: string | undefined; readonly assignee: string | undefined; readonly candidateGroups: string | undefined; readonly candidateUsers: string | undefined; readonly dueDate: string | undefined; readonly followUpDate: string | undefined; readonly priority: string | undefined }
    | undefined;
  readonly script: { readonly expression: string; readonly resultVariable: string | undefined } | undefined;
  readonly calledElement: { readonly processId: string; readonly propagateAllChildVariables: boolean; readonly propagateAllParentVariables: boolean } | undefined;
  /** subprocess / event subprocess / process: the none start event and the event subprocesses inside */
  readonly noneStartId: string | undefined;
  readonly eventSubProcessIds: readonly string[];
  /** event subprocess: its start event */
  readonly startEventId: string | undefined;
  readonly isForCompensation: boolean;
  /** activity with a compensation boundary event: the handler's id */
  readonly compensationHandlerId: string | undefined;
}

export interface FlowModel {
  readonly id: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly condition: string | undefined;
}

export interface ProcessModel {
  readonly bpmnProcessId: string;
  readonly name: string | undefined;
  readonly elements: Readonly<Record<string, ElementModel>>;
  readonly flows: Readonly<Record<string, FlowModel>>;
  readonly noneStartId: string | undefined;
  readonly messageStartIds: readonly string[];
  readonly timerStartIds: readonly string[];
  readonly eventSubProcessIds: readonly string[];
}
