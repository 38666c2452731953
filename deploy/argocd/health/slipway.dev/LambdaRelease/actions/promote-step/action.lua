-- Approves the approval gate the release waits at: spec.approvedStep to the current step (as Argo
-- Rollouts' promote out of a pause: {}); the next step still needs a passing analysis.
-- After a retry the value the retry saw approves nothing (status.approvedStepAtRetry): then the
-- next index is the smallest that approves this gate, and it approves the next step's gate too.
-- Only at a gate: run anywhere else (the CLI does not ask discovery), it changes nothing.
local status = obj.status or {}
if status.phase == "AwaitingApproval" and status.step ~= nil then
  local step = status.step
  if step == status.approvedStepAtRetry then
    step = step + 1
  end
  obj.spec.approvedStep = step
end
return obj
