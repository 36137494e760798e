// The smallest process with a job: start → one service task → end. The throughput, push-latency
// and recovery parts each deploy it under a process id and job type of their own.

export interface OneTaskModel {
  readonly bpmnProcessId: string;
  readonly jobType: string;
  readonly xml: string;
}

export function oneTaskModel(bpmnProcessId: string, jobType: string): OneTaskModel {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                  id="Definitions_${bpmnProcessId}" targetNamespace="http://fulfillment.example/bench">
  <bpmn:process id="${bpmnProcessId}" name="Bench: one service task" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Started">
      <bpmn:outgoing>Flow_StartedToWork</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_StartedToWork" sourceRef="StartEvent_Started" targetRef="ServiceTask_Work" />
    <bpmn:serviceTask id="ServiceTask_Work" name="Work">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${jobType}" retries="3" />
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_StartedToWork</bpmn:incoming>
      <bpmn:outgoing>Flow_WorkToEnd</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_WorkToEnd" sourceRef="ServiceTask_Work" targetRef="EndEvent_Done" />
    <bpmn:endEvent id="EndEvent_Done">
      <bpmn:incoming>Flow_WorkToEnd</bpmn:incoming>
    </bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
`;
  return { bpmnProcessId, jobType, xml };
}
