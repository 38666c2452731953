-- Argo CD resource actions of a slipway.dev LambdaRelease: each is offered (disabled = false) only
-- where the operator acts on what it writes, so the menu shows exactly what applies now.
-- The rules follow the release machine (src/main/java/dev/slipway/canary/ReleaseMachine.java).
-- Argo CD's Lua VM has only the base, table and a reduced os library: no string.* calls here.
local spec = obj.spec or {}
local status = obj.status or {}
-- No phase yet: the operator's first pass starts the release in Pending.
local phase = status.phase or "Pending"

local started = phase == "Pending" or phase == "Progressing" or phase == "Paused" or phase == "AwaitingApproval"
  or phase == "Verifying"
-- A release being deleted rolls back (if running) and starts no new attempt, whatever the spec says.
local deleting = obj.metadata.deletionTimestamp ~= nil
-- spec.abort wins over every other control until the release is final. A phase this script does
-- not know (a newer operator's) is neither running nor final here: nothing is offered for it.
local running = started and not deleting and spec.abort ~= true
-- The controls that steer the steps: Verifying (all traffic on the new version, post-traffic hooks
-- running) ignores them, and once spec.promote is set the steps are skipped anyway.
local steering = running and phase ~= "Verifying" and spec.promote ~= true

-- The gate of the current step is approved once approvedStep reaches it, and after a retry only by
-- a value other than the one the retry saw (status.approvedStepAtRetry).
local approvedStep = spec.approvedStep or 0
local step = status.step or 0
local approved = approvedStep >= step
  and (status.approvedStepAtRetry == nil or approvedStep ~= status.approvedStepAtRetry)
-- What promote-step writes (see its action.lua); the CRD refuses an approvedStep above the most
-- steps a policy may have (CanaryPolicySpec.MAX_STEPS), and then only promote-full is left.
local MAX_STEPS = 20
local approval = step == status.approvedStepAtRetry and step + 1 or step

-- A retry is asked by raising spec.retry above status.observedRetry; one asked already is pending.
local retryPending = (spec.retry or 0) > (status.observedRetry or 0)

local actions = {}
actions["promote-step"] = {disabled = not (steering and phase == "AwaitingApproval" and spec.paused ~= true and not approved
  and approval <= MAX_STEPS)}
actions["promote-full"] = {disabled = not steering}
actions["abort"] = {disabled = not running}
actions["pause"] = {disabled = not (steering and spec.paused ~= true)}
actions["resume"] = {disabled = not (steering and spec.paused == true)}
actions["retry"] = {disabled = deleting or retryPending or not (phase == "RolledBack" or phase == "Failed")}
return actions
