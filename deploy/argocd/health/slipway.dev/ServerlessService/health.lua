-- Argo CD health of a slipway.dev ServerlessService, from its Ready/Reconciling/Degraded conditions.
-- Argo CD's Lua VM has only the base, table and a reduced os library: no string.* calls here.
local hs = {}
local status = obj.status or {}

local function condition(conditionType)
  for _, c in ipairs(status.conditions or {}) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

-- "Reason: message", or whichever of the two the operator wrote.
local function describe(c)
  local message = c.message
  if message == "" then
    message = nil
  end
  if c.reason ~= nil and message ~= nil then
    return c.reason .. ": " .. message
  end
  return message or c.reason or ("Condition " .. c.type .. " is " .. c.status)
end

-- Names the AWS resources still in the way, so the app view says what is being waited for.
local function pendingResources()
  local names = {}
  for _, r in ipairs(status.resources or {}) do
    if r.state ~= "Ready" then
      table.insert(names, r.kind .. "/" .. r.name .. ": " .. (r.message or r.state))
    end
  end
  if #names == 0 then
    return ""
  end
  return " (" .. table.concat(names, "; ") .. ")"
end

local generation = obj.metadata.generation
local ready = condition("Ready")
local degraded = condition("Degraded")
local reconciling = condition("Reconciling")

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
-- A status written for an older spec says nothing about the current one.
elseif (status.observedGeneration ~= nil and status.observedGeneration < generation)
    or (ready.observedGeneration ~= nil and ready.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile generation " .. generation
-- Checked before Ready so that a failure is never hidden behind a stale Ready.
elseif degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  if reconciling ~= nil and reconciling.status == "True" then
    hs.message = "Retrying: " .. describe(degraded)
  else
    hs.message = describe(degraded)
  end
elseif ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
elseif reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(reconciling) .. pendingResources()
-- Not ready and the operator is not working on it: it will not get better by waiting.
elseif ready.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(ready)
else
  hs.status = "Progressing"
  hs.message = describe(ready)
end
return hs
