// Runs the synthesized controller state machine with aws-local-stepfunctions, its controller
// task calling the real Java ControllerHandler over loopback HTTP.
//   node run-state-machine.mjs <definition.json> <input.json> <controller-url> <execution-name>
// Prints one JSON line per state entered and a last line {"result": ..., "continuedAsNew": ...}.
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';

const [definitionFile, inputFile, controllerUrl, executionName] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(definitionFile, 'utf8'));
const input = JSON.parse(readFileSync(inputFile, 'utf8'));
const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:Subminute-controller';
let continuedAsNew = null;

const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: false } });
const execution = machine.run(input, {
  context: {
    Execution: { Name: executionName, Id: `${stateMachineArn}:${executionName}`, Input: input, StartTime: new Date().toISOString() },
    StateMachine: { Id: stateMachineArn, Name: 'Subminute-controller' },
  },
  overrides: {
    taskResourceLocalHandlers: {
      ControllerWindow: async (payload) => {
        const response = await fetch(controllerUrl, { method: 'POST', body: JSON.stringify(payload) });
        const body = await response.text();
        if (!response.ok) {
          const error = new Error(body);
          error.name = 'Lambda.Unknown';
          throw error;
        }
        return JSON.parse(body);
      },
      ContinueAsNew: async (parameters) => {
        continuedAsNew = parameters;
        return { executionArn: `${stateMachineArn}:${parameters.Name}` };
      },
      MarkFailed: async () => ({}),
    },
  },
});

for await (const event of execution.eventLogs) {
  if (event.type === 'StateEntered') {
    console.log(JSON.stringify({ state: event.state.name, at: Date.now() }));
  }
}
const result = await execution.result;
console.log(JSON.stringify({ result, continuedAsNew }));
