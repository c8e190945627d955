"""moto_server with two fixes to moto 5.2.1's Step Functions.

1. StartExecution deep-copies the state machine, and the copy reaches the backend and the running
   executions (thread locks), so a second execution cannot start while one runs. The clone here
   shares those two references instead of copying them.
2. SendTaskFailure drops its cause; here it passes it on, as Step Functions does.
3. The states:startExecution task passes its parameters to boto in the state language's case
   (StateMachineArn) where boto wants its own (stateMachineArn), and fails; here they are renamed,
   and its result goes back in the state language's case with the start date as text.
"""
import copy
import datetime
import sys

from moto.server import main
from moto.core.responses import EmptyResult
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (
    StateTaskServiceSfn,
)
from moto.stepfunctions.responses import StepFunctionResponse

SHARED = ("backend", "executions")


def _deepcopy(self, memo):
    clone = copy.copy(self)
    for name, value in vars(self).items():
        if name not in SHARED:
            setattr(clone, name, copy.deepcopy(value, memo))
    return clone


def _send_task_failure(self):
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
    )
    return EmptyResult()


_normalise_sfn_parameters = StateTaskServiceSfn._normalise_parameters


def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    _normalise_sfn_parameters(self, parameters, boto_service_name, service_action_name)
    for key in list(parameters):
        parameters[key[0].lower() + key[1:]] = parameters.pop(key)


def _normalise_response(self, response, boto_service_name=None, service_action_name=None):
    for key in list(response):
        value = response.pop(key)
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        response[key[0].upper() + key[1:]] = value


StateMachine.__deepcopy__ = _deepcopy
StateTaskServiceSfn._normalise_response = _normalise_response
StateTaskServiceSfn._normalise_parameters = _normalise_parameters
StepFunctionResponse.send_task_failure = _send_task_failure

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
